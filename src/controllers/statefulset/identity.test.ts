// Table tests for StatefulSet pod identity, claims and status.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { identityMatches, newClaims, newStatefulSetPod, parentAndOrdinal } from './identity.js';
import { computeStatus } from './status.js';

const set: KubeObject = {
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', generation: 4 },
  spec: {
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'web' } },
    updateStrategy: { type: 'RollingUpdate' },
    template: { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'www', emptyDir: {} }, { name: 'cfg', configMap: { name: 'x' } }] } },
    volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'data' } }, spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' } }],
  },
};

test('parentAndOrdinal', () => {
  const cases: [string, { parent: string; ordinal: number }][] = [
    ['web-0', { parent: 'web', ordinal: 0 }],
    ['my-web-12', { parent: 'my-web', ordinal: 12 }],
    ['web', { parent: '', ordinal: -1 }],
    ['web-x', { parent: '', ordinal: -1 }],
  ];
  for (const [name, want] of cases) assert.deepEqual(parentAndOrdinal(name), want, name);
});

test('newStatefulSetPod carries identity, labels, owner and claim volumes', () => {
  const pod = newStatefulSetPod(set, 2, 'web-abc');
  assert.equal(pod.metadata!.name, 'web-2');
  assert.deepEqual(pod.metadata!.labels, { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'web-abc' });
  assert.deepEqual(pod.metadata!.annotations, { a: 'b' });
  assert.deepEqual(pod.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
  const spec = pod.spec as Record<string, unknown>;
  assert.equal(spec.hostname, 'web-2');
  assert.equal(spec.subdomain, 'nginx');
  assert.deepEqual(spec.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } }, { name: 'cfg', configMap: { name: 'x' } }]);
  assert.ok(identityMatches(set, pod));
  assert.ok(!identityMatches(set, { ...pod, metadata: { ...pod.metadata, labels: {} } }));
});

test('newClaims names claims <template>-<set>-<ordinal> with selector labels', () => {
  const c = newClaims(set, 1).get('www')!;
  assert.equal(c.metadata!.name, 'www-web-1');
  assert.equal(c.metadata!.namespace, 'ns');
  assert.deepEqual(c.metadata!.labels, { tier: 'data', app: 'web' });
  assert.equal(c.status, undefined);
});

const pod = (rev: string, phase: string, ready: boolean, deleting = false): KubeObject => ({
  metadata: { name: 'p', labels: { 'controller-revision-hash': rev }, ...(deleting ? { deletionTimestamp: 'x' } : {}) },
  status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2020-01-01T00:00:00Z' }] },
});

test('computeStatus counts and completes rolling updates', () => {
  const base = { currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0, minReadySeconds: 0, nowMs: Date.parse('2024-01-01T00:00:00Z') };
  const mid = computeStatus(set, [pod('r1', 'Running', true), pod('r2', 'Running', true), pod('r2', 'Pending', false), { metadata: {} }], base);
  assert.deepEqual(mid, { observedGeneration: 4, replicas: 3, readyReplicas: 2, currentReplicas: 1, updatedReplicas: 2, currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0, availableReplicas: 2 });
  const two = { ...set, spec: { ...(set.spec as object), replicas: 2 } };
  const done = computeStatus(two, [pod('r2', 'Running', true), pod('r2', 'Running', true)], base);
  assert.equal(computeStatus(two, [pod('r2', 'Running', true)], base).currentRevision, 'r1', 'not complete while short of spec.replicas');
  assert.equal(done.currentRevision, 'r2');
  assert.equal(done.currentReplicas, 2);
  const empty = computeStatus({ ...set, spec: { ...(set.spec as object), replicas: 0 } }, [], base);
  assert.deepEqual(empty, { observedGeneration: 4, replicas: 0, currentRevision: 'r2', updateRevision: 'r2', collisionCount: 0, availableReplicas: 0 });
  const slow = computeStatus(set, [pod('r2', 'Running', true)], { ...base, minReadySeconds: 10, nowMs: Date.parse('2020-01-01T00:00:05Z') });
  assert.equal(slow.availableReplicas, 0);
  assert.equal(slow.readyReplicas, 1);
});

// ReplicaSet status computation and the ReplicaFailure condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { calculateStatus, statusEqual } from './status.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const rs = (o: { replicas?: number; minReady?: number; conditions?: unknown[] } = {}): KubeObject => ({
  metadata: { name: 'rs', generation: 2 },
  spec: { replicas: o.replicas ?? 3, minReadySeconds: o.minReady ?? 0, template: { metadata: { labels: { app: 'a', tier: 't' } } } },
  status: { replicas: 0, observedGeneration: 1, ...(o.conditions ? { conditions: o.conditions } : {}) },
});
const pod = (labels: Record<string, string>, readySince?: string): KubeObject => ({
  metadata: { labels },
  status: { conditions: readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] : [] },
});

test('counts fully labeled, ready and available pods', () => {
  const pods = [pod({ app: 'a', tier: 't' }, '2025-01-01T11:59:59Z'), pod({ app: 'a' }, '2025-01-01T11:00:00Z'), pod({ app: 'a', tier: 't' })];
  assert.deepEqual(calculateStatus(rs(), pods, undefined, now), { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
  assert.equal(calculateStatus(rs({ minReady: 10 }), pods, undefined, now).availableReplicas, 1);
});

test('ReplicaFailure is set on a create error and cleared on success', () => {
  const st = calculateStatus(rs(), [], new Error('pods "rs-" is forbidden: exceeded quota'), now);
  assert.deepEqual(st.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2025-01-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "rs-" is forbidden: exceeded quota' }]);
  const cleared = calculateStatus(rs({ conditions: st.conditions }), [], undefined, now);
  assert.equal(cleared.conditions, undefined);
  assert.equal(statusEqual({ replicas: 0 }, { replicas: 0, readyReplicas: 0 }), true);
});

// Table-driven tests of the disruption controller's pure status computation.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { conditionsUpToDate, withDisruptionAllowedCondition } from '../../api/disruption-budget.js';
import { buildDisruptedPods, countHealthy, DELETION_TIMEOUT_MS, expectedPodCount, failSafeStatus, findControllerScale, nextStatus, type WorkloadKind } from './status.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const T = (msAgo: number) => new Date(NOW - msAgo).toISOString().replace('.000Z', 'Z');

function pod(name: string, o: { ready?: boolean; deleting?: boolean; owner?: { kind: string; name: string; uid: string; apiVersion?: string } } = {}): KubeObject {
  return {
    metadata: {
      name,
      namespace: 'ns',
      ...(o.deleting ? { deletionTimestamp: T(0) } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: o.owner.apiVersion ?? 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: o.owner.uid, controller: true }] } : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

const workloads: Record<string, KubeObject> = {
  'ReplicaSet/web-1': { metadata: { name: 'web-1', uid: 'rs1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }] }, spec: { replicas: 3 } },
  'Deployment/web': { metadata: { name: 'web', uid: 'd1' }, spec: { replicas: 5 } },
  'ReplicaSet/solo': { metadata: { name: 'solo', uid: 'rs2' }, spec: { replicas: 4 } },
  'StatefulSet/db': { metadata: { name: 'db', uid: 'ss1' }, spec: { replicas: 2 } },
  'ReplicationController/old': { metadata: { name: 'old', uid: 'rc1' }, spec: { replicas: 6 } },
};
const lookup = (kind: WorkloadKind, _ns: string, name: string) => workloads[`${kind}/${name}`];
const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>, generation = 1): KubeObject => ({ metadata: { name: 'b', namespace: 'ns', generation }, spec, ...(status ? { status } : {}) });

describe('findControllerScale', () => {
  const cases: [string, { kind: string; name: string; uid: string; apiVersion?: string }, unknown][] = [
    ['a Deployment through its ReplicaSet', { kind: 'ReplicaSet', name: 'web-1', uid: 'rs1' }, { uid: 'd1', scale: 5 }],
    ['a ReplicaSet without a Deployment', { kind: 'ReplicaSet', name: 'solo', uid: 'rs2' }, { uid: 'rs2', scale: 4 }],
    ['a StatefulSet', { kind: 'StatefulSet', name: 'db', uid: 'ss1' }, { uid: 'ss1', scale: 2 }],
    ['a ReplicationController', { kind: 'ReplicationController', name: 'old', uid: 'rc1', apiVersion: 'v1' }, { uid: 'rc1', scale: 6 }],
    ['a namesake with another uid', { kind: 'StatefulSet', name: 'db', uid: 'other' }, undefined],
    ['a ReplicationController in the wrong group', { kind: 'ReplicationController', name: 'old', uid: 'rc1', apiVersion: 'apps/v1' }, undefined],
  ];
  for (const [name, ref, want] of cases) test(name, () => assert.deepEqual(findControllerScale({ controller: true, ...ref, apiVersion: ref.apiVersion ?? 'apps/v1' }, 'ns', lookup), want));
  test('a kind without a scale subresource is an error', () => {
    assert.throws(() => findControllerScale({ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: 'u' }, 'ns', lookup), /daemonsets.apps does not implement the scale subresource/);
  });
});

describe('expectedPodCount', () => {
  const rsPods = [1, 2, 3].map((i) => pod(`w${i}`, { owner: { kind: 'ReplicaSet', name: 'web-1', uid: 'rs1' } }));
  const cases: [string, Record<string, unknown>, KubeObject[], unknown][] = [
    ['integer minAvailable: the matched pods, no controller needed', { minAvailable: 2 }, [pod('a'), pod('b'), pod('c')], { expectedCount: 3, desiredHealthy: 2, unmanagedPods: [] }],
    ['percent minAvailable rounds up of the scale', { minAvailable: '50%' }, rsPods, { expectedCount: 5, desiredHealthy: 3, unmanagedPods: [] }],
    ['integer maxUnavailable', { maxUnavailable: 1 }, rsPods, { expectedCount: 5, desiredHealthy: 4, unmanagedPods: [] }],
    ['percent maxUnavailable rounds up', { maxUnavailable: '30%' }, rsPods, { expectedCount: 5, desiredHealthy: 3, unmanagedPods: [] }],
    ['maxUnavailable above the scale floors at 0', { maxUnavailable: 9 }, rsPods, { expectedCount: 5, desiredHealthy: 0, unmanagedPods: [] }],
    ['two controllers add up', { maxUnavailable: 0 }, [...rsPods, pod('d0', { owner: { kind: 'StatefulSet', name: 'db', uid: 'ss1' } })], { expectedCount: 7, desiredHealthy: 7, unmanagedPods: [] }],
    ['unmanaged pods are reported, not counted', { maxUnavailable: 1 }, [...rsPods, pod('bare')], { expectedCount: 5, desiredHealthy: 4, unmanagedPods: ['bare'] }],
    ['neither field', {}, rsPods, { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] }],
  ];
  for (const [name, spec, pods, want] of cases) test(name, () => assert.deepEqual(expectedPodCount(pdb(spec), pods, lookup), want));
  test('a pod whose controller is gone is an error', () => {
    assert.throws(() => expectedPodCount(pdb({ minAvailable: '10%' }), [pod('x', { owner: { kind: 'ReplicaSet', name: 'gone', uid: 'g' } })], lookup), /found no controllers for pod "x"/);
  });
});

describe('disrupted pods and healthy count', () => {
  const fresh = T(10_000);
  const stale = T(DELETION_TIMEOUT_MS + 1000);
  const pods = [pod('a'), pod('b'), pod('c', { deleting: true }), pod('d', { ready: false }), pod('e')];
  test('entries of terminating, unmatched and expired pods go; the earliest expiry is the recheck', () => {
    const r = buildDisruptedPods(pods, { a: fresh, b: stale, c: fresh, gone: fresh }, NOW);
    assert.deepEqual(r.disruptedPods, { a: fresh });
    assert.equal(r.recheckAt, Date.parse(fresh) + DELETION_TIMEOUT_MS);
    assert.deepEqual(r.notDeleted.map((p) => p.metadata!.name), ['b']);
    assert.deepEqual(buildDisruptedPods(pods, undefined, NOW), { disruptedPods: {}, notDeleted: [] });
  });
  const cases: [string, Record<string, string>, number][] = [
    ['Ready, not terminating pods', {}, 3],
    ['a disrupted pod is not healthy', { a: fresh }, 2],
    ['an expired entry no longer hides the pod', { a: stale }, 3],
  ];
  for (const [name, disrupted, want] of cases) test(name, () => assert.equal(countHealthy(pods, disrupted, NOW), want));
});

describe('nextStatus', () => {
  const now = T(0);
  const cases: [string, { currentHealthy: number; desiredHealthy: number; expectedCount: number }, number, string, string][] = [
    ['spare healthy pods allow disruptions', { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3 }, 1, 'True', 'SufficientPods'],
    ['exactly enough allows none', { currentHealthy: 2, desiredHealthy: 2, expectedCount: 3 }, 0, 'False', 'InsufficientPods'],
    ['too few never goes negative', { currentHealthy: 1, desiredHealthy: 2, expectedCount: 3 }, 0, 'False', 'InsufficientPods'],
    ['no expected pods allows none', { currentHealthy: 2, desiredHealthy: 0, expectedCount: 0 }, 0, 'False', 'InsufficientPods'],
  ];
  for (const [name, c, allowed, status, reason] of cases) {
    test(name, () => {
      const st = nextStatus(pdb({ minAvailable: 2 }, undefined, 3), { ...c, disruptedPods: {} }, now)!;
      assert.deepEqual(st, {
        observedGeneration: 3, disruptionsAllowed: allowed, currentHealthy: c.currentHealthy, desiredHealthy: c.desiredHealthy, expectedPods: c.expectedCount,
        conditions: [{ type: 'DisruptionAllowed', status, observedGeneration: 3, lastTransitionTime: now, reason, message: '' }],
      });
      assert.equal(conditionsUpToDate(st, 3), true);
      // Writing it again changes nothing.
      assert.equal(nextStatus(pdb({ minAvailable: 2 }, st as unknown as Record<string, unknown>, 3), { ...c, disruptedPods: {} }, T(-5000)), undefined);
    });
  }
  test('a new generation is written even with equal counts; the transition time stays while the status holds', () => {
    const first = nextStatus(pdb({}, undefined, 1), { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: {} }, T(60_000))!;
    const second = nextStatus(pdb({}, first as unknown as Record<string, unknown>, 2), { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3, disruptedPods: { a: T(0) } }, now)!;
    assert.equal(second.observedGeneration, 2);
    assert.deepEqual(second.disruptedPods, { a: T(0) });
    assert.equal(second.conditions![0].lastTransitionTime, T(60_000));
    assert.equal(second.conditions![0].observedGeneration, 2);
  });
  test('failSafe: no disruptions, SyncFailed with the error', () => {
    const ok = withDisruptionAllowedCondition({ observedGeneration: 1, disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3 }, T(60_000));
    const st = failSafeStatus(pdb({}, ok as unknown as Record<string, unknown>), 'found no controllers for pod "x"', now);
    assert.equal(st.disruptionsAllowed, 0);
    assert.equal(st.currentHealthy, 3);
    assert.deepEqual(st.conditions, [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: now, reason: 'SyncFailed', message: 'found no controllers for pod "x"' }]);
    assert.equal(conditionsUpToDate(st, 1), false);
  });
});

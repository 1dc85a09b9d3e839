// Deployment helpers: fenceposts, new set sizing, template equality, revision annotations, proportions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { equalIgnoreHash, newRSNewReplicas, proportion, resolveFenceposts, setNewReplicaSetAnnotations } from './util.js';

const d = (replicas: number, surge: number | string = '25%', unavail: number | string = '25%', annotations: Record<string, string> = {}): KubeObject => ({
  metadata: { name: 'web', annotations },
  spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavail } } },
});
const rs = (replicas: number, annotations: Record<string, string> = {}): KubeObject => ({ metadata: { name: 'rs', annotations }, spec: { replicas } });

test('resolveFenceposts rounds surge up and unavailable down, never both zero', () => {
  const cases: [number | string, number | string, number, [number, number]][] = [
    ['25%', '25%', 4, [1, 1]],
    ['25%', '25%', 3, [1, 0]],
    ['25%', '25%', 10, [3, 2]],
    [0, 0, 5, [0, 1]],
    ['0%', '0%', 1, [0, 1]],
    [2, '50%', 5, [2, 2]],
  ];
  for (const [s, u, n, want] of cases) assert.deepEqual(resolveFenceposts(s, u, n), want, `${s}/${u} of ${n}`);
});

test('newRSNewReplicas stays within maxSurge', () => {
  const dep = d(4, 1, 1);
  assert.equal(newRSNewReplicas(dep, [rs(4), rs(0)], rs(0)), 1);
  assert.equal(newRSNewReplicas(dep, [rs(3), rs(1)], rs(1)), 2);
  assert.equal(newRSNewReplicas(dep, [rs(4), rs(1)], rs(1)), 1);
  assert.equal(newRSNewReplicas({ ...dep, spec: { replicas: 4, strategy: { type: 'Recreate' } } }, [rs(4), rs(0)], rs(0)), 4);
});

test('templates compare semantically, ignoring pod-template-hash', () => {
  const a = { metadata: { creationTimestamp: null, labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'x', resources: {} }] } };
  const b = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ image: 'x', name: 'c' }] } };
  assert.equal(equalIgnoreHash(a, b), true);
  assert.equal(equalIgnoreHash(a, { ...b, spec: { containers: [{ name: 'c', image: 'y' }] } }), false);
});

test('reusing a ReplicaSet renumbers it and keeps its revision history', () => {
  const dep = d(3, '25%', '25%', { 'kubernetes.io/change-cause': 'undo', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' });
  const old = rs(0, { 'deployment.kubernetes.io/revision': '1' });
  assert.equal(setNewReplicaSetAnnotations(dep, old, 3, true), true);
  assert.deepEqual(old.metadata!.annotations, { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', 'kubernetes.io/change-cause': 'undo' });
  setNewReplicaSetAnnotations(dep, old, 5, true);
  assert.equal(old.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1,3');
  const fresh = rs(0);
  setNewReplicaSetAnnotations(dep, fresh, 1, false);
  assert.deepEqual(fresh.metadata!.annotations, { 'kubernetes.io/change-cause': 'undo', 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
});

test('proportional scaling follows max-replicas', () => {
  // 10 replicas + surge 3 = 13 before; scaled to 20 (+5 surge = 25): a set of 5 of 13 gets round(5*25/13)-5 = 5 more.
  const dep = d(20);
  assert.equal(proportion(rs(5, { 'deployment.kubernetes.io/max-replicas': '13' }), dep, 12, 0), 5);
  assert.equal(proportion(rs(5, { 'deployment.kubernetes.io/max-replicas': '13' }), dep, 3, 0), 3);
  assert.equal(proportion(rs(0), dep, 3, 0), 0);
});

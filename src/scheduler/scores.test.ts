import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedAllocation, leastAllocated, selectHost } from './scores.js';
import { NodeInfo } from './node-info.js';
import { podInfo } from './pod-info.js';
import type { Node, Pod, Taint } from './types.js';

const node = (name: string, cpu = '4', memory = '8Gi', labels: Record<string, string> = {}, taints: Taint[] = []) =>
  new NodeInfo({ metadata: { name, labels }, spec: { taints }, status: { allocatable: { cpu, memory, pods: '110' } } } as Node);
let seq = 0;
const pod = (cpu?: string, memory?: string, extra: Partial<Pod> = {}): Pod => ({
  metadata: { name: `p${seq++}`, namespace: 'default', uid: `u${seq}`, ...(extra.metadata ?? {}) },
  spec: { containers: [{ name: 'c', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } }], ...(extra.spec ?? {}) },
});

describe('leastAllocated', () => {
  const cases: [string, string | undefined, string | undefined, number][] = [
    ['half of cpu and memory', '2', '4Gi', 50],
    ['no requests use the non-zero defaults (100m, 200Mi)', undefined, undefined, Math.floor((97 + 97) / 2)],
    ['over allocatable scores 0 for that resource', '8', '4Gi', 25],
  ];
  for (const [name, cpu, mem, want] of cases) test(name, () => assert.equal(leastAllocated(podInfo(pod(cpu, mem)), node('n')), want));
});

describe('balancedAllocation', () => {
  const cases: [string, string, string, number][] = [
    ['even use', '2', '4Gi', 100],
    ['cpu-heavy', '4', '0', 50],
    ['a quarter apart', '2', '2Gi', 87],
  ];
  for (const [name, cpu, mem, want] of cases) test(name, () => assert.equal(balancedAllocation(podInfo(pod(cpu, mem)), node('n')), want));
});

describe('selectHost', () => {
  test('prefers the least allocated node', () => {
    const a = node('a');
    const b = node('b');
    a.addPod(podInfo(pod('3', '6Gi')));
    assert.equal(selectHost(podInfo(pod('100m', '100Mi')), [a, b]), 1);
  });
  test('spreads pods of one owner', () => {
    const owner = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }] };
    const a = node('a');
    const b = node('b');
    b.addPod(podInfo(pod('100m', '100Mi', { metadata: owner })));
    // Without spreading, b's extra load is tiny; the owner count decides.
    assert.equal(selectHost(podInfo(pod('100m', '100Mi', { metadata: owner })), [b, a], () => 0.99), 1);
  });
  test('preferred node affinity wins over a small load difference', () => {
    const a = node('a', '4', '8Gi', { disk: 'ssd' });
    const b = node('b');
    a.addPod(podInfo(pod('200m', '200Mi')));
    const p = pod(undefined, undefined, { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } } });
    assert.equal(selectHost(podInfo(p), [b, a]), 1);
  });
  test('avoids PreferNoSchedule taints', () => {
    const a = node('a', '4', '8Gi', {}, [{ key: 'k', effect: 'PreferNoSchedule' }]);
    const b = node('b');
    b.addPod(podInfo(pod('500m', '500Mi')));
    assert.equal(selectHost(podInfo(pod()), [a, b]), 1);
  });
  test('ties are broken at random', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const seen = new Set<number>();
    for (const r of [0, 0.4, 0.99]) seen.add(selectHost(podInfo(pod()), nodes, () => r));
    assert.ok(seen.size > 1);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { interPodAffinityScores } from './inter-pod-affinity-score.js';
import { NodeInfo } from './node-info.js';
import { podInfo } from './pod-info.js';
import { selectHost } from './scores.js';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from './types.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const node = (name: string, zone?: string) =>
  new NodeInfo({ metadata: { name, labels: { [HOST]: name, ...(zone ? { [ZONE]: zone } : {}) } }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });

let seq = 0;
const pod = (labels: Record<string, string>, spec: Pod['spec'] = {}, namespace = 'default'): Pod => ({
  metadata: { name: `p${seq++}`, namespace, uid: `u${seq}`, labels },
  spec: { containers: [{ name: 'c' }], ...spec },
});
const term = (matchLabels: Record<string, string>, topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchLabels }, topologyKey });
const w = (weight: number, matchLabels: Record<string, string>, topologyKey: string): WeightedPodAffinityTerm => ({ weight, podAffinityTerm: term(matchLabels, topologyKey) });
const prefers = (aff: WeightedPodAffinityTerm[], anti: WeightedPodAffinityTerm[] = []): Pod['spec'] => ({
  affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: aff }, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: anti } },
});

/** Nodes a, b (zone z1), c (zone z2), d (no zone); `existing` maps node name to the pods on it. */
function scores(incoming: Pod, existing: Record<string, Pod[]>, existingAffinity = true): Record<string, number> | undefined {
  const nodes = [node('a', 'z1'), node('b', 'z1'), node('c', 'z2'), node('d')];
  for (const n of nodes) for (const p of existing[n.name] ?? []) n.addPod(podInfo(p));
  const got = interPodAffinityScores(podInfo(incoming), nodes, nodes, existingAffinity);
  return got && Object.fromEntries(nodes.map((n, i) => [n.name, got[i]]));
}

describe('interPodAffinityScores', () => {
  const web = () => pod({ app: 'web' });
  const db = () => pod({ app: 'db' });
  const cases: [string, Pod, Record<string, Pod[]>, Record<string, number> | undefined][] = [
    ['no terms anywhere: skipped', web(), { a: [web()] }, undefined],
    ['preferred anti-affinity on hostname avoids the node with a replica', pod({ app: 'web' }, prefers([], [w(100, { app: 'web' }, HOST)])), { a: [web()] }, { a: 0, b: 100, c: 100, d: 100 }],
    ['preferred affinity on zone favours the whole zone; a node without the key gets nothing', pod({}, prefers([w(50, { app: 'db' }, ZONE)])), { c: [db()] }, { a: 0, b: 0, c: 100, d: 0 }],
    ['affinity and anti-affinity add up per domain (min-max normalized)', pod({}, prefers([w(80, { app: 'db' }, ZONE)], [w(20, { app: 'db' }, HOST)])), { a: [db()] }, { a: 75, b: 100, c: 0, d: 0 }],
    ['existing pod counted once per matching term', pod({}, prefers([w(10, { app: 'db' }, HOST)])), { a: [db(), db()], b: [db()] }, { a: 100, b: 50, c: 0, d: 0 }],
    ['truncates like upstream: 100 × 0.29 is 28', pod({}, prefers([w(29, { app: 'x' }, HOST), w(100, { app: 'y' }, HOST)])), { b: [pod({ app: 'x' })], c: [pod({ app: 'y' })] }, { a: 0, b: 28, c: 100, d: 0 }],
    ['a term only selects pods in its namespaces', pod({}, prefers([w(10, { app: 'db' }, HOST)])), { a: [pod({ app: 'db' }, {}, 'other')] }, undefined],
    ['symmetric: an existing pod’s preferred anti-affinity pushes the incoming pod away', web(), { c: [pod({}, prefers([], [w(10, { app: 'web' }, ZONE)]))] }, { a: 100, b: 100, c: 0, d: 100 }],
    ['symmetric: an existing pod’s preferred affinity pulls the incoming pod in', web(), { a: [pod({}, prefers([w(30, { app: 'web' }, ZONE)]))] }, { a: 100, b: 100, c: 0, d: 0 }],
    [
      'symmetric: an existing pod’s required affinity counts with hardPodAffinityWeight',
      web(),
      { b: [pod({}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, HOST)] } } })] },
      { a: 0, b: 100, c: 0, d: 0 },
    ],
    ['an existing pod’s required anti-affinity does not score', web(), { b: [pod({}, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, HOST)] } } })] }, undefined],
    ['equal raw scores everywhere give 0', pod({}, prefers([w(10, { app: 'db' }, HOST)])), { a: [db()], b: [db()], c: [db()], d: [db()] }, { a: 0, b: 0, c: 0, d: 0 }],
  ];
  for (const [name, incoming, existing, want] of cases) test(name, () => assert.deepEqual(scores(incoming, existing), want));

  test('existingAffinity false: a pod without preferred terms skips the scan', () => {
    assert.equal(scores(web(), { a: [pod({}, prefers([w(30, { app: 'web' }, ZONE)]))] }, false), undefined);
  });
});

describe('selectHost with InterPodAffinity', () => {
  test('preferred anti-affinity (weight 2 plugin) outweighs a resource difference', () => {
    const nodes = [node('a'), node('b')];
    nodes[0].addPod(podInfo(pod({ app: 'web' })));
    const busy = pod({});
    busy.spec!.containers![0].resources = { requests: { cpu: '2' } };
    nodes[1].addPod(podInfo(busy));
    // Resources alone prefer the emptier node a.
    assert.equal(selectHost(podInfo(pod({ app: 'web' })), nodes, Math.random), 0);
    const incoming = podInfo(pod({ app: 'web' }, prefers([], [w(100, { app: 'web' }, HOST)])));
    assert.equal(selectHost(incoming, nodes, Math.random), 1);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { interPodAffinity, interPodAffinityState } from './inter-pod-affinity.js';
import { NodeInfo } from './node-info.js';
import { podInfo } from './pod-info.js';
import type { Pod, PodAffinityTerm } from './types.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

const node = (name: string, zone?: string) => new NodeInfo({ metadata: { name, labels: { [HOST]: name, ...(zone ? { [ZONE]: zone } : {}) } } });

let seq = 0;
const pod = (labels: Record<string, string>, spec: Pod['spec'] = {}, namespace = 'default'): Pod => ({
  metadata: { name: `p${seq++}`, namespace, uid: `u${seq}`, labels },
  spec: { containers: [{ name: 'c' }], ...spec },
});
const term = (matchLabels: Record<string, string> | undefined, topologyKey: string, more: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  labelSelector: matchLabels ? { matchLabels } : undefined,
  topologyKey,
  ...more,
});
const affine = (terms: PodAffinityTerm[], anti: PodAffinityTerm[] = []): Pod['spec'] => ({
  affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms }, ...(anti.length ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: anti } } : {}) },
});

const AFF = "node(s) didn't match pod affinity rules";
const ANTI = "node(s) didn't match pod anti-affinity rules";

/** Nodes a, b (zone z1), c (zone z2), d (no zone); `existing` maps node name to the pods on it. */
function verdicts(incoming: Pod, existing: Record<string, Pod[]>): Record<string, string> {
  const nodes = [node('a', 'z1'), node('b', 'z1'), node('c', 'z2'), node('d')];
  for (const n of nodes) for (const p of existing[n.name] ?? []) n.addPod(podInfo(p));
  const pi = podInfo(incoming);
  const state = interPodAffinityState(pi, nodes);
  const out: Record<string, string> = {};
  for (const n of nodes) out[n.name] = interPodAffinity(pi, n, state)?.reasons.join('; ') ?? 'ok';
  return out;
}

describe('InterPodAffinity: required pod affinity', () => {
  const db = () => pod({ app: 'db' });
  const cases: { name: string; incoming: Pod; existing: Record<string, Pod[]>; want: Record<string, string> }[] = [
    { name: 'hostname: only the db pod’s node', incoming: pod({ app: 'web' }, affine([term({ app: 'db' }, HOST)])), existing: { a: [db()] }, want: { a: 'ok', b: AFF, c: AFF, d: AFF } },
    { name: 'zone: every node of the db pod’s zone; a node without the key fails', incoming: pod({ app: 'web' }, affine([term({ app: 'db' }, ZONE)])), existing: { a: [db()] }, want: { a: 'ok', b: 'ok', c: AFF, d: AFF } },
    { name: 'nothing matches and the pod does not match itself', incoming: pod({ app: 'web' }, affine([term({ app: 'db' }, HOST)])), existing: {}, want: { a: AFF, b: AFF, c: AFF, d: AFF } },
    { name: 'first pod of a self-affine group goes anywhere', incoming: pod({ app: 'web' }, affine([term({ app: 'web' }, HOST)])), existing: { c: [db()] }, want: { a: 'ok', b: 'ok', c: 'ok', d: 'ok' } },
    { name: 'first self-affine pod still needs the topology key', incoming: pod({ app: 'web' }, affine([term({ app: 'web' }, ZONE)])), existing: {}, want: { a: 'ok', b: 'ok', c: 'ok', d: AFF } },
    { name: 'a later self-affine pod follows the group', incoming: pod({ app: 'web' }, affine([term({ app: 'web' }, ZONE)])), existing: { c: [pod({ app: 'web' })] }, want: { a: AFF, b: AFF, c: 'ok', d: AFF } },
    { name: 'pods of other namespaces do not match by default', incoming: pod({}, affine([term({ app: 'db' }, HOST)])), existing: { a: [pod({ app: 'db' }, {}, 'other')] }, want: { a: AFF, b: AFF, c: AFF, d: AFF } },
    { name: 'namespaces lists the other namespace', incoming: pod({}, affine([term({ app: 'db' }, HOST, { namespaces: ['other'] })])), existing: { a: [pod({ app: 'db' }, {}, 'other')] }, want: { a: 'ok', b: AFF, c: AFF, d: AFF } },
    { name: 'an empty namespaceSelector matches every namespace', incoming: pod({}, affine([term({ app: 'db' }, HOST, { namespaceSelector: {} })])), existing: { b: [pod({ app: 'db' }, {}, 'other')] }, want: { a: AFF, b: 'ok', c: AFF, d: AFF } },
    { name: 'a nil labelSelector matches nothing', incoming: pod({}, affine([term(undefined, HOST)])), existing: { a: [db()] }, want: { a: AFF, b: AFF, c: AFF, d: AFF } },
    {
      name: 'one existing pod must match every term',
      incoming: pod({}, affine([term({ app: 'db' }, HOST), term({ tier: 'cache' }, HOST)])),
      existing: { a: [db()], b: [pod({ tier: 'cache' })] },
      want: { a: AFF, b: AFF, c: AFF, d: AFF },
    },
    {
      name: 'a pod matching both terms satisfies both',
      incoming: pod({}, affine([term({ app: 'db' }, HOST), term({ tier: 'cache' }, ZONE)])),
      existing: { b: [pod({ app: 'db', tier: 'cache' })] },
      want: { a: AFF, b: 'ok', c: AFF, d: AFF },
    },
    {
      name: 'affinity to the zone, anti-affinity to the host',
      incoming: pod({ app: 'web' }, affine([term({ app: 'db' }, ZONE)], [term({ app: 'db' }, HOST)])),
      existing: { a: [db()] },
      want: { a: ANTI, b: 'ok', c: AFF, d: AFF },
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(verdicts(c.incoming, c.existing), c.want));

  test('affinity failures are unresolvable by preemption', () => {
    const pi = podInfo(pod({}, affine([term({ app: 'db' }, HOST)])));
    const n = node('a', 'z1');
    assert.equal(interPodAffinity(pi, n, interPodAffinityState(pi, [n]))?.code, 'UnschedulableAndUnresolvable');
  });
  test('nothing to check without terms or anti-affinity pods', () => {
    const n = node('a');
    n.addPod(podInfo(pod({ app: 'db' })));
    assert.equal(interPodAffinityState(podInfo(pod({ app: 'web' })), [n]), undefined);
  });
});

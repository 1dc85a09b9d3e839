import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from './node-info.js';
import { podInfo } from './pod-info.js';
import { spreadConstraints } from './spread-constraints.js';
import { podTopologySpread, topologySpreadState } from './topology-spread.js';
import type { Pod, Taint, TopologySpreadConstraint } from './types.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const SKEW = "node(s) didn't match pod topology spread constraints";
const LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

const node = (name: string, zone: string | undefined, labels: Record<string, string> = {}, taints?: Taint[]) =>
  new NodeInfo({ metadata: { name, labels: { [HOST]: name, ...(zone ? { [ZONE]: zone } : {}), ...labels } }, spec: { taints } });

let seq = 0;
const pod = (labels: Record<string, string>, spec: Pod['spec'] = {}, meta: Pod['metadata'] = {}): Pod => ({
  metadata: { name: `p${seq++}`, namespace: 'default', uid: `u${seq}`, labels, ...meta },
  spec: { containers: [{ name: 'c' }], ...spec },
});
const web = (n = 1, meta: Pod['metadata'] = {}, labels: Record<string, string> = {}) => Array.from({ length: n }, () => pod({ app: 'web', ...labels }, {}, meta));
const tsc = (topologyKey: string, more: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
  ...more,
});

/**
 * Nodes a1, a2 (zone z1; a1 has pool=x), b1 (z2, pool=x), c1 (z3, tainted with `taint` if set)
 * and x (no zone); `existing` maps node name to the pods on it.
 */
function verdicts(incoming: Pod, existing: Record<string, Pod[]>, opts: { taint?: boolean } = {}): Record<string, string> {
  const nodes = [
    node('a1', 'z1', { pool: 'x' }),
    node('a2', 'z1'),
    node('b1', 'z2', { pool: 'x' }),
    node('c1', 'z3', {}, opts.taint ? [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] : undefined),
    node('x', undefined),
  ];
  for (const n of nodes) for (const p of existing[n.name] ?? []) n.addPod(podInfo(p));
  const pi = podInfo(incoming);
  const state = topologySpreadState(pi, nodes);
  const out: Record<string, string> = {};
  for (const n of nodes) out[n.name] = podTopologySpread(pi, n, state)?.reasons.join('; ') ?? 'ok';
  return out;
}

const spreadPod = (constraints: TopologySpreadConstraint[], more: Pod['spec'] = {}, labels: Record<string, string> = { app: 'web' }) =>
  pod(labels, { topologySpreadConstraints: constraints, ...more });

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  const cases: { name: string; incoming: Pod; existing: Record<string, Pod[]>; taint?: boolean; want: Record<string, string> }[] = [
    { name: 'empty cluster: every zoned node; no zone label fails', incoming: spreadPod([tsc(ZONE)]), existing: {}, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'zone z1 ahead by one: the others only', incoming: spreadPod([tsc(ZONE)]), existing: { a1: web() }, want: { a1: SKEW, a2: SKEW, b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'all zones even: every zoned node', incoming: spreadPod([tsc(ZONE)]), existing: { a2: web(), b1: web(), c1: web() }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'maxSkew 2 allows one ahead', incoming: spreadPod([tsc(ZONE, { maxSkew: 2 })]), existing: { a1: web() }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'an incoming pod the selector does not match adds no skew', incoming: spreadPod([tsc(ZONE)], {}, { app: 'other' }), existing: { a1: web() }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'pods on the unlabelled node do not count', incoming: spreadPod([tsc(ZONE)]), existing: { x: web(5) }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'other namespaces and terminating pods do not count', incoming: spreadPod([tsc(ZONE)]), existing: { a1: [...web(1, { namespace: 'other' }), ...web(1, { deletionTimestamp: '2024-01-01T00:00:00Z' })] }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    { name: 'hostname: the node with a pod is full', incoming: spreadPod([tsc(HOST)]), existing: { a1: web() }, want: { a1: SKEW, a2: 'ok', b1: 'ok', c1: 'ok', x: 'ok' } },
    { name: 'minDomains above the domain count: global minimum is 0', incoming: spreadPod([tsc(ZONE, { minDomains: 4 })]), existing: { a1: web(), b1: web(), c1: web() }, want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: SKEW, x: LABEL } },
    { name: 'minDomains met', incoming: spreadPod([tsc(ZONE, { minDomains: 3 })]), existing: { a1: web(), b1: web(), c1: web() }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    {
      name: 'nodeAffinityPolicy Honor (default): only nodes the pod may use are domains',
      incoming: spreadPod([tsc(ZONE)], { nodeSelector: { pool: 'x' } }),
      existing: { a1: web(), b1: web() },
      want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL },
    },
    {
      name: 'nodeAffinityPolicy Ignore: the empty zone z3 is the minimum',
      incoming: spreadPod([tsc(ZONE, { nodeAffinityPolicy: 'Ignore' })], { nodeSelector: { pool: 'x' } }),
      existing: { a1: web(), b1: web() },
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: 'ok', x: LABEL },
    },
    { name: 'nodeTaintsPolicy Ignore (default): a tainted empty zone still counts', incoming: spreadPod([tsc(ZONE)]), existing: { a1: web(), b1: web() }, taint: true, want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: 'ok', x: LABEL } },
    { name: 'nodeTaintsPolicy Honor: an untolerated tainted zone is no domain', incoming: spreadPod([tsc(ZONE, { nodeTaintsPolicy: 'Honor' })]), existing: { a1: web(), b1: web() }, taint: true, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL } },
    {
      name: 'nodeTaintsPolicy Honor with a toleration keeps the domain',
      incoming: spreadPod([tsc(ZONE, { nodeTaintsPolicy: 'Honor' })], { tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
      existing: { a1: web(), b1: web() },
      taint: true,
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: 'ok', x: LABEL },
    },
    {
      name: 'matchLabelKeys narrows the selector to the pod’s own values',
      incoming: spreadPod([tsc(ZONE, { matchLabelKeys: ['version'] })], {}, { app: 'web', version: 'v2' }),
      existing: { a1: web(2, {}, { version: 'v1' }) },
      want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: LABEL },
    },
    {
      name: 'two constraints: both must hold',
      incoming: spreadPod([tsc(ZONE), tsc(HOST)]),
      existing: { a1: web(), b1: web() },
      want: { a1: SKEW, a2: SKEW, b1: SKEW, c1: 'ok', x: LABEL },
    },
    { name: 'ScheduleAnyway constraints do not filter', incoming: spreadPod([tsc(ZONE, { whenUnsatisfiable: 'ScheduleAnyway' })]), existing: { a1: web(3) }, want: { a1: 'ok', a2: 'ok', b1: 'ok', c1: 'ok', x: 'ok' } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(verdicts(c.incoming, c.existing, { taint: c.taint }), c.want));

  test('a missing label is unresolvable, a skew is not', () => {
    const pi = podInfo(spreadPod([tsc(ZONE)]));
    const a = node('a', 'z1');
    a.addPod(podInfo(pod({ app: 'web' })));
    const nodes = [a, node('b', 'z2'), node('x', undefined)];
    const state = topologySpreadState(pi, nodes);
    assert.equal(podTopologySpread(pi, nodes[0], state)?.code, 'Unschedulable');
    assert.equal(podTopologySpread(pi, nodes[2], state)?.code, 'UnschedulableAndUnresolvable');
  });
});

describe('spreadConstraints', () => {
  test('defaults and action', () => {
    const got = spreadConstraints([tsc(ZONE), tsc(HOST, { whenUnsatisfiable: 'ScheduleAnyway' })], {}, 'DoNotSchedule');
    assert.equal(got.length, 1);
    assert.deepEqual({ ...got[0], selector: undefined }, { maxSkew: 1, topologyKey: ZONE, selector: undefined, minDomains: 1, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' });
  });
  test('matchLabelKeys with a nil selector selects by the pod’s values', () => {
    const [c] = spreadConstraints([tsc(ZONE, { labelSelector: undefined, matchLabelKeys: ['app', 'absent'] })], { app: 'web' }, 'DoNotSchedule');
    assert.equal(c.selector.nothing, undefined);
    assert.deepEqual(c.selector.requirements.map((r) => [r.key, r.operator, r.values]), [['app', '=', ['web']]]);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from './node-info.js';
import { podInfo } from './pod-info.js';
import { spreadScores } from './spread-score.js';
import type { Pod, TopologySpreadConstraint } from './types.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const node = (name: string, zone?: string) => new NodeInfo({ metadata: { name, labels: { [HOST]: name, ...(zone ? { [ZONE]: zone } : {}) } } });
let seq = 0;
const pod = (spec: Pod['spec'] = {}): Pod => ({ metadata: { name: `p${seq++}`, namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }], ...spec } });
const soft = (topologyKey: string, maxSkew = 1, action = 'ScheduleAnyway'): TopologySpreadConstraint => ({ maxSkew, topologyKey, whenUnsatisfiable: action, labelSelector: { matchLabels: { app: 'web' } } });

/** Nodes a1, a2 (z1), b1 (z2), x (no zone); `on` gives the web pods per node; `feasible` names the scored nodes. */
function scores(constraints: TopologySpreadConstraint[], on: Record<string, number>, feasible = ['a1', 'a2', 'b1', 'x']): number[] | undefined {
  const all = [node('a1', 'z1'), node('a2', 'z1'), node('b1', 'z2'), node('x')];
  for (const n of all) for (let i = 0; i < (on[n.name] ?? 0); i++) n.addPod(podInfo(pod()));
  return spreadScores(podInfo(pod({ topologySpreadConstraints: constraints })), all.filter((n) => feasible.includes(n.name)), all);
}

const cases: [string, TopologySpreadConstraint[], Record<string, number>, string[] | undefined, number[] | undefined][] = [
  ['the emptier zone scores 100; a node without the key 0', [soft(ZONE)], { a1: 2 }, undefined, [0, 0, 100, 0]],
  ['all even: 100 for every node that has the key', [soft(ZONE)], {}, undefined, [100, 100, 100, 0]],
  ['maxSkew softens the difference', [soft(ZONE, 3)], { a1: 1 }, undefined, [66, 66, 100, 0]],
  ['hostname counts per node', [soft(HOST)], { a1: 1 }, undefined, [0, 100, 100, 100]],
  ['pods on unscored nodes of a scored domain count', [soft(ZONE)], { a2: 2 }, ['a1', 'b1'], [0, 100]],
  ['DoNotSchedule constraints are not scored', [soft(ZONE, 1, 'DoNotSchedule')], { a1: 1 }, undefined, undefined],
];
for (const [name, cs, on, feasible, want] of cases) test(`spreadScores: ${name}`, () => assert.deepEqual(scores(cs, on, feasible), want));

test('spreadScores: no constraints at all leaves scoring to the default spread', () => {
  assert.equal(podInfo(pod()).softSpread, undefined);
  assert.equal(scores([], { a1: 2 }), undefined);
});

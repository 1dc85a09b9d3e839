// PodTopologySpread scoring (upstream's podtopologyspread/scoring.go) for a pod's explicit
// ScheduleAnyway constraints: fewer matching pods in a node's domain score higher, each
// constraint's count weighted by ln(number of domains + 2) and offset by maxSkew - 1.

import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { countMatching, eligible } from './topology-spread.js';

const HOSTNAME = 'kubernetes.io/hostname';
const MAX = 100;

/**
 * Normalized 0..100 scores for `feasible` (upstream's Score + NormalizeScore), counting pods over
 * `all` nodes. Feasible nodes lacking a constraint's key score 0. Undefined without soft constraints.
 */
export function spreadScores(pod: PodInfo, feasible: NodeInfo[], all: Iterable<NodeInfo>): number[] | undefined {
  const cs = pod.softSpread;
  if (!cs || cs.length === 0) return undefined;
  const hasKeys = (n: NodeInfo) => cs.every((c) => n.labels[c.topologyKey] !== undefined);
  // Domains are those of the feasible nodes; pods elsewhere in them count too.
  const counts = cs.map(() => new Map<string, number>());
  let scored = 0;
  for (const n of feasible) {
    if (!hasKeys(n)) continue;
    scored++;
    for (let i = 0; i < cs.length; i++) if (cs[i].topologyKey !== HOSTNAME) counts[i].set(n.labels[cs[i].topologyKey], 0);
  }
  const weights = cs.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? scored : counts[i].size) + 2));
  for (const n of all) {
    if (!hasKeys(n)) continue;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.topologyKey === HOSTNAME || !eligible(pod, n, c)) continue;
      const v = n.labels[c.topologyKey];
      const cur = counts[i].get(v);
      if (cur !== undefined) counts[i].set(v, cur + countMatching(n, c, pod.namespace, pod.key));
    }
  }
  const raw = feasible.map((n) => {
    if (!hasKeys(n)) return -1;
    let score = 0;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      const cnt = c.topologyKey === HOSTNAME ? countMatching(n, c, pod.namespace, pod.key) : (counts[i].get(n.labels[c.topologyKey]) ?? 0);
      score += cnt * weights[i] + (c.maxSkew - 1);
    }
    return Math.round(score);
  });
  let min = Infinity;
  let max = 0;
  for (const s of raw) {
    if (s < 0) continue;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return raw.map((s) => (s < 0 ? 0 : max === 0 ? MAX : Math.floor((MAX * (max + min - s)) / max)));
}

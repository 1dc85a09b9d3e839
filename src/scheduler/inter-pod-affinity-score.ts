// The InterPodAffinity score (upstream's interpodaffinity scoring): preferred pod affinity and
// anti-affinity of the incoming pod against existing pods, and the symmetric part (existing pods'
// preferred terms and required affinity terms that select the incoming pod), summed per topology
// domain and min-max normalized to 0..100 over the feasible nodes.

import type { NodeInfo } from './node-info.js';
import { scoresAffinity, termMatches, type AffinityTerm, type PodInfo } from './pod-info.js';

const MAX = 100;
/** Upstream's default hardPodAffinityWeight: what an existing pod's required affinity term is worth. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

type TopologyScore = Map<string, Map<string, number>>;

function addScore(m: TopologyScore, term: AffinityTerm, target: PodInfo, labels: Record<string, string>, weight: number): void {
  const v = labels[term.topologyKey];
  if (v === undefined || !termMatches(term, target)) return;
  let values = m.get(term.topologyKey);
  if (!values) m.set(term.topologyKey, (values = new Map()));
  values.set(v, (values.get(v) ?? 0) + weight);
}

/**
 * Normalized scores, one per feasible node, or undefined when the plugin has nothing to say (upstream
 * skips it). `existingAffinity` false promises no existing pod scoresAffinity, so a pod without
 * preferred terms costs nothing; otherwise only nodes holding such pods are scanned, unless the
 * incoming pod has preferred terms of its own (then every pod matters).
 */
export function interPodAffinityScores(pod: PodInfo, feasible: NodeInfo[], allNodes: Iterable<NodeInfo>, existingAffinity = true): number[] | undefined {
  const own = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
  if (!own && !existingAffinity) return undefined;
  const topo: TopologyScore = new Map();
  for (const ni of allNodes) {
    if (!own && ni.scoreAffinityPods === 0) continue;
    const labels = ni.labels;
    for (const other of ni.pods.values()) {
      if (other.key === pod.key) continue;
      for (const t of pod.preferredAffinity) addScore(topo, t, other, labels, t.weight);
      for (const t of pod.preferredAntiAffinity) addScore(topo, t, other, labels, -t.weight);
      if (!scoresAffinity(other)) continue;
      for (const t of other.affinity) addScore(topo, t, pod, labels, HARD_POD_AFFINITY_WEIGHT);
      for (const t of other.preferredAffinity) addScore(topo, t, pod, labels, t.weight);
      for (const t of other.preferredAntiAffinity) addScore(topo, t, pod, labels, -t.weight);
    }
  }
  if (topo.size === 0) return undefined;
  const raw = feasible.map((ni) => {
    let s = 0;
    for (const [key, values] of topo) {
      const v = ni.labels[key];
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  });
  let min = Infinity;
  let max = -Infinity;
  for (const s of raw) {
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  // Same float order as upstream (MaxNodeScore × (s−min)/diff), so truncation agrees: 100 × 0.29 is 28.
  return raw.map((s) => (diff > 0 ? Math.trunc(MAX * ((s - min) / diff)) : 0));
}

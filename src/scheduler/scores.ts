// Score plugins (upstream's defaults and weights): NodeResourcesFit LeastAllocated (1),
// NodeResourcesBalancedAllocation (1), pod topology spread (2: the pod's ScheduleAnyway
// constraints, else the default spread by owner), preferred node affinity (1) and
// PreferNoSchedule taints (3), preferred inter-pod affinity (2). Each yields 0..100 per node; the best total wins.

import { interPodAffinityScores } from './inter-pod-affinity-score.js';
import { preferredAffinityWeight } from './node-affinity.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { spreadScores } from './spread-score.js';
import { tolerated } from './taints.js';

const MAX = 100;

function freeShare(alloc: number, requested: number): number {
  return alloc <= 0 || requested > alloc ? 0 : Math.floor(((alloc - requested) * MAX) / alloc);
}

function usedFraction(alloc: number, requested: number): number {
  return alloc <= 0 ? 1 : Math.min(1, requested / alloc);
}

/** Free fraction of cpu and memory after placing the pod (non-zero requests), averaged. */
export function leastAllocated(pod: PodInfo, node: NodeInfo): number {
  const one = freeShare;
  const cpu = one(node.allocatable.cpu, node.nonZeroCpu + pod.nonZeroCpu);
  const mem = one(node.allocatable.memory, node.nonZeroMemory + pod.nonZeroMemory);
  return Math.floor((cpu + mem) / 2);
}

/** How even cpu and memory use would be: 100 × (1 − standard deviation of the fractions). */
export function balancedAllocation(pod: PodInfo, node: NodeInfo): number {
  const frac = usedFraction;
  const c = frac(node.allocatable.cpu, (node.requested.get('cpu') ?? 0) + (pod.requests.get('cpu') ?? 0));
  const m = frac(node.allocatable.memory, (node.requested.get('memory') ?? 0) + (pod.requests.get('memory') ?? 0));
  const std = Math.abs(c - m) / 2;
  return Math.floor((1 - std) * MAX);
}

export const WEIGHTS = { leastAllocated: 1, balancedAllocation: 1, spread: 2, nodeAffinity: 1, taints: 3, interPodAffinity: 2 } as const;

function preferNoScheduleCount(pod: PodInfo, node: NodeInfo): number {
  let n = 0;
  for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(pod.tolerations, t)) n++;
  return n;
}

/**
 * Scores the feasible nodes and returns the index of the best one; ties are broken at random
 * (reservoir sampling), as upstream's selectHost does. `existingAffinity` false says no existing
 * pod has terms that score (see scoresAffinity), letting the InterPodAffinity score skip its scan.
 */
export function selectHost(pod: PodInfo, nodes: NodeInfo[], random: () => number = Math.random, allNodes: Iterable<NodeInfo> = nodes, existingAffinity = true): number {
  const n = nodes.length;
  if (n === 1) return 0;
  const totals = new Float64Array(n);
  for (let i = 0; i < n; i++) totals[i] = WEIGHTS.leastAllocated * leastAllocated(pod, nodes[i]) + WEIGHTS.balancedAllocation * balancedAllocation(pod, nodes[i]);

  // Normalized plugins only matter when their raw scores differ between nodes.
  if (pod.softSpread) {
    // A pod with its own constraints gets no system default spreading, even when none is ScheduleAnyway.
    const spread = spreadScores(pod, nodes, allNodes);
    if (spread) for (let i = 0; i < n; i++) totals[i] += WEIGHTS.spread * spread[i];
  } else if (pod.ownerUid) {
    const owner = pod.ownerUid;
    let max = 0;
    let min = Infinity;
    const counts = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = nodes[i].owners.get(owner) ?? 0;
      counts[i] = c;
      if (c > max) max = c;
      if (c < min) min = c;
    }
    if (max > min) for (let i = 0; i < n; i++) totals[i] += WEIGHTS.spread * Math.floor((MAX * (max + min - counts[i])) / max);
  }
  if (pod.preferredTerms.length) {
    const raw = nodes.map((ni) => preferredAffinityWeight(pod.preferredTerms, ni.name, ni.labels));
    const max = Math.max(...raw);
    if (max > 0) for (let i = 0; i < n; i++) totals[i] += WEIGHTS.nodeAffinity * Math.floor((MAX * raw[i]) / max);
  }
  const ipa = interPodAffinityScores(pod, nodes, allNodes, existingAffinity);
  if (ipa) for (let i = 0; i < n; i++) totals[i] += WEIGHTS.interPodAffinity * ipa[i];
  let anyTaints = false;
  for (const ni of nodes) if (ni.taints.length) anyTaints = true;
  if (anyTaints) {
    const raw = nodes.map((ni) => preferNoScheduleCount(pod, ni));
    const max = Math.max(...raw);
    if (max > 0) for (let i = 0; i < n; i++) totals[i] += WEIGHTS.taints * (MAX - Math.floor((MAX * raw[i]) / max));
  }

  let best = 0;
  let seen = 1;
  for (let i = 1; i < n; i++) {
    if (totals[i] > totals[best]) {
      best = i;
      seen = 1;
    } else if (totals[i] === totals[best]) {
      seen++;
      if (random() * seen < 1) best = i;
    }
  }
  return best;
}

// The PodTopologySpread filter (upstream's podtopologyspread plugin, DoNotSchedule constraints):
// PreFilter counts the pods each constraint selects per topology domain over the eligible nodes;
// Filter rejects a node whose domain would exceed maxSkew over the global minimum.

import { matchesLabels } from '../api/selectors/index.js';
import { fail, REASONS, type FilterFailure } from './filter-failure.js';
import { matchesNodeSelectorAndAffinity } from './node-affinity.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { SpreadConstraint } from './spread-constraints.js';
import { firstUntoleratedTaint } from './taints.js';

export interface SpreadState {
  constraints: SpreadConstraint[];
  /** Per constraint: domain (topology value) → matching pods; every eligible domain has an entry. */
  counts: Map<string, number>[];
  /** Per constraint: the global minimum over the domains (0 below minDomains; Infinity with no domains). */
  min: number[];
}

/** Whether the node counts as a domain for this constraint (nodeAffinityPolicy / nodeTaintsPolicy). */
export function eligible(pod: PodInfo, node: NodeInfo, c: SpreadConstraint): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && (pod.nodeSelector || pod.requiredTerms !== undefined)) {
    if (!matchesNodeSelectorAndAffinity(pod.nodeSelector, pod.requiredTerms, node.name, node.labels)) return false;
  }
  if (c.nodeTaintsPolicy === 'Honor' && node.taints.length && firstUntoleratedTaint(node.taints, pod.tolerations)) return false;
  return true;
}

export function countMatching(node: NodeInfo, c: SpreadConstraint, namespace: string, self: string): number {
  let n = 0;
  for (const p of node.pods.values()) {
    // Terminating pods do not count (upstream #87621), nor pods of other namespaces.
    if (p.terminating || p.namespace !== namespace || p.key === self) continue;
    if (matchesLabels(c.selector, p.labels)) n++;
  }
  return n;
}

/** Upstream's PreFilter; undefined when the pod has no DoNotSchedule constraints. */
export function topologySpreadState(pod: PodInfo, nodes: Iterable<NodeInfo>): SpreadState | undefined {
  const constraints = pod.spread;
  if (constraints.length === 0) return undefined;
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of nodes) {
    // A node lacking any of the constraints' keys is no domain for any of them.
    if (!constraints.every((c) => node.labels[c.topologyKey] !== undefined)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      if (!eligible(pod, node, c)) continue;
      const v = node.labels[c.topologyKey];
      const m = counts[i];
      m.set(v, (m.get(v) ?? 0) + countMatching(node, c, pod.namespace, pod.key));
    }
  }
  const min = constraints.map((c, i) => {
    const m = counts[i];
    if (m.size < c.minDomains) return 0;
    let lo = Infinity;
    for (const n of m.values()) if (n < lo) lo = n;
    return lo;
  });
  return { constraints, counts, min };
}

export function podTopologySpread(pod: PodInfo, node: NodeInfo, state: SpreadState | undefined): FilterFailure | undefined {
  if (!state) return undefined;
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i];
    const v = node.labels[c.topologyKey];
    if (v === undefined) return fail('PodTopologySpread', 'UnschedulableAndUnresolvable', REASONS.spreadMissingLabel);
    const self = matchesLabels(c.selector, pod.labels) ? 1 : 0;
    const skew = (state.counts[i].get(v) ?? 0) + self - state.min[i];
    if (skew > c.maxSkew) return fail('PodTopologySpread', 'Unschedulable', REASONS.spread);
  }
  return undefined;
}

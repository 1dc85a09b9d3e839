// The InterPodAffinity filter (upstream's interpodaffinity plugin): the incoming pod's required
// affinity and anti-affinity terms and existing pods' required anti-affinity terms, checked
// against topology pairs (node label key → values) computed once per scheduling attempt.

import { fail, REASONS, type FilterFailure } from './filter-failure.js';
import type { NodeInfo } from './node-info.js';
import { termMatches, type PodInfo } from './pod-info.js';

type Pairs = Map<string, Set<string>>;

export interface InterPodAffinityState {
  /** Where pods matching ALL the incoming pod's affinity terms run (per term's topology key). */
  affinity: Pairs;
  /** No pod anywhere matches the affinity terms and the pod matches them itself: the first of a group. */
  affinitySelf: boolean;
  /** Where pods matching the incoming pod's own anti-affinity terms run. */
  incoming: Pairs;
  /** Where existing pods whose anti-affinity terms match the incoming pod run. */
  existing: Pairs;
}

const add = (m: Pairs, key: string, value: string) => {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(value);
};

const matchesAll = (terms: PodInfo['affinity'], pod: PodInfo) => terms.length > 0 && terms.every((t) => termMatches(t, pod));

/**
 * Upstream's PreFilter. Returns undefined when there is nothing to check: the pod has no terms and
 * no existing pod's anti-affinity selects it. Only nodes with pods carrying anti-affinity are
 * scanned unless the pod has terms of its own.
 */
export function interPodAffinityState(pod: PodInfo, nodes: Iterable<NodeInfo>): InterPodAffinityState | undefined {
  const affinity: Pairs = new Map();
  const incoming: Pairs = new Map();
  const existing: Pairs = new Map();
  const own = pod.affinity.length > 0 || pod.antiAffinity.length > 0;
  let any = own;
  for (const n of nodes) {
    if (!own && n.antiAffinityPods === 0) continue;
    for (const other of n.pods.values()) {
      if (other.key === pod.key) continue;
      // An existing pod counts for affinity only if it matches every term, as upstream's podMatchesAllAffinityTerms.
      if (pod.affinity.length && matchesAll(pod.affinity, other)) {
        for (const t of pod.affinity) {
          const v = n.labels[t.topologyKey];
          if (v !== undefined) add(affinity, t.topologyKey, v);
        }
      }
      for (const t of pod.antiAffinity) {
        const v = n.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, other)) add(incoming, t.topologyKey, v);
      }
      for (const t of other.antiAffinity) {
        const v = n.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, pod)) {
          add(existing, t.topologyKey, v);
          any = true;
        }
      }
    }
  }
  if (!any) return undefined;
  return { affinity, affinitySelf: affinity.size === 0 && matchesAll(pod.affinity, pod), incoming, existing };
}

function satisfiesAffinity(pod: PodInfo, node: NodeInfo, state: InterPodAffinityState): boolean {
  let podsExist = true;
  for (const t of pod.affinity) {
    const v = node.labels[t.topologyKey];
    // Every topology key must be on the node, even for the first pod of a self-affine group.
    if (v === undefined) return false;
    if (!state.affinity.get(t.topologyKey)?.has(v)) podsExist = false;
  }
  return podsExist || state.affinitySelf;
}

function satisfiesAntiAffinity(pod: PodInfo, node: NodeInfo, state: InterPodAffinityState): boolean {
  for (const t of pod.antiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && state.incoming.get(t.topologyKey)?.has(v)) return false;
  }
  return true;
}

function satisfiesExisting(node: NodeInfo, state: InterPodAffinityState): boolean {
  for (const [k, values] of state.existing) {
    const v = node.labels[k];
    if (v !== undefined && values.has(v)) return false;
  }
  return true;
}

/** Upstream's order: the pod's affinity (unresolvable by preemption), its anti-affinity, then existing pods' anti-affinity. */
export function interPodAffinity(pod: PodInfo, node: NodeInfo, state: InterPodAffinityState | undefined): FilterFailure | undefined {
  if (!state) return undefined;
  if (pod.affinity.length && !satisfiesAffinity(pod, node, state)) return fail('InterPodAffinity', 'UnschedulableAndUnresolvable', REASONS.podAffinity);
  if (!satisfiesAntiAffinity(pod, node, state)) return fail('InterPodAffinity', 'Unschedulable', REASONS.antiAffinity);
  if (!satisfiesExisting(node, state)) return fail('InterPodAffinity', 'Unschedulable', REASONS.existingAntiAffinity);
  return undefined;
}

// Filter plugins, in upstream's default order, as pure functions of a pod, a node and (for
// inter-pod anti-affinity) a per-cycle state. A failure carries upstream's status code and reason
// strings, which the FailedScheduling message counts.

import { matchesNodeSelectorAndAffinity } from './node-affinity.js';
import type { NodeInfo } from './node-info.js';
import { termMatches, type PodInfo } from './pod-info.js';
import { firstUntoleratedTaint, tolerated } from './taints.js';

export type FailureCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface FilterFailure {
  plugin: string;
  code: FailureCode;
  reasons: string[];
}

export const REASONS = {
  unschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  affinity: "node(s) didn't match Pod's node affinity/selector",
  ports: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  taint: (key: string, value: string | undefined) => `node(s) had untolerated taint {${key}: ${value ?? ''}}`,
  insufficient: (resource: string) => `Insufficient ${resource}`,
} as const;

const fail = (plugin: string, code: FailureCode, ...reasons: string[]): FilterFailure => ({ plugin, code, reasons });

export function nodeUnschedulable(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  if (!node.unschedulable) return undefined;
  if (tolerated(pod.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return undefined;
  return fail('NodeUnschedulable', 'UnschedulableAndUnresolvable', REASONS.unschedulable);
}

export function nodeName(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  const want = pod.pod.spec?.nodeName;
  if (!want || want === node.name) return undefined;
  return fail('NodeName', 'UnschedulableAndUnresolvable', REASONS.nodeName);
}

export function taintToleration(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  if (node.taints.length === 0) return undefined;
  const t = firstUntoleratedTaint(node.taints, pod.tolerations);
  return t ? fail('TaintToleration', 'UnschedulableAndUnresolvable', REASONS.taint(t.key, t.value)) : undefined;
}

export function nodeAffinity(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  if (!pod.nodeSelector && pod.requiredTerms === undefined) return undefined;
  if (matchesNodeSelectorAndAffinity(pod.nodeSelector, pod.requiredTerms, node.name, node.labels)) return undefined;
  return fail('NodeAffinity', 'UnschedulableAndUnresolvable', REASONS.affinity);
}

export function nodePorts(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  if (pod.hostPorts.length === 0 || node.hostPorts.length === 0) return undefined;
  for (const want of pod.hostPorts) {
    for (const used of node.hostPorts) {
      if (used.port !== want.port || used.protocol !== want.protocol) continue;
      if (used.ip === want.ip || used.ip === '0.0.0.0' || want.ip === '0.0.0.0') return fail('NodePorts', 'Unschedulable', REASONS.ports);
    }
  }
  return undefined;
}

export function nodeResourcesFit(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allocatable.pods) reasons.push(REASONS.tooManyPods);
  for (const [name, want] of pod.requests) {
    if (want <= 0) continue;
    // Resources a node does not advertise (and hugepages/extended ones it lacks) count as zero allocatable.
    const alloc = name === 'cpu' ? node.allocatable.cpu : name === 'memory' ? node.allocatable.memory : (node.allocatable.all.get(name) ?? 0);
    if (alloc < want + (node.requested.get(name) ?? 0)) reasons.push(REASONS.insufficient(name));
  }
  if (reasons.length === 0) return undefined;
  // Upstream checks cpu, memory, ephemeral-storage, then the rest; keep that order in the reasons.
  const rank = (r: string) => (r === REASONS.tooManyPods ? 0 : r === 'Insufficient cpu' ? 1 : r === 'Insufficient memory' ? 2 : r === 'Insufficient ephemeral-storage' ? 3 : 4);
  reasons.sort((a, b) => rank(a) - rank(b));
  return fail('NodeResourcesFit', 'Unschedulable', ...reasons);
}

/** Topology pairs (key → values) a pod may not land in, computed once per scheduling attempt. */
export interface AntiAffinityState {
  /** Where pods matching the incoming pod's own anti-affinity terms run. */
  incoming: Map<string, Set<string>>;
  /** Where existing pods whose anti-affinity terms match the incoming pod run. */
  existing: Map<string, Set<string>>;
}

const add = (m: Map<string, Set<string>>, key: string, value: string) => {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(value);
};

export function antiAffinityState(pod: PodInfo, nodes: Iterable<NodeInfo>): AntiAffinityState | undefined {
  const incoming = new Map<string, Set<string>>();
  const existing = new Map<string, Set<string>>();
  let any = false;
  for (const n of nodes) {
    if (pod.antiAffinity.length === 0 && n.antiAffinityPods === 0) continue;
    for (const other of n.pods.values()) {
      if (other.key === pod.key) continue;
      for (const t of pod.antiAffinity) {
        const v = n.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, other)) {
          add(incoming, t.topologyKey, v);
          any = true;
        }
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
  return any ? { incoming, existing } : undefined;
}

const inPairs = (m: Map<string, Set<string>>, labels: Record<string, string>) => {
  for (const [k, values] of m) {
    const v = labels[k];
    if (v !== undefined && values.has(v)) return true;
  }
  return false;
};

export function interPodAntiAffinity(_pod: PodInfo, node: NodeInfo, state: AntiAffinityState | undefined): FilterFailure | undefined {
  if (!state) return undefined;
  if (inPairs(state.incoming, node.labels)) return fail('InterPodAffinity', 'Unschedulable', REASONS.antiAffinity);
  if (inPairs(state.existing, node.labels)) return fail('InterPodAffinity', 'Unschedulable', REASONS.existingAntiAffinity);
  return undefined;
}

/** Runs the filters in order and returns the first failure, as upstream's framework does. */
export function runFilters(pod: PodInfo, node: NodeInfo, state: AntiAffinityState | undefined): FilterFailure | undefined {
  return (
    nodeUnschedulable(pod, node) ??
    nodeName(pod, node) ??
    taintToleration(pod, node) ??
    nodeAffinity(pod, node) ??
    nodePorts(pod, node) ??
    nodeResourcesFit(pod, node) ??
    interPodAntiAffinity(pod, node, state)
  );
}

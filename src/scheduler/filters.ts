// Filter plugins, in upstream's default order, as pure functions of a pod, a node and (for
// topology spread and inter-pod affinity) a per-cycle state. A failure carries upstream's status
// code and reason strings, which the FailedScheduling message counts.

import { fail, REASONS, type FilterFailure } from './filter-failure.js';
import { interPodAffinity, type InterPodAffinityState } from './inter-pod-affinity.js';
import { matchesNodeSelectorAndAffinity } from './node-affinity.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { firstUntoleratedTaint, tolerated } from './taints.js';
import { podTopologySpread, type SpreadState } from './topology-spread.js';

export { REASONS, type FailureCode, type FilterFailure } from './filter-failure.js';

/** What PreFilter computed for this pod and cycle; absent parts mean the plugin has nothing to check. */
export interface CycleState {
  interPod?: InterPodAffinityState;
  spread?: SpreadState;
}

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

/** Runs the filters in order and returns the first failure, as upstream's framework does. */
export function runFilters(pod: PodInfo, node: NodeInfo, state: CycleState | undefined): FilterFailure | undefined {
  return (
    nodeUnschedulable(pod, node) ??
    nodeName(pod, node) ??
    taintToleration(pod, node) ??
    nodeAffinity(pod, node) ??
    nodePorts(pod, node) ??
    nodeResourcesFit(pod, node) ??
    (state?.spread ? podTopologySpread(pod, node, state.spread) : undefined) ??
    (state?.interPod ? interPodAffinity(pod, node, state.interPod) : undefined)
  );
}

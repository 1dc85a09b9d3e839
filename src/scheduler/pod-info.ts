// What the scheduler precomputes about a pod once (requests, ports, affinity terms), so that
// filtering it against a thousand nodes does no parsing.

import { labelSelectorFromMeta, matchesLabels, type LabelSelector } from '../api/selectors/index.js';
import { podRequests, type Amounts } from './resources.js';
import { spreadConstraints, type SpreadConstraint } from './spread-constraints.js';
import type { NodeSelectorTerm, Pod, PodAffinityTerm, Toleration, WeightedPodAffinityTerm } from './types.js';

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A required pod (anti-)affinity term with its namespaces resolved and selector parsed. */
export interface AffinityTerm {
  namespaces: Set<string>;
  /** Terms with a namespaceSelector match any namespace here (labels of namespaces are not tracked). */
  anyNamespace: boolean;
  selector: LabelSelector;
  topologyKey: string;
}

/** A preferred (soft) pod (anti-)affinity term, for scoring. */
export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface PodInfo {
  key: string;
  pod: Pod;
  uid: string;
  namespace: string;
  labels: Record<string, string>;
  priority: number;
  requests: Amounts;
  nonZeroCpu: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  nodeSelector?: Record<string, string>;
  requiredTerms?: NodeSelectorTerm[];
  preferredTerms: { weight: number; preference: NodeSelectorTerm }[];
  /** Required pod affinity terms (spec.affinity.podAffinity). */
  affinity: AffinityTerm[];
  antiAffinity: AffinityTerm[];
  /** Preferred pod affinity / anti-affinity terms (InterPodAffinity scoring). */
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  /** topologySpreadConstraints with whenUnsatisfiable DoNotSchedule. */
  spread: SpreadConstraint[];
  /** ScheduleAnyway ones, for scoring; undefined when the pod has no constraints at all (defaults apply). */
  softSpread?: SpreadConstraint[];
  /** Being deleted: topology spread does not count it. */
  terminating: boolean;
  ownerUid?: string;
}

function affinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromMeta(t.labelSelector ?? null);
  } catch {
    selector = { requirements: [], nothing: true };
  }
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && !t.namespaceSelector) namespaces.add(pod.metadata?.namespace ?? '');
  return { namespaces, anyNamespace: t.namespaceSelector !== undefined && t.namespaceSelector !== null, selector, topologyKey: t.topologyKey };
}

function weightedTerms(pod: Pod, terms: WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  if (!terms?.length) return [];
  return terms.map((t) => ({ ...affinityTerm(pod, t.podAffinityTerm), weight: t.weight }));
}

export function podInfo(pod: Pod): PodInfo {
  const m = pod.metadata ?? {};
  const spec = pod.spec ?? {};
  const requests = podRequests(pod);
  const nz = podRequests(pod, true);
  const hostPorts: HostPort[] = [];
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  const na = spec.affinity?.nodeAffinity;
  const req = na?.requiredDuringSchedulingIgnoredDuringExecution;
  const owner = m.ownerReferences?.find((r) => r.controller);
  const labels = m.labels ?? {};
  const podAffinity = spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    key: `${m.namespace}/${m.name}`,
    pod,
    uid: m.uid ?? '',
    namespace: m.namespace ?? '',
    labels,
    priority: spec.priority ?? 0,
    requests,
    nonZeroCpu: nz.get('cpu') ?? 0,
    nonZeroMemory: nz.get('memory') ?? 0,
    hostPorts,
    tolerations: spec.tolerations ?? [],
    nodeSelector: spec.nodeSelector && Object.keys(spec.nodeSelector).length ? spec.nodeSelector : undefined,
    requiredTerms: req ? (req.nodeSelectorTerms ?? []) : undefined,
    preferredTerms: na?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
    affinity: podAffinity?.length ? podAffinity.map((t) => affinityTerm(pod, t)) : [],
    antiAffinity: (spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t)),
    preferredAffinity: weightedTerms(pod, spec.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weightedTerms(pod, spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    spread: spreadConstraints(spec.topologySpreadConstraints, labels, 'DoNotSchedule'),
    softSpread: spec.topologySpreadConstraints?.length ? spreadConstraints(spec.topologySpreadConstraints, labels, 'ScheduleAnyway') : undefined,
    terminating: !!m.deletionTimestamp,
    ownerUid: owner?.uid,
  };
}

/** Whether an (anti-)affinity term (of some pod) selects the given pod. */
export function termMatches(term: AffinityTerm, pod: PodInfo): boolean {
  if (!term.anyNamespace && !term.namespaces.has(pod.namespace)) return false;
  return matchesLabels(term.selector, pod.labels);
}

/**
 * Whether an existing pod can move the InterPodAffinity score of other pods: it has preferred terms
 * or required affinity terms (counted with hardPodAffinityWeight). Required anti-affinity only filters.
 */
export function scoresAffinity(p: PodInfo): boolean {
  return p.affinity.length > 0 || p.preferredAffinity.length > 0 || p.preferredAntiAffinity.length > 0;
}

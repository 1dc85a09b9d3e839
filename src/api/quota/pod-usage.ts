// What a pod costs in quota (upstream pkg/quota/v1/evaluator/core/pods.go): its effective requests
// and limits (containers summed, init containers and sidecars as the scheduler counts them, plus
// overhead), which pods are charged at all, its QoS and scope matches, and the "must specify"
// check that quotas on cpu or memory impose on every container.

import type { KubeObject } from '../object.js';
import { compareQuantity, type Quantity } from '../validation/quantity.js';
import { add, addQ, parseResourceList, qty, type ResourceList } from './resource-list.js';

interface Container {
  name?: string;
  restartPolicy?: string;
  resources?: { requests?: unknown; limits?: unknown };
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  overhead?: unknown;
  activeDeadlineSeconds?: number;
  priorityClassName?: string;
  affinity?: Record<string, unknown>;
}

/** One element of a quota's scopes or scopeSelector.matchExpressions. */
export interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

function specOf(pod: KubeObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

function list<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [k, q] of Object.entries(other)) if (!(k in into) || compareQuantity(q, into[k]) > 0) into[k] = q;
}

/** resourcehelper.PodRequests / PodLimits (without in-place resize or pod-level resources). */
export function podResourceTotals(pod: KubeObject, which: 'requests' | 'limits'): ResourceList {
  const spec = specOf(pod);
  let total: ResourceList = {};
  for (const c of list(spec.containers)) total = add(total, parseResourceList(c.resources?.[which]));
  let sidecars: ResourceList = {};
  const initMax: ResourceList = {};
  for (const c of list(spec.initContainers)) {
    const own = parseResourceList(c.resources?.[which]);
    if (c.restartPolicy === 'Always') {
      total = add(total, own);
      sidecars = add(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      maxInto(initMax, add(own, sidecars));
    }
  }
  maxInto(total, initMax);
  const overhead = parseResourceList(spec.overhead);
  for (const [k, q] of Object.entries(overhead)) {
    // Limits only grow where a limit is set: an unset limit means unbounded.
    if (which === 'requests') total[k] = k in total ? addQ(total[k], q) : q;
    else if (k in total) total[k] = addQ(total[k], q);
  }
  return total;
}

/** A name with a domain outside kubernetes.io (helper.IsNativeResource is its negation). */
function isNative(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isExtended(name: string): boolean {
  return !isNative(name) && !name.startsWith('requests.');
}

/** podComputeUsageHelper: the quota names a set of requests and limits stand for. */
export function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = { pods: qty(1) };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (r in requests) {
      out[r] = requests[r];
      out[`requests.${r}`] = requests[r];
    }
    if (r in limits) out[`limits.${r}`] = limits[r];
  }
  for (const [k, q] of Object.entries(requests)) {
    if (k.startsWith('hugepages-')) {
      out[k] = q;
      out[`requests.${k}`] = q;
    }
    if (isExtended(k)) out[`requests.${k}`] = q;
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods whose deletion grace has run out, are not charged. */
export function isPodCharged(pod: KubeObject, now: number): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const end = podChargeEndsAt(pod);
  return end === undefined || now <= end;
}

/** When a deleting pod stops being charged, if it will. */
export function podChargeEndsAt(pod: KubeObject): number | undefined {
  const ts = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  return ts && typeof grace === 'number' ? Date.parse(ts) + grace * 1000 : undefined;
}

/** PodUsageFunc: count/pods always; compute resources and "pods" only while the pod is charged. */
export function podUsage(pod: KubeObject, now: number): ResourceList {
  const out: ResourceList = { 'count/pods': qty(1) };
  if (!isPodCharged(pod, now)) return out;
  return add(out, computeUsage(podResourceTotals(pod, 'requests'), podResourceTotals(pod, 'limits')));
}

function nonZero(q: Quantity | undefined): boolean {
  return !!q && q.num !== 0n;
}

/** qos.GetPodQOS(pod) === BestEffort: no container asks for or limits cpu or memory. */
export function isBestEffort(pod: KubeObject): boolean {
  const qos = (pod.status as { qosClass?: string } | undefined)?.qosClass;
  if (qos) return qos === 'BestEffort';
  const spec = specOf(pod);
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const req = parseResourceList(c.resources?.requests);
    const lim = parseResourceList(c.resources?.limits);
    for (const r of ['cpu', 'memory']) if (nonZero(req[r]) || nonZero(lim[r])) return false;
  }
  return true;
}

export function isTerminating(pod: KubeObject): boolean {
  const ads = specOf(pod).activeDeadlineSeconds;
  return typeof ads === 'number' && ads >= 0;
}

function crossNamespaceTerms(terms: unknown): boolean {
  return Array.isArray(terms) && terms.some((t) => {
    const term = ((t as { podAffinityTerm?: unknown }).podAffinityTerm ?? t) as { namespaces?: unknown[]; namespaceSelector?: unknown };
    return (Array.isArray(term.namespaces) && term.namespaces.length > 0) || (term.namespaceSelector !== undefined && term.namespaceSelector !== null);
  });
}

function usesCrossNamespaceAffinity(pod: KubeObject): boolean {
  const aff = specOf(pod).affinity ?? {};
  for (const k of ['podAffinity', 'podAntiAffinity']) {
    const a = aff[k] as Record<string, unknown> | undefined;
    if (!a) continue;
    if (crossNamespaceTerms(a.requiredDuringSchedulingIgnoredDuringExecution) || crossNamespaceTerms(a.preferredDuringSchedulingIgnoredDuringExecution)) return true;
  }
  return false;
}

/** podMatchesScopeFunc. PriorityClass selectors match the pod's priorityClassName as a label. */
export function podMatchesScope(req: ScopeRequirement, pod: KubeObject): boolean {
  switch (req.scopeName) {
    case 'Terminating':
      return isTerminating(pod);
    case 'NotTerminating':
      return !isTerminating(pod);
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespaceAffinity(pod);
    case 'PriorityClass': {
      const pc = specOf(pod).priorityClassName ?? '';
      const values = req.values ?? [];
      switch (req.operator) {
        case 'Exists':
          return pc !== '';
        case 'DoesNotExist':
          return pc === '';
        case 'In':
          return pc !== '' && values.includes(pc);
        case 'NotIn':
          return pc === '' || !values.includes(pc);
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

/** Quota on these makes every container state them (a historical rule upstream keeps). */
const MUST_SPECIFY = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** The pod evaluator's Constraints: "must specify limits.cpu for: a,b; requests.cpu for: a", or undefined. */
export function podConstraintError(required: string[], pod: KubeObject): string | undefined {
  const needed = required.filter((r) => MUST_SPECIFY.has(r));
  if (!needed.length) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = specOf(pod);
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const has = computeUsage(parseResourceList(c.resources?.requests), parseResourceList(c.resources?.limits));
    for (const r of needed) {
      if (r in has) continue;
      let s = missing.get(r);
      if (!s) missing.set(r, (s = new Set()));
      s.add(c.name ?? '');
    }
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

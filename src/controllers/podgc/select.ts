// Which pods the pod garbage collector removes, as pure selections over the cached pods and
// nodes (gcTerminated, gcTerminating, gcOrphaned, gcUnscheduledTerminating).

import type { KubeObject } from '../../api/object.js';

type Obj = Record<string, unknown>;
const phase = (p: KubeObject) => ((p.status ?? {}) as Obj).phase;
export const nodeNameOf = (p: KubeObject) => (((p.spec ?? {}) as Obj).nodeName as string | undefined) || undefined;
export const isTerminated = (p: KubeObject) => phase(p) === 'Succeeded' || phase(p) === 'Failed';

/** The oldest terminated pods beyond the threshold, evicted ones first (byEvictionAndCreationTimestamp). */
export function terminatedOverThreshold(pods: KubeObject[], threshold: number): KubeObject[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isTerminated);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  const evicted = (p: KubeObject) => ((p.status ?? {}) as Obj).reason === 'Evicted';
  const created = (p: KubeObject) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
  return [...terminated]
    .sort((a, b) => (evicted(a) !== evicted(b) ? (evicted(a) ? -1 : 1) : created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')))
    .slice(0, excess);
}

/** Terminating pods never scheduled: nothing will ever finish deleting them. */
export function unscheduledTerminating(pods: KubeObject[]): KubeObject[] {
  return pods.filter((p) => p.metadata?.deletionTimestamp && !nodeNameOf(p));
}

/** Terminating pods on not-ready nodes that carry the out-of-service taint. */
export function terminatingOnOutOfServiceNodes(pods: KubeObject[], nodeByName: (n: string) => KubeObject | undefined): KubeObject[] {
  return pods.filter((p) => {
    if (!p.metadata?.deletionTimestamp) return false;
    const n = nodeNameOf(p);
    const node = n ? nodeByName(n) : undefined;
    if (!node) return false;
    const conds = Array.isArray(((node.status ?? {}) as Obj).conditions) ? (((node.status as Obj).conditions) as Obj[]) : [];
    if (conds.find((c) => c.type === 'Ready')?.status === 'True') return false;
    const taints = Array.isArray(((node.spec ?? {}) as Obj).taints) ? (((node.spec as Obj).taints) as Obj[]) : [];
    return taints.some((t) => t.key === 'node.kubernetes.io/out-of-service' && t.effect === 'NoExecute');
  });
}

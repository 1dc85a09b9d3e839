// Which surplus pods a ReplicaSet deletes first (controller.ActivePodsWithRanks, with the
// LogarithmicScaleDown and PodDeletionCost behaviour that is on by default in v1.32): unscheduled
// before scheduled, pending before unknown before running, not-ready before ready, lower
// deletion cost first, pods doubled up on a node first, then the most recently ready or created
// (compared on a log2 scale of age, ties broken by UID), and more restarts first.

import type { KubeObject } from '../../api/object.js';
import { isPodReady, podPhase, podReadyCondition } from '../util/pods.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function nodeName(p: KubeObject): string {
  return ((p.spec as Record<string, unknown> | undefined)?.nodeName as string | undefined) ?? '';
}

function deletionCost(p: KubeObject): number {
  const v = p.metadata?.annotations?.[POD_DELETION_COST];
  const n = v === undefined ? 0 : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : 0;
}

function maxRestarts(p: KubeObject): number {
  const st = (p.status as Record<string, unknown> | undefined)?.containerStatuses as { restartCount?: number }[] | undefined;
  return Math.max(0, ...(st ?? []).map((c) => c.restartCount ?? 0));
}

function time(s: string | null | undefined): number {
  return s ? Date.parse(s) : 0;
}

/** t1 after t2, with a zero time sorting first. */
function afterOrZero(t1: number, t2: number): boolean {
  if (!t1 || !t2) return !t1;
  return t1 > t2;
}

function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6; // nanoseconds, as Go's Duration
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** Negative when a should be deleted before b. */
function compareTimes(a: KubeObject, b: KubeObject, ta: number, tb: number, now: number): number {
  if (!now || !ta || !tb) return afterOrZero(ta, tb) ? -1 : 1;
  const diff = logRank(ta, now) - logRank(tb, now);
  if (diff === 0) return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '') ? -1 : 1;
  return diff < 0 ? -1 : 1;
}

export interface RankedPod {
  pod: KubeObject;
  /** How many related active pods share its node. */
  rank: number;
}

export function comparePodsForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = nodeName(pa);
  const nb = nodeName(pb);
  if (na !== nb && (!na || !nb)) return !na ? -1 : 1;
  const oa = PHASE_ORDER[podPhase(pa)] ?? 0;
  const ob = PHASE_ORDER[podPhase(pb)] ?? 0;
  if (oa !== ob) return oa - ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const ta = time(podReadyCondition(pa)?.lastTransitionTime);
    const tb = time(podReadyCondition(pb)?.lastTransitionTime);
    if (ta !== tb) return compareTimes(pa, pb, ta, tb, now);
  }
  const xa = maxRestarts(pa);
  const xb = maxRestarts(pb);
  if (xa !== xb) return xb - xa;
  const ta = time(pa.metadata?.creationTimestamp);
  const tb = time(pb.metadata?.creationTimestamp);
  if (ta !== tb) return compareTimes(pa, pb, ta, tb, now);
  return 0;
}

/** The `diff` pods to delete from `pods`, ranked against the related pods (same controller). */
export function podsToDelete(pods: KubeObject[], related: KubeObject[], diff: number, now: number): KubeObject[] {
  if (diff >= pods.length) return pods.slice();
  const onNode = new Map<string, number>();
  for (const p of related) {
    const phase = podPhase(p);
    if (phase === 'Succeeded' || phase === 'Failed' || p.metadata?.deletionTimestamp) continue;
    onNode.set(nodeName(p), (onNode.get(nodeName(p)) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(nodeName(pod)) ?? 0 }));
  ranked.sort((a, b) => comparePodsForDeletion(a, b, now));
  return ranked.slice(0, diff).map((r) => r.pod);
}

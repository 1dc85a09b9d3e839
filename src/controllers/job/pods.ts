// How the Job controller reads a pod: active, terminating, finished, ready, its index and the
// time it finished. Pure functions over pod JSON.

import { COMPLETION_INDEX, TRACKING_FINALIZER, type Pod } from './types.js';

export const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
export const isActive = (p: Pod): boolean => !isTerminal(p) && !p.metadata?.deletionTimestamp;
export const isTerminating = (p: Pod): boolean => !isTerminal(p) && !!p.metadata?.deletionTimestamp;
export const hasTrackingFinalizer = (p: Pod): boolean => (p.metadata?.finalizers ?? []).includes(TRACKING_FINALIZER);
export const isReady = (p: Pod): boolean => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Whether the pod counts as failed. Unless only Failed pods are replaced, a pod being deleted
 * counts as failed at once, since an orphaned pod may never reach the Failed phase.
 */
export function isFailed(p: Pod, onlyReplaceFailed: boolean): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailed) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

export function completionIndex(p: Pod): number | undefined {
  const v = p.metadata?.annotations?.[COMPLETION_INDEX] ?? p.metadata?.labels?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** When the pod finished: its containers' last finishedAt, else `fallback`. */
export function finishTime(p: Pod, fallback: number): number {
  let t: number | undefined;
  for (const cs of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
    const f = cs.state?.terminated?.finishedAt;
    const ms = f ? Date.parse(f) : NaN;
    if (!Number.isNaN(ms)) t = Math.max(t ?? ms, ms);
  }
  return t ?? fallback;
}

export function restartCount(p: Pod): number {
  let n = 0;
  for (const cs of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) n += cs.restartCount ?? 0;
  return n;
}

/** Pods to delete first when there are too many: not ready before ready, then newest first. */
export function deletionOrder(a: Pod, b: Pod): number {
  const ra = isReady(a) ? 1 : 0;
  const rb = isReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  return ta < tb ? 1 : ta > tb ? -1 : 0;
}

export { formatTime } from '../util/time.js';

// Pod-failure back-off for re-creating a Job's pods (upstream's backoff_utils.go): failures
// since the last success double the wait from 10 s, capped at 10 minutes (the value in the
// controller's code; the documentation says six).

export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** The record after a sync saw these newly finished pods (finish times in ms). */
export function nextBackoffRecord(prev: BackoffRecord | undefined, newSucceeded: number[], newFailed: number[]): BackoffRecord {
  const rec = prev ?? { failuresAfterLastSuccess: 0 };
  if (newSucceeded.length === 0) {
    if (newFailed.length === 0) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + newFailed.length, lastFailureTime: Math.max(rec.lastFailureTime ?? -Infinity, ...newFailed) };
  }
  const lastSuccess = Math.max(...newSucceeded);
  const after = newFailed.filter((t) => t > lastSuccess);
  if (after.length === 0) return { failuresAfterLastSuccess: 0 };
  return { failuresAfterLastSuccess: after.length, lastFailureTime: Math.max(...after) };
}

/** How long pod creation must still wait (ms); 0 when it may go ahead. */
export function remainingBackoff(rec: BackoffRecord | undefined, now: number, base = POD_FAILURE_BACKOFF_MS, max = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (!rec || rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  let d = base;
  for (let i = 1; i < rec.failuresAfterLastSuccess && d < max; i++) d *= 2;
  d = Math.min(d, max);
  const elapsed = now - rec.lastFailureTime;
  if (elapsed < 0) return d;
  return Math.max(0, d - elapsed);
}

// One Job sync as a pure function (upstream's syncJob and trackJobStatusAndRemoveFinalizers):
// from the Job, its pods and the time, what to record, which pods to create, delete and release
// from the tracking finalizer, and the status to write once that is done.
//
// Finished pods are counted in two steps so that a crash never loses or doubles a count: their
// UIDs go to status.uncountedTerminatedPods first, then their finalizers are removed, then the
// UIDs move into the succeeded/failed counters.

import { cloneJson } from '../../api/object.js';
import { nextBackoffRecord, remainingBackoff, type BackoffRecord } from './backoff.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { completionIndex, deletionOrder, finishTime, formatTime, hasTrackingFinalizer, isActive, isFailed, isReady, isTerminal, isTerminating, restartCount } from './pods.js';
import { INDEX_FAILURE_COUNT, type Job, type JobCondition, type JobStatus, type Pod } from './types.js';

export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface SyncInput {
  job: Job;
  pods: Pod[];
  now: number;
  backoff?: BackoffRecord;
  /** False while pods this controller created or deleted are not yet in the cache. */
  expectationsSatisfied: boolean;
  /** Pods whose finalizer removal was sent but not yet seen: already counted. */
  expectedRemovals?: ReadonlySet<string>;
}

export interface SyncPlan {
  /** Status recording newly finished pods as uncounted, to write before releasing them. */
  uncountedStatus?: JobStatus;
  removeFinalizers: Pod[];
  /** One entry per pod to create: its completion index in Indexed mode. */
  create: (number | undefined)[];
  /** With backoffLimitPerIndex: per index to create, how many of its pods failed before. */
  failureCounts?: Record<number, number>;
  delete: Pod[];
  /**
   * Pods deleted because the Job is suspended or has too many: released from the finalizer
   * first, so they are never counted as failed.
   */
  release: Pod[];
  /** The status to write after the above succeeded. */
  status: JobStatus;
  events: JobEvent[];
  requeueAfterMs?: number;
  backoff: BackoffRecord;
}

const trueCond = (conds: JobCondition[], type: string) => conds.find((c) => c.type === type && c.status === 'True');

export function isJobFinished(job: Job): JobCondition | undefined {
  const conds = job.status?.conditions ?? [];
  return trueCond(conds, 'Complete') ?? trueCond(conds, 'Failed');
}

function setCondition(conds: JobCondition[], type: string, status: string, reason: string, message: string, now: string): JobCondition {
  const c = conds.find((x) => x.type === type);
  if (c) {
    if (c.status !== status) c.lastTransitionTime = now;
    Object.assign(c, { status, reason, message, lastProbeTime: now });
    return c;
  }
  const n = { type, status, lastProbeTime: now, lastTransitionTime: now, reason, message };
  conds.push(n);
  return n;
}

function indexFailures(p: Pod): number {
  const v = Number(p.metadata?.annotations?.[INDEX_FAILURE_COUNT] ?? 0);
  return Number.isInteger(v) && v >= 0 ? v : 0;
}

/** The index's most recently finished failed pod, for its per-index back-off. */
function lastFailedPod(pods: Pod[], ix: number, now: number): { pod: Pod; at: number } | undefined {
  let best: { pod: Pod; at: number } | undefined;
  for (const p of pods) {
    if (p.status?.phase !== 'Failed' || completionIndex(p) !== ix) continue;
    const at = finishTime(p, now);
    if (!best || at > best.at || (at === best.at && indexFailures(p) > indexFailures(best.pod))) best = { pod: p, at };
  }
  return best;
}

export function planSync(input: SyncInput): SyncPlan {
  const { job, pods, now } = input;
  const spec = job.spec ?? {};
  const st0 = job.status ?? {};
  const nowS = formatTime(now);
  const indexed = spec.completionMode === 'Indexed';
  const completions = typeof spec.completions === 'number' ? spec.completions : undefined;
  const parallelism = spec.parallelism ?? 1;
  const backoffLimit = spec.backoffLimit ?? 6;
  const onlyReplaceFailed = spec.podReplacementPolicy === 'Failed' || !!spec.podFailurePolicy;
  const events: JobEvent[] = [];

  // Count newly finished pods.
  const uncSucc = [...(st0.uncountedTerminatedPods?.succeeded ?? [])];
  const uncFail = [...(st0.uncountedTerminatedPods?.failed ?? [])];
  const uncounted = new Set([...uncSucc, ...uncFail]);
  const completed = indexed ? parseIndexes(st0.completedIndexes, completions) : new Set<number>();
  const perIndex = indexed && typeof spec.backoffLimitPerIndex === 'number';
  const failedIdx = perIndex ? parseIndexes(st0.failedIndexes, completions) : new Set<number>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (indexed && ix !== undefined && ix < (completions ?? 0) && uncSucc.includes(p.metadata?.uid ?? '')) completed.add(ix);
  }
  const removeFinalizers: Pod[] = [];
  const newSucc: number[] = [];
  const newFail: number[] = [];
  let failJobMessage: string | undefined;
  for (const p of pods) {
    const uid = p.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(p) || input.expectedRemovals?.has(uid)) continue;
    if (uncounted.has(uid)) {
      removeFinalizers.push(p);
      continue;
    }
    if (p.status?.phase === 'Succeeded') {
      removeFinalizers.push(p);
      if (indexed) {
        const ix = completionIndex(p);
        // A duplicate or out-of-range index is released without being counted.
        if (ix === undefined || ix >= (completions ?? 0) || completed.has(ix)) continue;
        completed.add(ix);
      }
      uncSucc.push(uid);
      newSucc.push(finishTime(p, now));
    } else if (isFailed(p, onlyReplaceFailed)) {
      removeFinalizers.push(p);
      if (spec.podFailurePolicy && p.status?.phase === 'Failed') {
        const m = matchPodFailurePolicy(spec.podFailurePolicy.rules, p);
        if (m?.action === 'Ignore') continue;
        if (m?.action === 'FailJob') failJobMessage ??= m.message;
        if (m?.action === 'FailIndex' && perIndex && completionIndex(p) !== undefined) failedIdx.add(completionIndex(p)!);
      }
      const ix = completionIndex(p);
      // The pod carries how many earlier pods of its index failed.
      if (perIndex && ix !== undefined && ix < (completions ?? 0) && indexFailures(p) + 1 > (spec.backoffLimitPerIndex ?? 0)) failedIdx.add(ix);
      uncFail.push(uid);
      newFail.push(finishTime(p, now));
    }
  }
  for (const ix of completed) failedIdx.delete(ix);
  const backoff = nextBackoffRecord(input.backoff, newSucc, newFail);
  const uncountedStatus = newSucc.length || newFail.length ? { ...cloneJson(st0), uncountedTerminatedPods: { succeeded: uncSucc, failed: uncFail } } : undefined;
  const failed = (st0.failed ?? 0) + uncFail.length;
  const succeeded = indexed ? completed.size : (st0.succeeded ?? 0) + uncSucc.length;

  const active = pods.filter(isActive);
  const terminating = pods.filter(isTerminating);
  const conditions = cloneJson(st0.conditions ?? []);
  let startTime = st0.startTime;
  const suspended = spec.suspend === true;
  let requeueAfterMs: number | undefined;
  const requeue = (ms: number) => (requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, Math.max(ms, 0)));

  // Decide whether the Job has met its success or failure criteria.
  let target = trueCond(conditions, 'FailureTarget') ?? trueCond(conditions, 'SuccessCriteriaMet');
  if (!target) {
    const onFailureRestarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + restartCount(p), 0) : 0;
    const pastRestartLimit = spec.template?.spec?.restartPolicy === 'OnFailure' && (backoffLimit === 0 ? onFailureRestarts > 0 : onFailureRestarts >= backoffLimit);
    const deadlineMs = spec.activeDeadlineSeconds !== undefined && startTime && !suspended ? Date.parse(startTime) + spec.activeDeadlineSeconds * 1000 : undefined;
    if (failJobMessage) target = setCondition(conditions, 'FailureTarget', 'True', 'PodFailurePolicy', failJobMessage, nowS);
    else if (perIndex && spec.maxFailedIndexes !== undefined && failedIdx.size > spec.maxFailedIndexes)
      target = setCondition(conditions, 'FailureTarget', 'True', 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes', nowS);
    else if (perIndex && failedIdx.size > 0 && failedIdx.size + completed.size >= (completions ?? 0)) target = setCondition(conditions, 'FailureTarget', 'True', 'FailedIndexes', 'Job has failed indexes', nowS);
    else if (failed > backoffLimit || pastRestartLimit) target = setCondition(conditions, 'FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', nowS);
    else if (deadlineMs !== undefined && now >= deadlineMs) target = setCondition(conditions, 'FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', nowS);
    else if (deadlineMs !== undefined) requeue(deadlineMs - now);
  }

  if (!target) {
    const susp = conditions.find((c) => c.type === 'Suspended');
    if (suspended && susp?.status !== 'True') {
      setCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowS);
      events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
    } else if (!suspended && susp?.status === 'True') {
      setCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowS);
      events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
      // The active deadline counts from the resumption.
      startTime = nowS;
    }
    if (!suspended && !startTime) startTime = nowS;
  }

  // Manage pods. Pods of a failing Job keep their finalizer so they are counted as failed.
  const failing = !!target;
  const del: Pod[] = [];
  const create: (number | undefined)[] = [];
  const failureCounts: Record<number, number> = {};
  if (target) del.push(...active);
  else if (suspended) {
    if (input.expectationsSatisfied) del.push(...active);
  } else if (input.expectationsSatisfied) {
    // With a back-off limit per index, each index waits on its own failures instead.
    const wait = perIndex ? 0 : remainingBackoff(backoff, now);
    if (!indexed) {
      let want = completions === undefined ? (succeeded > 0 ? active.length : parallelism) : Math.min(Math.max(completions - succeeded, 0), parallelism);
      if (want < 0) want = 0;
      const counted = active.length + (onlyReplaceFailed ? terminating.length : 0);
      if (active.length > want) del.push(...[...active].sort(deletionOrder).slice(0, active.length - want));
      else if (counted < want) {
        if (wait > 0) requeue(wait);
        else for (let i = 0; i < Math.min(want - counted, MAX_POD_CREATE_DELETE_PER_SYNC); i++) create.push(undefined);
      }
    } else {
      const n = completions ?? 0;
      // A sync either deletes or creates, deletion first.
      let room0 = 1;
      const byIndex = new Map<number, Pod[]>();
      for (const p of active) {
        const ix = completionIndex(p);
        if (ix === undefined || ix >= n || completed.has(ix) || failedIdx.has(ix)) del.push(p);
        else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
      }
      // One active pod per index: keep the ready one, the oldest otherwise.
      for (const ps of byIndex.values()) if (ps.length > 1) del.push(...[...ps].sort(deletionOrder).slice(0, ps.length - 1));
      const want = Math.min(parallelism, n - completed.size - failedIdx.size);
      const kept = [...byIndex.entries()].sort((a, b) => b[0] - a[0]);
      if (kept.length > want) for (const [, ps] of kept.slice(0, kept.length - want)) del.push(...ps.filter((p) => !del.includes(p)));
      const busy = new Set(byIndex.keys());
      if (del.length) room0 = 0;
      if (onlyReplaceFailed) for (const p of terminating) if (completionIndex(p) !== undefined) busy.add(completionIndex(p)!);
      let room = room0 * (want - Math.min(kept.length, want) - (onlyReplaceFailed ? terminating.length : 0));
      if (room > 0) {
        if (wait > 0) requeue(wait);
        else
          for (let i = 0; i < n && room > 0 && create.length < MAX_POD_CREATE_DELETE_PER_SYNC; i++) {
            if (completed.has(i) || busy.has(i) || failedIdx.has(i)) continue;
            if (perIndex) {
              const last = lastFailedPod(pods, i, now);
              if (last) {
                failureCounts[i] = indexFailures(last.pod) + 1;
                const w = remainingBackoff({ failuresAfterLastSuccess: failureCounts[i], lastFailureTime: last.at }, now);
                if (w > 0) {
                  requeue(w);
                  continue;
                }
              } else failureCounts[i] = 0;
            }
            create.push(i);
            room--;
          }
      }
    }
  }

  const activeAfter = active.length - del.length + create.length;
  // Success is judged once the surplus pods are gone, as upstream does after manageJob.
  if (!target && activeAfter === 0 && (completions !== undefined ? succeeded >= completions : succeeded > 0)) {
    target = setCondition(conditions, 'SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', nowS);
  }
  const terminatingAfter = terminating.length + del.length;
  const status: JobStatus = { ...cloneJson(st0) };
  status.conditions = conditions;
  if (startTime) status.startTime = startTime;
  status.active = activeAfter;
  status.ready = active.filter((p) => isReady(p) && !del.includes(p)).length;
  status.terminating = terminatingAfter;
  status.succeeded = succeeded;
  status.failed = failed;
  status.uncountedTerminatedPods = {};
  if (indexed) status.completedIndexes = formatIndexes(completed);
  if (perIndex) status.failedIndexes = formatIndexes(failedIdx);

  // The terminal condition waits until no pod of the Job is left running or uncounted.
  const pending = pods.some((p) => hasTrackingFinalizer(p) && !isTerminal(p) && !p.metadata?.deletionTimestamp && !del.includes(p));
  if (target && activeAfter === 0 && terminatingAfter === 0 && !pending && input.expectationsSatisfied) {
    if (target.type === 'SuccessCriteriaMet') {
      setCondition(conditions, 'Complete', 'True', target.reason ?? '', target.message ?? '', nowS);
      status.completionTime = nowS;
      events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
    } else {
      setCondition(conditions, 'Failed', 'True', target.reason ?? '', target.message ?? '', nowS);
      events.push({ type: 'Warning', reason: target.reason ?? '', message: target.message ?? '' });
    }
  }
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!status[k]) delete status[k];
  if (!status.conditions?.length) delete status.conditions;
  if (status.completedIndexes === '') delete status.completedIndexes;
  return { uncountedStatus, removeFinalizers, create, failureCounts: perIndex ? failureCounts : undefined, delete: del, release: failing ? [] : del, status, events, requeueAfterMs, backoff };
}

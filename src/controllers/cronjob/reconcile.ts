// One CronJob sync (upstream's cronjob controllerv2 syncCronJob and cleanupFinishedJobs):
// reconcile the active list with the Jobs that exist, start the Job for the most recent
// missed time under the concurrency policy, prune finished Jobs beyond the history limits,
// write the status and say when to look again.

import { cloneJson } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isNotFound, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { Clock } from '../../client/workqueue.js';
import { isJobFinished } from '../job/sync-plan.js';
import type { Job } from '../job/types.js';
import { parseSchedule, type CronSchedule } from './cron-schedule.js';
import { jobFromTemplate, jobName, type CronJob } from './job-from-template.js';
import { mostRecentScheduleTime, nextScheduleDelay, type ScheduleState } from './schedule-times.js';
import { isValidTimeZone } from './time-zone.js';

export const JOBS_BY_CRONJOB_UID = 'cronjob-controller/owner-uid';

export interface CronJobSyncDeps {
  cronJobs: Informer<CronJob>;
  jobs: Informer<Job>;
  cronJobClient: ResourceClient<CronJob>;
  jobClient: ResourceClient<Job>;
  recorder: EventRecorder;
  clock: Clock;
  requeueAfter(key: string, ms: number): void;
  /** Per CronJob key, the resourceVersion of our last status write, until the cache shows it. */
  written: Map<string, string>;
}

/** Whether the cached CronJob predates our own last status write. */
function cacheBehind(d: CronJobSyncDeps, key: string, cj: CronJob): boolean {
  const w = d.written.get(key);
  if (w === undefined) return false;
  const a = Number(cj.metadata?.resourceVersion);
  const b = Number(w);
  if (Number.isFinite(a) && Number.isFinite(b) && a < b) return true;
  d.written.delete(key);
  return false;
}

const fmt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const parseTime = (s: string | undefined | null) => (s ? Date.parse(s) : undefined);

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

function jobRef(j: Job) {
  const m = j.metadata ?? {};
  return { kind: 'Job', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: 'batch/v1', resourceVersion: m.resourceVersion };
}

/** Finished Jobs oldest first by start time; Jobs that never started count as newest. */
export function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa === sb || (!sa && !sb)) return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  return Date.parse(sa!) - Date.parse(sb!);
}

async function deleteJob(d: CronJobSyncDeps, cj: CronJob, job: { namespace?: string; name?: string }): Promise<boolean> {
  try {
    await d.jobClient.delete(job.namespace, job.name ?? '', { propagationPolicy: 'Background' });
  } catch (e) {
    if (!isNotFound(e)) {
      d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }
  d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.name}`);
  return true;
}

export async function syncCronJob(d: CronJobSyncDeps, key: string): Promise<void> {
  const cached = d.cronJobs.get(key);
  if (!cached) {
    d.written.delete(key);
    return;
  }
  // Acting on a status older than our own write could start a Job twice; the informer's
  // update for that write will sync the CronJob again.
  if (cacheBehind(d, key, cached)) return;
  let cj = cloneJson(cached);
  const owned = d.jobs.byIndex(JOBS_BY_CRONJOB_UID, cj.metadata?.uid ?? '');
  // A running Job missing from a cached active list is usually our own creation the cache has
  // not caught up with: read the CronJob from the API before calling the Job unexpected.
  if (owned.some((j) => !isJobFinished(j) && !(cj.status?.active ?? []).some((a) => a.uid === j.metadata?.uid))) {
    try {
      cj = await d.cronJobClient.get(cj.metadata?.namespace, cj.metadata?.name ?? '');
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }
  const status = (cj.status ??= {});
  const before = JSON.stringify(status);
  const now = d.clock.now();
  const inActive = (uid?: string) => (status.active ?? []).some((a) => a.uid === uid);
  const dropActive = (uid?: string) => {
    status.active = (status.active ?? []).filter((a) => a.uid !== uid);
  };

  for (const j of owned) {
    const finished = isJobFinished(j);
    if (!inActive(j.metadata?.uid) && !finished) {
      d.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`);
    } else if (inActive(j.metadata?.uid) && finished) {
      dropActive(j.metadata?.uid);
      d.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name}, condition: ${finished.type}`);
    }
    const done = parseTime(j.status?.completionTime);
    if (finished?.type === 'Complete' && done !== undefined) {
      const last = parseTime(status.lastSuccessfulTime);
      if (last === undefined || done > last) status.lastSuccessfulTime = fmt(done);
    }
  }
  const ownedUids = new Set(owned.map((j) => j.metadata?.uid));
  for (const a of [...(status.active ?? [])]) {
    if (ownedUids.has(a.uid)) continue;
    // The cache may lag: ask the API before calling the Job missing.
    try {
      await d.jobClient.get(a.namespace, a.name ?? '');
    } catch (e) {
      if (!isNotFound(e)) throw e;
      d.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${a.name}`);
      dropActive(a.uid);
    }
  }

  let requeueMs: number | undefined;
  await schedule();

  // History limits.
  const finishedJobs = owned.filter((j) => isJobFinished(j));
  const prune = async (type: string, limit: number | undefined) => {
    if (limit === undefined) return;
    const js = finishedJobs.filter((j) => isJobFinished(j)?.type === type).sort(byStartTime);
    for (const j of js.slice(0, Math.max(0, js.length - limit))) if (await deleteJob(d, cj, { namespace: j.metadata?.namespace, name: j.metadata?.name })) dropActive(j.metadata?.uid);
  };
  await prune('Complete', cj.spec?.successfulJobsHistoryLimit);
  await prune('Failed', cj.spec?.failedJobsHistoryLimit);

  if (!status.active?.length) delete status.active;
  if (JSON.stringify(status) !== before) {
    const out = await d.cronJobClient.updateStatus(cj);
    if (out.metadata?.resourceVersion) d.written.set(key, out.metadata.resourceVersion);
  }
  if (requeueMs !== undefined) d.requeueAfter(key, requeueMs);

  async function schedule(): Promise<void> {
    if (cj.metadata?.deletionTimestamp) return;
    const tz = cj.spec?.timeZone ?? '';
    if (cj.spec?.timeZone !== undefined && !isValidTimeZone(tz)) {
      d.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`);
      return;
    }
    if (cj.spec?.suspend) return;
    let sched: CronSchedule;
    try {
      sched = parseSchedule(cj.spec?.schedule ?? '');
    } catch (e) {
      d.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule}" : ${(e as Error).message}`);
      return;
    }
    const st: ScheduleState = { creationMs: parseTime(cj.metadata?.creationTimestamp) ?? now, lastScheduleMs: parseTime(status.lastScheduleTime), startingDeadlineSeconds: cj.spec?.startingDeadlineSeconds, tz };
    let scheduled: number | undefined;
    try {
      const m = mostRecentScheduleTime(st, now, sched, true);
      if (m.tooMany) d.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
      scheduled = m.mostRecent;
    } catch (e) {
      d.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule} : ${(e as Error).message}`);
      return;
    }
    requeueMs = nextScheduleDelay(st, now, sched);
    if (scheduled === undefined) return;
    if (st.startingDeadlineSeconds !== undefined && scheduled + st.startingDeadlineSeconds * 1000 < now) {
      d.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return;
    }
    const name = jobName(cj.metadata?.name ?? '', scheduled);
    if ((status.active ?? []).some((a) => a.name === name) || st.lastScheduleMs === scheduled) return;
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active ?? []).length > 0) {
      d.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return;
    }
    if (policy === 'Replace') {
      for (const a of [...(status.active ?? [])]) {
        if (!(await deleteJob(d, cj, a))) throw new Error(`could not replace job ${a.name}`);
        dropActive(a.uid);
      }
    }
    let created: Job;
    try {
      created = await d.jobClient.create(jobFromTemplate(cj, scheduled) as Job, cj.metadata?.namespace);
    } catch (e) {
      if (isAlreadyExists(e)) throw e;
      d.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      throw e;
    }
    d.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
    (status.active ??= []).push(jobRef(created));
    status.lastScheduleTime = fmt(scheduled);
    // Recompute from the new lastScheduleTime.
    requeueMs = nextScheduleDelay({ ...st, lastScheduleMs: scheduled }, now, sched);
  }
}

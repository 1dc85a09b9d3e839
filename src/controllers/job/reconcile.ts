// One Job sync against the API: reads the Job and its pods from the caches, runs the pure plan
// and carries it out in the order that keeps the counts exact: record uncounted pods, release
// their finalizers, create and delete pods, write the final status, then tell the events.

import { cloneJson } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import { isNotFound, splitKey, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { Clock } from '../../client/workqueue.js';
import type { BackoffRecord } from './backoff.js';
import type { DelayedRequeue } from './delayed-requeue.js';
import type { Expectations } from '../util/expectations.js';
import { podForJob } from './pod-template.js';
import { hasTrackingFinalizer } from './pods.js';
import { isJobFinished, planSync } from './sync-plan.js';
import { TRACKING_FINALIZER, type Job, type JobStatus, type Pod } from './types.js';

export const PODS_BY_JOB_UID = 'job-controller/owner-uid';
export const ORPHAN_PREFIX = 'orphan-pod:';

export interface JobSyncDeps {
  jobs: Informer<Job>;
  pods: Informer<Pod>;
  jobClient: ResourceClient<Job>;
  podClient: ResourceClient<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  expectations: Expectations;
  backoffs: Map<string, BackoffRecord>;
  /** Per Job key, the resourceVersion of our last status write, until the cache shows it. */
  written: Map<string, string>;
  /** Per Job key, pods whose finalizer removal the pod cache has not shown yet. */
  finalizerRemovals: Map<string, Set<string>>;
  requeue: DelayedRequeue;
}

/** Key-order-independent JSON, to tell whether a status really changed. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

async function removeFinalizer(client: ResourceClient<Pod>, pod: Pod): Promise<void> {
  try {
    await client.patch(pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', { metadata: { '$deleteFromPrimitiveList/finalizers': [TRACKING_FINALIZER] } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

async function writeStatus(d: JobSyncDeps, key: string, job: Job, status: JobStatus): Promise<Job> {
  const out = await d.jobClient.updateStatus({ ...cloneJson(job), status });
  if (out.metadata?.resourceVersion) d.written.set(key, out.metadata.resourceVersion);
  return out;
}

/** Whether the cached Job predates our own last status write (its counts would be stale). */
function cacheBehind(d: JobSyncDeps, key: string, job: Job): boolean {
  const w = d.written.get(key);
  if (w === undefined) return false;
  const a = Number(job.metadata?.resourceVersion);
  const b = Number(w);
  if (Number.isFinite(a) && Number.isFinite(b) && a < b) return true;
  d.written.delete(key);
  return false;
}

/** Releases a pod whose Job is gone, so that the pod can be deleted. */
async function syncOrphan(d: JobSyncDeps, podKey: string): Promise<void> {
  const pod = d.pods.get(podKey);
  if (!pod || !hasTrackingFinalizer(pod)) return;
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
  if (ref) {
    try {
      const job = await d.jobClient.get(pod.metadata?.namespace, ref.name);
      if (job.metadata?.uid === ref.uid && !job.metadata?.deletionTimestamp && !isJobFinished(job)) return;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  await removeFinalizer(d.podClient, pod);
}

function pendingRemovals(d: JobSyncDeps, key: string): Set<string> {
  let set = d.finalizerRemovals.get(key);
  if (!set) d.finalizerRemovals.set(key, (set = new Set()));
  return set;
}

export async function syncJob(d: JobSyncDeps, key: string): Promise<void> {
  if (key.startsWith(ORPHAN_PREFIX)) return syncOrphan(d, key.slice(ORPHAN_PREFIX.length));
  let job = d.jobs.get(key);
  if (!job) {
    d.expectations.forget(key);
    d.backoffs.delete(key);
    d.finalizerRemovals.delete(key);
    d.written.delete(key);
    return;
  }
  // The informer's update for our write will sync the Job again.
  if (cacheBehind(d, key, job)) return;
  const pods = d.pods.byIndex(PODS_BY_JOB_UID, job.metadata?.uid ?? '');
  if (isJobFinished(job) || job.metadata?.deletionTimestamp) {
    await Promise.all(pods.filter(hasTrackingFinalizer).map((p) => removeFinalizer(d.podClient, p)));
    return;
  }
  const now = d.clock.now();
  const plan = planSync({ job, pods, now, backoff: d.backoffs.get(key), expectationsSatisfied: d.expectations.satisfied(key), expectedRemovals: d.finalizerRemovals.get(key) });

  if (plan.uncountedStatus) job = await writeStatus(d, key, job, plan.uncountedStatus);
  if (plan.removeFinalizers.length) {
    const pending = pendingRemovals(d, key);
    await Promise.all(
      plan.removeFinalizers.map(async (p) => {
        const uid = p.metadata?.uid ?? '';
        pending.add(uid);
        try {
          await removeFinalizer(d.podClient, p);
        } catch (e) {
          pending.delete(uid);
          throw e;
        }
      }),
    );
  }

  const { namespace } = splitKey(key);
  if (plan.create.length || plan.delete.length) d.expectations.expect(key, plan.create.length, plan.delete.map((p) => p.metadata?.uid ?? ''));
  const errors: unknown[] = [];
  let failedCreates = 0;
  const jobRef = job;
  await Promise.all([
    ...plan.create.map(async (ix) => {
      try {
        const pod = await d.podClient.create(podForJob(jobRef, ix, ix === undefined ? undefined : plan.failureCounts?.[ix]), namespace);
        d.recorder.event(jobRef, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
      } catch (e) {
        failedCreates++;
        d.expectations.creationObserved(key);
        d.recorder.event(jobRef, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
        errors.push(e);
      }
    }),
    ...plan.delete.map(async (p) => {
      try {
        if (plan.release.includes(p) && hasTrackingFinalizer(p)) {
          pendingRemovals(d, key).add(p.metadata?.uid ?? '');
          await removeFinalizer(d.podClient, p);
        }
        await d.podClient.delete(p.metadata?.namespace, p.metadata?.name ?? '');
        d.recorder.event(jobRef, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
      } catch (e) {
        d.expectations.deletionObserved(key, p.metadata?.uid ?? '');
        if (!isNotFound(e)) errors.push(e);
      }
    }),
  ]);

  const status = plan.status;
  if (failedCreates) status.active = (status.active ?? 0) - failedCreates || undefined;
  if (status.active === undefined) delete status.active;
  if (canonical(status) !== canonical(job.status ?? {})) await writeStatus(d, key, job, status);
  // Only once the failures are recorded, or a retry would count them twice.
  d.backoffs.set(key, plan.backoff);
  for (const ev of plan.events) d.recorder.event(job, ev.type, ev.reason, ev.message);
  if (plan.requeueAfterMs !== undefined) d.requeue.after(key, plan.requeueAfterMs);
  if (errors.length) throw errors[0];
}

// The Job controller (upstream's pkg/controller/job): runs a Job's pods to completion, counting
// them through the job-tracking finalizer, and the TTL-after-finished controller beside it.

import { objectKey } from '../../client/informer.js';
import { realClock, WorkQueue } from '../../client/workqueue.js';
import { controllerRef, enqueueSelf, runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import type { BackoffRecord } from './backoff.js';
import { DelayedRequeue } from './delayed-requeue.js';
import { Expectations } from '../util/expectations.js';
import { hasTrackingFinalizer } from './pods.js';
import { ORPHAN_PREFIX, PODS_BY_JOB_UID, syncJob } from './reconcile.js';
import type { Job, Pod } from './types.js';

export { ttlAfterFinishedController } from './ttl-after-finished.js';

export function jobController(ctx: ControllerContext): Controller {
  const jobs = ctx.informers.informer<Job>('jobs');
  const pods = ctx.informers.informer<Pod>('pods');
  pods.addIndexer(PODS_BY_JOB_UID, (p) => {
    const ref = controllerRef(p);
    return ref && ref.kind === 'Job' ? [ref.uid] : [];
  });
  // Retries back off on real time; deadlines and pod back-off follow the injected clock.
  const queue = new WorkQueue(realClock);
  const requeue = new DelayedRequeue(queue, ctx.clock);
  const expectations = new Expectations();
  const finalizerRemovals = new Map<string, Set<string>>();
  const removalSeen = (p: Pod) => {
    const key = jobKeyOf(p);
    if (!key || hasTrackingFinalizer(p)) return;
    const set = finalizerRemovals.get(key);
    set?.delete(p.metadata?.uid ?? '');
    if (set?.size === 0) finalizerRemovals.delete(key);
  };
  const deps = {
    jobs,
    pods,
    jobClient: ctx.clients.resource<Job>('jobs'),
    podClient: ctx.clients.resource<Pod>('pods'),
    recorder: ctx.recorder('job-controller'),
    clock: ctx.clock,
    expectations,
    backoffs: new Map<string, BackoffRecord>(),
    finalizerRemovals,
    written: new Map<string, string>(),
    requeue,
  };
  const jobKeyOf = (p: Pod): string | undefined => {
    const ref = controllerRef(p);
    return ref && ref.kind === 'Job' ? `${p.metadata?.namespace}/${ref.name}` : undefined;
  };
  const onPod = (p: Pod) => {
    const key = jobKeyOf(p);
    if (!key) return;
    const job = jobs.get(key);
    if (job && job.metadata?.uid === controllerRef(p)?.uid) queue.add(key);
    else if (hasTrackingFinalizer(p)) queue.add(ORPHAN_PREFIX + objectKey(p));
  };
  jobs.addHandler({
    ...enqueueSelf(queue),
    delete: (j: Job) => {
      queue.add(objectKey(j));
      for (const p of pods.byIndex(PODS_BY_JOB_UID, j.metadata?.uid ?? '')) if (hasTrackingFinalizer(p)) queue.add(ORPHAN_PREFIX + objectKey(p));
    },
  });
  pods.addHandler({
    add: (p) => {
      const key = jobKeyOf(p);
      if (key) expectations.creationObserved(key);
      onPod(p);
    },
    update: (old, p) => {
      const key = jobKeyOf(p);
      if (key && p.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) expectations.deletionObserved(key, p.metadata.uid ?? '');
      removalSeen(p);
      if (jobKeyOf(old) !== key) onPod(old);
      onPod(p);
    },
    delete: (p) => {
      const key = jobKeyOf(p);
      if (key) expectations.deletionObserved(key, p.metadata?.uid ?? '');
      if (key) finalizerRemovals.get(key)?.delete(p.metadata?.uid ?? '');
      if (key) queue.add(key);
    },
  });
  return {
    name: 'job-controller',
    async run(signal) {
      signal.addEventListener('abort', () => requeue.stop(), { once: true });
      await runWorkers({ name: 'job-controller', queue, workers: 4, reconcile: (key) => syncJob(deps, key), log: ctx.log }, signal);
    },
  };
}

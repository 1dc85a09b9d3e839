// The TTL-after-finished controller (upstream's pkg/controller/ttlafterfinished): deletes a
// finished Job, cascading in the foreground, once ttlSecondsAfterFinished has passed since the
// transition of its Complete or Failed condition.

import { isNotFound, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import { realClock, WorkQueue, type Clock } from '../../client/workqueue.js';
import { enqueueSelf, runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { DelayedRequeue } from './delayed-requeue.js';
import { isJobFinished } from './sync-plan.js';
import type { Job } from './types.js';

/** When the Job's TTL runs out (ms since the epoch), or undefined if it never does. */
export function ttlExpiry(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (typeof ttl !== 'number' || job.metadata?.deletionTimestamp) return undefined;
  const cond = isJobFinished(job);
  if (!cond?.lastTransitionTime) return undefined;
  return Date.parse(cond.lastTransitionTime) + ttl * 1000;
}

async function syncTTL(jobs: Informer<Job>, client: ResourceClient<Job>, clock: Clock, requeue: DelayedRequeue, key: string): Promise<void> {
  const cached = jobs.get(key);
  if (!cached) return;
  const at = ttlExpiry(cached);
  if (at === undefined) return;
  if (clock.now() < at) return requeue.after(key, at - clock.now());
  // The cache may lag behind a TTL change: decide on the stored Job.
  let fresh: Job;
  try {
    fresh = await client.get(cached.metadata?.namespace, cached.metadata?.name ?? '');
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  const freshAt = ttlExpiry(fresh);
  if (freshAt === undefined) return;
  if (clock.now() < freshAt) return requeue.after(key, freshAt - clock.now());
  try {
    await client.delete(fresh.metadata?.namespace, fresh.metadata?.name ?? '', { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata?.uid } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export function ttlAfterFinishedController(ctx: ControllerContext): Controller {
  const jobs = ctx.informers.informer<Job>('jobs');
  const queue = new WorkQueue(realClock);
  const requeue = new DelayedRequeue(queue, ctx.clock);
  const client = ctx.clients.resource<Job>('jobs');
  const h = enqueueSelf(queue);
  jobs.addHandler({ add: (j) => ttlExpiry(j) !== undefined && h.add(j), update: (o, j) => ttlExpiry(j) !== undefined && h.update(o, j) });
  return {
    name: 'ttl-after-finished-controller',
    async run(signal) {
      signal.addEventListener('abort', () => requeue.stop(), { once: true });
      await runWorkers({ name: 'ttl-after-finished-controller', queue, workers: 2, reconcile: (key) => syncTTL(jobs, client, ctx.clock, requeue, key), log: ctx.log }, signal);
    },
  };
}

// The CronJob controller (upstream's pkg/controller/cronjob, controllerv2): starts Jobs on a
// cron schedule in the CronJob's time zone, on the injected clock.

import { realClock, WorkQueue } from '../../client/workqueue.js';
import { controllerRef, enqueueOwner, enqueueSelf, runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { DelayedRequeue } from '../job/delayed-requeue.js';
import type { Job } from '../job/types.js';
import type { CronJob } from './job-from-template.js';
import { JOBS_BY_CRONJOB_UID, syncCronJob } from './reconcile.js';

export function cronJobController(ctx: ControllerContext): Controller {
  const cronJobs = ctx.informers.informer<CronJob>('cronjobs');
  const jobs = ctx.informers.informer<Job>('jobs');
  jobs.addIndexer(JOBS_BY_CRONJOB_UID, (j) => {
    const ref = controllerRef(j);
    return ref && ref.kind === 'CronJob' ? [ref.uid] : [];
  });
  const queue = new WorkQueue(realClock);
  const requeue = new DelayedRequeue(queue, ctx.clock);
  cronJobs.addHandler(enqueueSelf(queue));
  jobs.addHandler(enqueueOwner(queue, 'CronJob'));
  const deps = {
    cronJobs,
    jobs,
    cronJobClient: ctx.clients.resource<CronJob>('cronjobs'),
    jobClient: ctx.clients.resource<Job>('jobs'),
    recorder: ctx.recorder('cronjob-controller'),
    clock: ctx.clock,
    requeueAfter: (key: string, ms: number) => requeue.after(key, ms),
    written: new Map<string, string>(),
  };
  return {
    name: 'cronjob-controller',
    async run(signal) {
      signal.addEventListener('abort', () => requeue.stop(), { once: true });
      await runWorkers({ name: 'cronjob-controller', queue, workers: 2, reconcile: (key) => syncCronJob(deps, key), log: ctx.log }, signal);
    },
  };
}

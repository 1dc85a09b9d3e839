// In-process tests of the CronJob controller on a fake clock.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { FakeClock } from '../../client/fake-clock.js';
import type { Job } from '../job/types.js';
import { cronJobController } from './index.js';
import type { CronJob } from './job-from-template.js';

const MIN = 60_000;

async function setup() {
  // Real time at the start: the API server stamps creationTimestamp with it.
  const clock = new FakeClock(Date.now());
  const env = await controllerTestEnv({ clock });
  await env.start(cronJobController(env.ctx));
  return { env, clock };
}

function cronJob(name: string, spec: Record<string, unknown> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    } as CronJob['spec'],
  };
}

/**
 * Moves the fake clock to one second past the next minute boundary. Never behind real time: the
 * API server stamps creationTimestamp with the real clock, and a CronJob schedules nothing before it.
 */
function nextMinute(clock: FakeClock): number {
  const at = Math.floor(Math.max(clock.now(), Date.now()) / MIN) * MIN + MIN;
  clock.set(at + 1000);
  return at;
}

const jobsOf = async (env: ControllerTestEnv, cj: string) =>
  (await env.clients.resource<Job>('jobs').list('default')).items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === cj && !j.metadata?.deletionTimestamp).sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));

async function finishJob(env: ControllerTestEnv, name: string, type: 'Complete' | 'Failed', at: number) {
  const ts = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const conds =
    type === 'Complete'
      ? [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: ts, lastTransitionTime: ts }, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: ts, lastTransitionTime: ts }]
      : [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: ts, lastTransitionTime: ts }, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: ts, lastTransitionTime: ts }];
  const status: Record<string, unknown> = { startTime: ts, conditions: conds, ...(type === 'Complete' ? { completionTime: ts, succeeded: 1 } : { failed: 1 }) };
  await env.clients.resource('jobs').patch('default', name, 'merge', { status }, { subresource: 'status' });
}

async function events(env: ControllerTestEnv, name: string): Promise<string[]> {
  const list = await env.clients.resource('events').list('default');
  return (list.items as KubeObject[]).filter((e) => (e.involvedObject as { name?: string }).name === name).map((e) => `${e.reason}: ${e.message}`);
}

const waitJobs = (env: ControllerTestEnv, cj: string, n: number) =>
  env.eventually(async () => {
    const js = await jobsOf(env, cj);
    return js.length === n ? js : undefined;
  });

describe('cronjob controller', () => {
  test('creates a Job per scheduled time and tracks it', async () => {
    const { env, clock } = await setup();
    try {
      await env.clients.resource<CronJob>('cronjobs').create(cronJob('hello', { timeZone: 'Asia/Tokyo' }));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await jobsOf(env, 'hello')).length, 0);
      const at = nextMinute(clock);
      const [job] = await waitJobs(env, 'hello', 1);
      assert.equal(job.metadata!.name, `hello-${at / MIN}`);
      assert.equal(job.metadata!.labels!.app, 'hello');
      const stamp = job.metadata!.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'];
      assert.match(stamp, /\+09:00$/);
      assert.equal(Date.parse(stamp), at);
      assert.deepEqual({ ...job.metadata!.ownerReferences![0], uid: '' }, { apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: '', controller: true, blockOwnerDeletion: true });
      const cj = await env.eventually(async () => {
        const c = await env.clients.resource<CronJob>('cronjobs').get('default', 'hello');
        return c.status?.active?.length === 1 ? c : undefined;
      });
      assert.equal(cj.status!.active![0].name, job.metadata!.name);
      assert.equal(Date.parse(cj.status!.lastScheduleTime!), at);
      await finishJob(env, job.metadata!.name!, 'Complete', at + 5000);
      const done = await env.eventually(async () => {
        const c = await env.clients.resource<CronJob>('cronjobs').get('default', 'hello');
        return !c.status?.active && c.status?.lastSuccessfulTime ? c : undefined;
      });
      assert.equal(Date.parse(done.status!.lastSuccessfulTime!), at + 5000);
      const evs = await env.eventually(async () => {
        const e = await events(env, 'hello');
        return e.some((x) => x.startsWith('SawCompletedJob')) ? e : undefined;
      });
      assert.ok(evs.includes(`SuccessfulCreate: Created job hello-${at / MIN}`));
      assert.ok(evs.includes(`SawCompletedJob: Saw completed job: hello-${at / MIN}, condition: Complete`));
      nextMinute(clock);
      await waitJobs(env, 'hello', 2);
    } finally {
      await env.stop();
    }
  });

  test('Forbid skips while a Job runs; Replace replaces it', async () => {
    const { env, clock } = await setup();
    try {
      await env.clients.resource<CronJob>('cronjobs').create(cronJob('fb', { concurrencyPolicy: 'Forbid' }));
      await env.clients.resource<CronJob>('cronjobs').create(cronJob('rp', { concurrencyPolicy: 'Replace' }));
      nextMinute(clock);
      const [f1] = await waitJobs(env, 'fb', 1);
      const [r1] = await waitJobs(env, 'rp', 1);
      await env.eventually(async () => (await env.clients.resource<CronJob>('cronjobs').get('default', 'rp')).status?.active?.length === 1);
      await env.eventually(async () => (await env.clients.resource<CronJob>('cronjobs').get('default', 'fb')).status?.active?.length === 1);
      const at2 = nextMinute(clock);
      await env.eventually(async () => (await events(env, 'fb')).includes('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'));
      assert.deepEqual((await jobsOf(env, 'fb')).map((j) => j.metadata!.name), [f1.metadata!.name]);
      const rs = await env.eventually(async () => {
        const js = await jobsOf(env, 'rp');
        return js.length === 1 && js[0].metadata!.name !== r1.metadata!.name ? js : undefined;
      });
      assert.equal(rs[0].metadata!.name, `rp-${at2 / MIN}`);
      await env.eventually(async () => (await events(env, 'rp')).includes(`SuccessfulDelete: Deleted job ${r1.metadata!.name}`));
    } finally {
      await env.stop();
    }
  });

  test('history limits delete the oldest finished Jobs', async () => {
    const { env, clock } = await setup();
    try {
      await env.clients.resource<CronJob>('cronjobs').create(cronJob('hist', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
      const names: string[] = [];
      for (let i = 0; i < 3; i++) {
        const at = nextMinute(clock);
        const name = `hist-${at / MIN}`;
        await env.eventually(async () => (await jobsOf(env, 'hist')).some((j) => j.metadata!.name === name));
        await env.eventually(async () => (await env.clients.resource<CronJob>('cronjobs').get('default', 'hist')).status?.active?.some((a) => a.name === name));
        await finishJob(env, name, i === 2 ? 'Failed' : 'Complete', at + i * 1000);
        names.push(name);
      }
      const left = await env.eventually(async () => {
        const js = (await jobsOf(env, 'hist')).map((j) => j.metadata!.name);
        return js.length === 2 ? js : undefined;
      });
      assert.deepEqual(left, [names[1], names[2]]);
      await env.eventually(async () => (await events(env, 'hist')).includes(`SuccessfulDelete: Deleted job ${names[0]}`));
    } finally {
      await env.stop();
    }
  });

  test('suspend and startingDeadlineSeconds', async () => {
    const { env, clock } = await setup();
    try {
      await env.clients.resource<CronJob>('cronjobs').create(cronJob('sus', { suspend: true, startingDeadlineSeconds: 10 }));
      nextMinute(clock);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await jobsOf(env, 'sus')).length, 0);
      // Resumed 30 s after the scheduled time: too late for a 10 s deadline.
      clock.advance(29_000);
      await env.clients.resource('cronjobs').patch('default', 'sus', 'merge', { spec: { suspend: false } });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await jobsOf(env, 'sus')).length, 0);
      const at = nextMinute(clock);
      const [j] = await waitJobs(env, 'sus', 1);
      assert.equal(j.metadata!.name, `sus-${at / MIN}`);
    } finally {
      await env.stop();
    }
  });
});

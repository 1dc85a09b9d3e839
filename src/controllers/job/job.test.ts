// In-process tests of the Job and TTL-after-finished controllers against a real API server.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import type { KubeObject } from '../../api/object.js';
import { FakeClock } from '../../client/fake-clock.js';
import { jobController, ttlAfterFinishedController } from './index.js';
import type { Job, JobCondition, Pod } from './types.js';

type PodSpec = { hostname?: string; containers: { env?: { name: string }[] }[] };

const T0 = Date.parse('2025-01-01T00:00:00Z');

function jobManifest(name: string, spec: Record<string, unknown> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
  };
}

async function setup(clock = new FakeClock(T0)) {
  const env = await controllerTestEnv({ clock });
  await env.start(jobController(env.ctx), ttlAfterFinishedController(env.ctx));
  return { env, clock };
}

const jobs = (env: ControllerTestEnv) => env.clients.resource<Job>('jobs');
const podsOf = async (env: ControllerTestEnv, job: string) =>
  (await env.clients.resource<Pod>('pods').list('default', { labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;
const activePods = async (env: ControllerTestEnv, job: string) =>
  (await podsOf(env, job)).filter((p) => !p.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes((p.status as { phase?: string } | undefined)?.phase ?? ''));

async function finish(env: ControllerTestEnv, pod: Pod, phase: 'Succeeded' | 'Failed', exitCode = phase === 'Succeeded' ? 0 : 1, at = T0) {
  await env.clients.resource('pods').patch('default', pod.metadata!.name!, 'merge', {
    status: { phase, containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: new Date(at).toISOString().replace(/\.\d+Z/, 'Z') } } }] },
  }, { subresource: 'status' });
}

const cond = (j: Job, type: string): JobCondition | undefined => j.status?.conditions?.find((c) => c.type === type && c.status === 'True');

async function waitJob(env: ControllerTestEnv, name: string, check: (j: Job) => boolean): Promise<Job> {
  return env.eventually(async () => {
    const j = await jobs(env).get('default', name);
    return check(j) ? j : undefined;
  });
}

async function events(env: ControllerTestEnv, name: string): Promise<string[]> {
  const list = await env.clients.resource('events').list('default');
  return (list.items as KubeObject[]).filter((e) => (e.involvedObject as { name?: string }).name === name).map((e) => `${e.reason}: ${e.message}`);
}

describe('job controller', () => {
  test('a Job completes after its pod succeeds', async () => {
    const { env } = await setup();
    try {
      await jobs(env).create(jobManifest('pi'));
      const [pod] = await env.eventually(async () => {
        const ps = await podsOf(env, 'pi');
        return ps.length === 1 ? ps : undefined;
      });
      assert.match(pod.metadata!.name!, /^pi-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata!.finalizers, ['batch.kubernetes.io/job-tracking']);
      const ref = pod.metadata!.ownerReferences![0];
      assert.equal(ref.kind, 'Job');
      assert.equal(ref.controller, true);
      assert.equal(ref.blockOwnerDeletion, true);
      const running = await waitJob(env, 'pi', (j) => j.status?.active === 1);
      assert.ok(running.status?.startTime);
      assert.equal(running.status?.ready, 0);

      await finish(env, pod, 'Succeeded');
      const done = await waitJob(env, 'pi', (j) => !!cond(j, 'Complete'));
      assert.equal(done.status?.succeeded, 1);
      assert.equal(done.status?.active, undefined);
      assert.ok(done.status?.completionTime);
      assert.deepEqual(done.status?.uncountedTerminatedPods, {});
      assert.deepEqual(done.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
        ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
        ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ]);
      const p = await env.clients.resource<Pod>('pods').get('default', pod.metadata!.name!);
      assert.deepEqual(p.metadata?.finalizers ?? [], []);
      const evs = await env.eventually(async () => {
        const e = await events(env, 'pi');
        return e.includes('Completed: Job completed') ? e : undefined;
      });
      assert.ok(evs.includes(`SuccessfulCreate: Created pod: ${pod.metadata!.name}`));
    } finally {
      await env.stop();
    }
  });

  test('parallelism and completions', async () => {
    const { env } = await setup();
    try {
      await jobs(env).create(jobManifest('par', { completions: 5, parallelism: 2 }));
      for (let done = 0; done < 5; ) {
        const act = await env.eventually(async () => {
          const a = await activePods(env, 'par');
          return a.length === Math.min(2, 5 - done) ? a : undefined;
        });
        await finish(env, act[0], 'Succeeded');
        done++;
        await waitJob(env, 'par', (j) => (j.status?.succeeded ?? 0) === done);
      }
      const j = await waitJob(env, 'par', (x) => !!cond(x, 'Complete'));
      assert.equal(j.status?.succeeded, 5);
      assert.equal((await podsOf(env, 'par')).length, 5);
    } finally {
      await env.stop();
    }
  });

  test('backoffLimit with exponential back-off, then BackoffLimitExceeded', async () => {
    const { env, clock } = await setup();
    try {
      await jobs(env).create(jobManifest('bo', { backoffLimit: 2 }));
      const first = await env.eventually(async () => (await activePods(env, 'bo'))[0]);
      await finish(env, first, 'Failed');
      await waitJob(env, 'bo', (j) => j.status?.failed === 1);
      // No replacement during the 10 s back-off.
      clock.advance(9_000);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await activePods(env, 'bo')).length, 0);
      clock.advance(1_000);
      const second = await env.eventually(async () => (await activePods(env, 'bo'))[0]);
      await finish(env, second, 'Failed', 1, clock.now());
      await waitJob(env, 'bo', (j) => j.status?.failed === 2);
      clock.advance(19_000);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await activePods(env, 'bo')).length, 0, 'second back-off is 20 s');
      clock.advance(1_000);
      const third = await env.eventually(async () => (await activePods(env, 'bo'))[0]);
      await finish(env, third, 'Failed', 1, clock.now());
      const j = await waitJob(env, 'bo', (x) => !!cond(x, 'Failed'));
      assert.equal(j.status?.failed, 3);
      assert.deepEqual([cond(j, 'Failed')?.reason, cond(j, 'Failed')?.message], ['BackoffLimitExceeded', 'Job has reached the specified backoff limit']);
      assert.ok(cond(j, 'FailureTarget'));
      assert.equal(j.status?.completionTime, undefined);
      await env.eventually(async () => (await events(env, 'bo')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'));
    } finally {
      await env.stop();
    }
  });

  test('activeDeadlineSeconds fails the Job and deletes its pods', async () => {
    const { env, clock } = await setup();
    try {
      await jobs(env).create(jobManifest('dl', { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
      await env.eventually(async () => (await activePods(env, 'dl')).length === 2);
      clock.advance(30_000);
      const j = await waitJob(env, 'dl', (x) => !!cond(x, 'Failed'));
      assert.deepEqual([cond(j, 'Failed')?.reason, cond(j, 'Failed')?.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
      assert.equal(j.status?.failed, 2);
      assert.equal(j.status?.active, undefined);
      await env.eventually(async () => (await podsOf(env, 'dl')).length === 0);
      await env.eventually(async () => (await events(env, 'dl')).includes('DeadlineExceeded: Job was active longer than specified deadline'));
    } finally {
      await env.stop();
    }
  });

  test('Indexed completion mode', async () => {
    const { env, clock } = await setup();
    try {
      await jobs(env).create(jobManifest('ix', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
      const ps = await env.eventually(async () => {
        const a = await activePods(env, 'ix');
        return a.length === 3 ? a : undefined;
      });
      const byIndex = new Map(ps.map((p) => [p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'], p]));
      assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
      const p1 = byIndex.get('1')!;
      assert.match(p1.metadata!.name!, /^ix-1-[a-z0-9]{5}$/);
      assert.equal(p1.metadata!.labels!['batch.kubernetes.io/job-completion-index'], '1');
      assert.equal((p1.spec as PodSpec).hostname, 'ix-1');
      const env0 = ((p1.spec as PodSpec).containers[0].env ?? []).map((e) => e.name);
      assert.deepEqual(env0, ['JOB_COMPLETION_INDEX']);
      await finish(env, p1, 'Succeeded');
      await waitJob(env, 'ix', (j) => j.status?.completedIndexes === '1');
      await finish(env, byIndex.get('2')!, 'Succeeded');
      await waitJob(env, 'ix', (j) => j.status?.completedIndexes === '1-2');
      await finish(env, byIndex.get('0')!, 'Failed', 1, clock.now());
      await waitJob(env, 'ix', (j) => j.status?.failed === 1);
      // The failed index waits for the pod failure back-off: 10 s on the fake clock.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await activePods(env, 'ix')).length, 0);
      clock.advance(10_000);
      const again = await env.eventually(async () => (await activePods(env, 'ix'))[0]);
      assert.match(again.metadata!.name!, /^ix-0-/);
      await finish(env, again, 'Succeeded');
      const j = await waitJob(env, 'ix', (x) => !!cond(x, 'Complete'));
      assert.equal(j.status?.completedIndexes, '0-2');
      assert.equal(j.status?.succeeded, 3);
    } finally {
      await env.stop();
    }
  });

  test('suspend deletes active pods and resume restarts them', async () => {
    const { env } = await setup();
    try {
      await jobs(env).create(jobManifest('sus', { parallelism: 2, completions: 2 }));
      await env.eventually(async () => (await activePods(env, 'sus')).length === 2);
      await jobs(env).patch('default', 'sus', 'merge', { spec: { suspend: true } });
      const j = await waitJob(env, 'sus', (x) => !!cond(x, 'Suspended') && !x.status?.active);
      assert.deepEqual([cond(j, 'Suspended')?.reason, cond(j, 'Suspended')?.message], ['JobSuspended', 'Job suspended']);
      await env.eventually(async () => (await activePods(env, 'sus')).length === 0);
      await jobs(env).patch('default', 'sus', 'merge', { spec: { suspend: false } });
      const r = await waitJob(env, 'sus', (x) => x.status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'False') ?? false);
      assert.equal(r.status?.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
      await env.eventually(async () => (await activePods(env, 'sus')).length === 2);
    } finally {
      await env.stop();
    }
  });

  test('ttlSecondsAfterFinished deletes the finished Job', async () => {
    const { env, clock } = await setup();
    try {
      await jobs(env).create(jobManifest('ttl', { ttlSecondsAfterFinished: 60 }));
      const pod = await env.eventually(async () => (await activePods(env, 'ttl'))[0]);
      await finish(env, pod, 'Succeeded');
      await waitJob(env, 'ttl', (j) => !!cond(j, 'Complete'));
      await new Promise((r) => setTimeout(r, 50));
      clock.advance(59_000);
      await new Promise((r) => setTimeout(r, 50));
      await jobs(env).get('default', 'ttl');
      clock.advance(1_000);
      await env.eventually(async () => {
        try {
          const j = await jobs(env).get('default', 'ttl');
          return !!j.metadata?.deletionTimestamp;
        } catch {
          return true;
        }
      });
    } finally {
      await env.stop();
    }
  });

  test('podFailurePolicy FailJob and Ignore', async () => {
    const { env } = await setup();
    try {
      await jobs(env).create(jobManifest('pfp', {
        backoffLimit: 6,
        podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } }, { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } }] },
      }));
      const p = await env.eventually(async () => (await activePods(env, 'pfp'))[0]);
      await finish(env, p, 'Failed', 3);
      const p2 = await env.eventually(async () => (await activePods(env, 'pfp')).find((x) => x.metadata?.uid !== p.metadata?.uid));
      let j = await jobs(env).get('default', 'pfp');
      assert.equal(j.status?.failed, undefined, 'an ignored failure is not counted');
      await finish(env, p2, 'Failed', 42);
      j = await waitJob(env, 'pfp', (x) => !!cond(x, 'Failed'));
      assert.equal(cond(j, 'Failed')?.reason, 'PodFailurePolicy');
      assert.equal(cond(j, 'Failed')?.message, `Container c for pod default/${p2.metadata!.name} failed with exit code 42 matching FailJob rule at index 1`);
    } finally {
      await env.stop();
    }
  });
});

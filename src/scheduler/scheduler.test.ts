import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv, type ControllerTestEnv } from '../controllers/framework/testing.js';
import { scheduler } from './scheduler.js';
import type { KubeObject } from '../api/object.js';

const node = (name: string, cpu: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: { allocatable: { cpu, memory: '8Gi', pods: '110' }, capacity: { cpu, memory: '8Gi', pods: '110' } },
});

const pod = (name: string, cpu: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }], ...spec },
});

describe('scheduler (in-process)', () => {
  let env: ControllerTestEnv;
  before(async () => {
    env = await controllerTestEnv();
    const nodes = env.clients.resource('nodes');
    await nodes.create(node('small', '1'));
    await nodes.create(node('big', '4'));
    await nodes.create(node('labelled', '1', { disk: 'ssd' }));
    await env.start(scheduler(env.ctx, { queue: { initialBackoffMs: 10, maxBackoffMs: 20 } }));
  });
  after(() => env.stop());

  const pods = () => env.clients.resource('pods');
  const boundTo = (name: string) =>
    env.eventually(async () => {
      const p = await pods().get('default', name);
      return (p.spec as { nodeName?: string }).nodeName;
    });

  test('binds a pod to the node that fits and records Scheduled', async () => {
    await pods().create(pod('needs-two', '2'));
    assert.equal(await boundTo('needs-two'), 'big');
    const p = await pods().get('default', 'needs-two');
    const cond = (p.status as { conditions: { type: string; status: string }[] }).conditions.find((c) => c.type === 'PodScheduled');
    assert.equal(cond?.status, 'True');
    const ev = await env.eventually(async () => (await env.clients.resource('events').list('default')).items.find((e) => e.reason === 'Scheduled' && (e.involvedObject as { name: string }).name === 'needs-two'));
    assert.equal(ev.message, 'Successfully assigned default/needs-two to big');
  });

  test('nodeSelector narrows the choice', async () => {
    await pods().create(pod('ssd', '100m', { nodeSelector: { disk: 'ssd' } }));
    assert.equal(await boundTo('ssd'), 'labelled');
  });

  test('consecutive pods do not overcommit a node before the informer catches up', async () => {
    // 'big' has 2 of 4 cpus left: two 1-cpu pods fit there, plus one on each 1-cpu node (ssd took 100m of labelled).
    for (let i = 0; i < 3; i++) await pods().create(pod(`one-${i}`, '900m'));
    const placed = await Promise.all([0, 1, 2].map((i) => boundTo(`one-${i}`)));
    const count = (n: string) => placed.filter((x) => x === n).length;
    assert.ok(count('big') <= 2 && count('small') <= 1 && count('labelled') <= 1, placed.join(','));
  });

  test('a pod that fits nowhere stays Pending with upstream condition and event text', async () => {
    await pods().create(pod('huge', '3', { nodeSelector: { disk: 'ssd' } }));
    const want = "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
    const cond = await env.eventually(async () => {
      const p = await pods().get('default', 'huge');
      return (p.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled');
    });
    assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: 'False', reason: 'Unschedulable', message: want });
    const ev = await env.eventually(async () => (await env.clients.resource('events').list('default')).items.find((e) => e.reason === 'FailedScheduling' && (e.involvedObject as { name: string }).name === 'huge'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, want);
    assert.equal(((await pods().get('default', 'huge')).status as { phase: string }).phase, 'Pending');
  });

  test('an unschedulable pod is retried when a node that fits appears', async () => {
    await pods().create(pod('waits', '6'));
    await env.eventually(async () => ((await pods().get('default', 'waits')).status as { conditions?: { reason?: string }[] }).conditions?.some((c) => c.reason === 'Unschedulable'));
    await env.clients.resource('nodes').create(node('huge-node', '8'));
    assert.equal(await boundTo('waits'), 'huge-node');
  });

  test('pods of another scheduler are left alone', async () => {
    await pods().create(pod('other', '100m', { schedulerName: 'my-scheduler' }));
    // The queue is first-in first-out: once a later pod is bound, the earlier one was seen and skipped.
    await pods().create(pod('later', '100m'));
    await boundTo('later');
    assert.equal(((await pods().get('default', 'other')).spec as { nodeName?: string }).nodeName, undefined);
  });
});

describe('scheduler with no nodes', () => {
  test('reports that no nodes are available', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(scheduler(env.ctx));
      await env.clients.resource('pods').create(pod('lonely', '1'));
      const cond = await env.eventually(async () => ((await env.clients.resource('pods').get('default', 'lonely')).status as { conditions?: { type: string; message?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled'));
      assert.equal(cond.message, 'no nodes available to schedule pods');
    } finally {
      await env.stop();
    }
  });
});

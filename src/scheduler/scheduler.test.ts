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

describe('scheduler: required pod affinity (in-process)', () => {
  let env: ControllerTestEnv;
  const ZONE = 'topology.kubernetes.io/zone';
  before(async () => {
    env = await controllerTestEnv();
    const nodes = env.clients.resource('nodes');
    await nodes.create(node('a', '4', { [ZONE]: 'z1' }));
    await nodes.create(node('b', '4', { [ZONE]: 'z2' }));
    await nodes.create(node('c', '4', { [ZONE]: 'z2' }));
    await env.start(scheduler(env.ctx, { queue: { initialBackoffMs: 10, maxBackoffMs: 20 } }));
  });
  after(() => env.stop());

  const pods = () => env.clients.resource('pods');
  const labelled = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => {
    const p = pod(name, '100m', spec);
    (p.metadata as { labels?: Record<string, string> }).labels = labels;
    return p;
  };
  const affinity = (app: string, topologyKey: string) => ({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey }] } } });
  const boundTo = (name: string) => env.eventually(async () => ((await pods().get('default', name)).spec as { nodeName?: string }).nodeName);

  test('lands on the node of the pod it is affine to (hostname)', async () => {
    await pods().create(labelled('db', { app: 'db' }, { nodeName: 'b' }));
    await pods().create(labelled('web', { app: 'web' }, affinity('db', 'kubernetes.io/hostname')));
    assert.equal(await boundTo('web'), 'b');
  });

  test('lands in the zone of the pod it is affine to', async () => {
    await pods().create(labelled('cache', { app: 'cache' }, { nodeName: 'a' }));
    for (let i = 0; i < 3; i++) await pods().create(labelled(`near-${i}`, { app: 'near' }, affinity('cache', ZONE)));
    for (let i = 0; i < 3; i++) assert.equal(await boundTo(`near-${i}`), 'a');
  });

  test('the first pod of a self-affine group schedules and the next follows it', async () => {
    await pods().create(labelled('g-0', { app: 'group' }, affinity('group', 'kubernetes.io/hostname')));
    const first = await boundTo('g-0');
    await pods().create(labelled('g-1', { app: 'group' }, affinity('group', 'kubernetes.io/hostname')));
    assert.equal(await boundTo('g-1'), first);
  });

  test('affinity to nothing stays Pending with upstream text, and schedules once a match appears', async () => {
    await pods().create(labelled('lonely', { app: 'web' }, affinity('missing', 'kubernetes.io/hostname')));
    const want = "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const cond = await env.eventually(async () => ((await pods().get('default', 'lonely')).status as { conditions?: { type: string; reason?: string; message?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'));
    assert.equal(cond.message, want);
    const ev = await env.eventually(async () => (await env.clients.resource('events').list('default')).items.find((e) => e.reason === 'FailedScheduling' && (e.involvedObject as { name: string }).name === 'lonely'));
    assert.equal(ev.message, want);
    await pods().create(labelled('missing', { app: 'missing' }, { nodeName: 'c' }));
    assert.equal(await boundTo('lonely'), 'c');
  });
});

describe('scheduler: topology spread DoNotSchedule (in-process)', () => {
  let env: ControllerTestEnv;
  const ZONE = 'topology.kubernetes.io/zone';
  const zoneOf: Record<string, string> = { 'z1-a': 'z1', 'z1-b': 'z1', 'z2-a': 'z2', 'z3-a': 'z3' };
  before(async () => {
    env = await controllerTestEnv();
    const nodes = env.clients.resource('nodes');
    for (const [name, zone] of Object.entries(zoneOf)) await nodes.create(node(name, '8', { [ZONE]: zone }));
    await nodes.create(node('nozone', '8'));
    await env.start(scheduler(env.ctx, { queue: { initialBackoffMs: 10, maxBackoffMs: 20 } }));
  });
  after(() => env.stop());

  const pods = () => env.clients.resource('pods');
  const spread = (name: string, app: string, constraint: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => {
    const p = pod(name, '100m', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } }, ...constraint }], ...spec });
    (p.metadata as { labels?: Record<string, string> }).labels = { app };
    return p;
  };
  const boundTo = (name: string) => env.eventually(async () => ((await pods().get('default', name)).spec as { nodeName?: string }).nodeName);
  const unschedulable = (name: string) =>
    env.eventually(async () => ((await pods().get('default', name)).status as { conditions?: { type: string; reason?: string; message?: string }[] }).conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')?.message);
  const zoneCounts = (nodes: string[]) => {
    const m: Record<string, number> = {};
    for (const n of nodes) m[zoneOf[n] ?? n] = (m[zoneOf[n] ?? n] ?? 0) + 1;
    return m;
  };

  test('maxSkew 1 over 3 zones spreads 6 pods 2/2/2, then never two ahead', async () => {
    for (let i = 0; i < 6; i++) await pods().create(spread(`s-${i}`, 'spread', {}));
    const six = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => boundTo(`s-${i}`)));
    assert.deepEqual(zoneCounts(six), { z1: 2, z2: 2, z3: 2 });
    for (let i = 6; i < 8; i++) await pods().create(spread(`s-${i}`, 'spread', {}));
    const eight = [...six, await boundTo('s-6'), await boundTo('s-7')];
    const counts = Object.values(zoneCounts(eight)).sort();
    assert.deepEqual(counts, [2, 3, 3]);
  });

  test('a topology key no node has: missing required label on every node', async () => {
    await pods().create(spread('rackless', 'rack', { topologyKey: 'example.com/rack' }));
    assert.equal(
      await unschedulable('rackless'),
      "0/5 nodes are available: 5 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
  });

  test('minDomains above the zone count holds each zone to one pod', async () => {
    for (let i = 0; i < 3; i++) {
      await pods().create(spread(`md-${i}`, 'md', { minDomains: 4 }));
      await boundTo(`md-${i}`);
    }
    const three = await Promise.all([0, 1, 2].map((i) => boundTo(`md-${i}`)));
    assert.deepEqual(zoneCounts(three), { z1: 1, z2: 1, z3: 1 });
    await pods().create(spread('md-3', 'md', { minDomains: 4 }));
    assert.equal(
      await unschedulable('md-3'),
      "0/5 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), 4 node(s) didn't match pod topology spread constraints. preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.",
    );
  });
});

describe('scheduler: preferred pod affinity scoring (in-process)', () => {
  let env: ControllerTestEnv;
  const HOST = 'kubernetes.io/hostname';
  before(async () => {
    env = await controllerTestEnv();
    const nodes = env.clients.resource('nodes');
    // Resources alone would stack every pod on 'big'; only the InterPodAffinity score spreads them.
    await nodes.create(node('big', '32'));
    await nodes.create(node('s1', '2'));
    await nodes.create(node('s2', '2'));
    await env.start(scheduler(env.ctx, { queue: { initialBackoffMs: 10, maxBackoffMs: 20 } }));
  });
  after(() => env.stop());

  const pods = () => env.clients.resource('pods');
  const labelled = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => {
    const p = pod(name, '500m', spec);
    (p.metadata as { labels?: Record<string, string> }).labels = labels;
    return p;
  };
  const prefer = (kind: 'podAffinity' | 'podAntiAffinity', app: string) => ({
    affinity: { [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: HOST } }] } },
  });
  const boundTo = (name: string) => env.eventually(async () => ((await pods().get('default', name)).spec as { nodeName?: string }).nodeName);

  test('replicas with preferred anti-affinity on hostname land on different nodes', async () => {
    for (let i = 0; i < 3; i++) await pods().create(labelled(`rep-${i}`, { app: 'rep' }, prefer('podAntiAffinity', 'rep')));
    const placed = await Promise.all([0, 1, 2].map((i) => boundTo(`rep-${i}`)));
    assert.deepEqual([...placed].sort(), ['big', 's1', 's2']);
  });

  test('preferred affinity to app=db prefers the db pod’s node', async () => {
    await pods().create(labelled('db', { app: 'db' }, { nodeName: 's1' }));
    await boundTo('db');
    await pods().create(labelled('client', { app: 'client' }, prefer('podAffinity', 'db')));
    assert.equal(await boundTo('client'), 's1');
  });
});

// The disruption controller in-process: a real API server and informers; pods and workloads are
// written by the test (no other controllers run), and evictions go through the server.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { disruptionController } from './index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('disruption controller', () => {
  let env: ControllerTestEnv;
  const pdbs = () => env.clients.resource('poddisruptionbudgets');
  const status = async (name: string) => (await pdbs().get('default', name)).status as Json | undefined;
  const mkPod = async (name: string, labels: Record<string, string>, ready = true, owner?: KubeObject & { kind?: string }) => {
    const p = await env.clients.resource('pods').create({
      metadata: { name, namespace: 'default', labels, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true }] } : {}) },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await setReady(p, ready);
  };
  const setReady = async (p: KubeObject, ready: boolean) => {
    const cur = await env.clients.resource('pods').get('default', p.metadata!.name!);
    await env.clients.resource('pods').updateStatus({ ...cur, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
  };
  const evict = async (name: string) => {
    const r = await env.server.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, deleteOptions: { gracePeriodSeconds: 0 } });
    return { status: r.status, body: r.json() as Json };
  };

  before(async () => {
    env = await controllerTestEnv();
    await env.start(disruptionController(env.ctx));
  });
  after(() => env.stop());

  test('minAvailable 2 of 3 Ready pods: one disruption allowed, SufficientPods', async () => {
    for (const n of ['w1', 'w2', 'w3']) await mkPod(n, { app: 'web' });
    await mkPod('w4', { app: 'web' }, false);
    await pdbs().create({ metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    const st = await env.eventually(async () => { const s = await status('web'); return s?.observedGeneration === 1 && s; });
    assert.deepEqual({ ...st, conditions: st.conditions.map((c: Json) => ({ ...c, lastTransitionTime: 'T' })) }, {
      observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 4,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: 'T', reason: 'SufficientPods', message: '' }],
    });
  });

  test('an eviction is charged, the next refused, and the controller settles after the pod is gone', async () => {
    assert.equal((await evict('w1')).status, 201);
    const refused = await evict('w2');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.details.causes[0].message, 'The disruption budget web needs 2 healthy pods and has 3 currently');
    // The budget settles once the evicted pod's deletion has reached the controller's cache.
    const st = await env.eventually(async () => { const s = await status('web'); return s?.expectedPods === 3 && s; });
    assert.deepEqual([st.disruptionsAllowed, st.expectedPods, st.disruptedPods, st.conditions[0].reason], [0, 3, undefined, 'InsufficientPods']);
    // The unready pod turning Ready gives a disruption back.
    await setReady((await env.clients.resource('pods').get('default', 'w4')), true);
    await env.eventually(async () => (await status('web'))?.disruptionsAllowed === 1);
    assert.equal((await evict('w2')).status, 201);
  });

  test('a disrupted pod that is not deleted counts as unhealthy until its entry expires', async () => {
    await mkPod('h1', { app: 'held' });
    await mkPod('h2', { app: 'held' });
    await pdbs().create({ metadata: { name: 'held', namespace: 'default' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'held' } } } });
    // Bare pods with maxUnavailable: the scale is unknown (0 expected), so no disruptions.
    await env.eventually(async () => (await status('held'))?.observedGeneration === 1);
    const cur = await pdbs().get('default', 'held');
    const recent = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const expired = new Date(Date.now() - 3 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await pdbs().updateStatus({ ...cur, status: { ...(cur.status as Json), disruptedPods: { h1: recent, h2: expired } } });
    const st = await env.eventually(async () => { const s = await status('held'); return s?.disruptedPods && Object.keys(s.disruptedPods).length === 1 && s; });
    assert.deepEqual(st.disruptedPods, { h1: recent });
    assert.equal(st.currentHealthy, 1);
  });

  test('percent and maxUnavailable follow the Deployment through its ReplicaSet; a missing controller fails safe', async () => {
    const apps = env.clients;
    const d = await apps.resource('deployments').create({ metadata: { name: 'dep', namespace: 'default' }, spec: { replicas: 4, selector: { matchLabels: { app: 'dep' } }, template: { metadata: { labels: { app: 'dep' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    const rs = await apps.resource('replicasets').create({ metadata: { name: 'dep-1', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'dep', uid: d.metadata!.uid!, controller: true }] }, spec: { replicas: 3, selector: { matchLabels: { app: 'dep' } }, template: { metadata: { labels: { app: 'dep' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    for (const n of ['d1', 'd2', 'd3']) await mkPod(n, { app: 'dep' }, true, { ...rs, kind: 'ReplicaSet' });
    await pdbs().create({ metadata: { name: 'dep', namespace: 'default' }, spec: { minAvailable: '50%', selector: { matchLabels: { app: 'dep' } } } });
    // The pods may reach the controller's cache after the budget: wait for all three.
    const st = await env.eventually(async () => { const s = await status('dep'); return s?.expectedPods === 4 && s?.currentHealthy === 3 && s; });
    assert.deepEqual([st.expectedPods, st.desiredHealthy, st.currentHealthy, st.disruptionsAllowed], [4, 2, 3, 1]);
    const cur = await pdbs().get('default', 'dep');
    await pdbs().update({ ...cur, spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'dep' } } } });
    const st2 = await env.eventually(async () => { const s = await status('dep'); return s?.observedGeneration === 2 && s; });
    assert.deepEqual([st2.expectedPods, st2.desiredHealthy, st2.disruptionsAllowed], [4, 3, 0]);
    // A pod whose controller does not exist: SyncFailed, no disruptions.
    await mkPod('orphan', { app: 'dep' }, true, { metadata: { name: 'ghost', uid: 'nope' }, kind: 'ReplicaSet' });
    const failed = await env.eventually(async () => { const s = await status('dep'); return s?.conditions?.[0]?.reason === 'SyncFailed' && s; });
    assert.equal(failed.disruptionsAllowed, 0);
    assert.equal(failed.conditions[0].message, 'found no controllers for pod "orphan"');
    const events = await env.eventually(async () => {
      const list = await env.clients.resource('events').list('default');
      return list.items.some((e: Json) => e.reason === 'CalculateExpectedPodCountFailed') && list.items;
    });
    const ev = events.find((e: Json) => e.reason === 'CalculateExpectedPodCountFailed') as Json;
    assert.equal(ev.message, 'Failed to calculate the number of expected pods: found no controllers for pod "orphan"');
  });

  test('a stale DisruptionTarget mark on a pod that was not deleted is set to False', async () => {
    await mkPod('s1', { app: 'stale' });
    const cur = await env.clients.resource('pods').get('default', 's1');
    const old = new Date(Date.now() - 3 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const conds = [...((cur.status as Json).conditions as Json[]), { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: old }];
    await env.clients.resource('pods').updateStatus({ ...cur, status: { ...(cur.status as Json), conditions: conds } });
    const c = await env.eventually(async () => {
      const p = await env.clients.resource('pods').get('default', 's1');
      const d = ((p.status as Json).conditions as Json[]).find((x) => x.type === 'DisruptionTarget');
      return d?.status === 'False' && d;
    });
    assert.deepEqual([c.reason, c.message], [undefined, undefined]);
  });

  test('a budget matching no pods: NoPods event, nothing allowed', async () => {
    await pdbs().create({ metadata: { name: 'empty', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'none' } } } });
    const st = await env.eventually(async () => { const s = await status('empty'); return s?.observedGeneration === 1 && s; });
    assert.deepEqual([st.expectedPods, st.currentHealthy, st.disruptionsAllowed], [0, 0, 0]);
    await env.eventually(async () => (await env.clients.resource('events').list('default')).items.some((e: Json) => e.reason === 'NoPods' && e.message === 'No matching pods found' && e.involvedObject.name === 'empty'));
  });
});

// Eviction against PodDisruptionBudgets through the in-process handler: the budget's status
// (set here by hand, as the disruption controller would) decides; and the pure checks.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';
import { budgetsForPod, canIgnoreBudget, chargeBudget } from './eviction.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

describe('eviction checks', () => {
  const p = (phase: string, deleting = false): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' }, ...(deleting ? { deletionTimestamp: 't' } : {}) }, status: { phase } });
  const cases: [string, KubeObject, boolean][] = [
    ['Running pods are guarded', p('Running'), false],
    ['Pending pods are not', p('Pending'), true],
    ['Succeeded pods are not', p('Succeeded'), true],
    ['Failed pods are not', p('Failed'), true],
    ['terminating pods are not', p('Running', true), true],
    ['a pod without a phase is guarded', p(''), false],
  ];
  for (const [name, pod, want] of cases) test(name, () => assert.equal(canIgnoreBudget(pod), want));

  test('budgets match by selector in the namespace; a missing or empty selector matches nothing', () => {
    const b = (name: string, selector: unknown, namespace = 'ns'): KubeObject => ({ metadata: { name, namespace }, spec: selector === undefined ? {} : { selector } });
    const got = budgetsForPod(p('Running'), [b('yes', { matchLabels: { app: 'a' } }), b('other', { matchLabels: { app: 'b' } }), b('empty', {}), b('none', undefined), b('elsewhere', { matchLabels: { app: 'a' } }, 'x'), b('bad', { matchExpressions: [{ key: 'app', operator: 'Nope' }] })]);
    assert.deepEqual(got.map((x) => x.metadata!.name), ['yes']);
  });

  test('charging a budget', () => {
    const pdb = (status: Json, generation = 1): KubeObject => ({ metadata: { name: 'b', generation }, status });
    assert.throws(() => chargeBudget(pdb({ observedGeneration: 1, disruptionsAllowed: 1 }, 2), 'p', 'now'), (e: Json) => e.code === 429 && e.details.causes[0].message === 'The disruption budget b is still being processed by the server.' && e.details.retryAfterSeconds === 10);
    assert.throws(() => chargeBudget(pdb({ observedGeneration: 1, disruptionsAllowed: 0, desiredHealthy: 2, currentHealthy: 2 }), 'p', 'now'), (e: Json) => e.code === 429 && e.details.causes[0].message === 'The disruption budget b needs 2 healthy pods and has 2 currently' && e.details.retryAfterSeconds === undefined);
    assert.throws(() => chargeBudget(pdb({ observedGeneration: 1, disruptionsAllowed: -1 }), 'p', 'now'), (e: Json) => e.code === 403 && e.message === 'poddisruptionbudget.policy "b" is forbidden: pdb disruptions allowed is negative');
    const st = chargeBudget(pdb({ observedGeneration: 1, disruptionsAllowed: 2, disruptedPods: { q: 'then' } }), 'p', 'now');
    assert.deepEqual([st.disruptionsAllowed, st.disruptedPods, st.conditions], [1, { q: 'then', p: 'now' }, undefined]);
    const last = chargeBudget(pdb({ observedGeneration: 1, disruptionsAllowed: 1 }), 'p', 'now');
    assert.deepEqual(last.conditions, [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: 'now', reason: 'InsufficientPods', message: '' }]);
  });
});

describe('eviction with PodDisruptionBudgets through the handler', () => {
  let s: TestServer;
  const req = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const r = await s.request(method, path, body, headers);
    return { status: r.status, body: r.json() as Json };
  };
  const mkPod = async (name: string, labels: Record<string, string>, phase = 'Running', ready = true) => {
    assert.equal((await req('POST', `${NS}/pods`, { metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })).status, 201);
    const st = await req('PATCH', `${NS}/pods/${name}/status`, { status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(st.status, 200);
  };
  const mkPdb = async (name: string, app: string, status?: Json, extra: Json = {}) => {
    assert.equal((await req('POST', PDBS, { metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } }, ...extra } })).status, 201);
    if (status) await setStatus(name, status);
  };
  const setStatus = async (name: string, status: Json) => {
    const r = await req('PATCH', `${PDBS}/${name}/status`, { status: { observedGeneration: 1, expectedPods: 3, ...status } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const evict = (name: string, query = '', deleteOptions: Json = { gracePeriodSeconds: 0 }) => req('POST', `${NS}/pods/${name}/eviction${query}`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, deleteOptions });
  const exists = async (name: string) => (await req('GET', `${NS}/pods/${name}`)).status === 200;

  before(async () => {
    s = await testServer(new MemoryStore());
  });

  test('a budget the controller has not processed refuses with 429 and retry-after 10', async () => {
    await mkPod('u1', { app: 'u' });
    await mkPdb('u', 'u');
    const r = await evict('u1');
    assert.equal(r.status, 429);
    assert.deepEqual(r.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "Cannot evict pod as it would violate the pod's disruption budget.", reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget u is still being processed by the server.' }], retryAfterSeconds: 10 }, code: 429,
    });
    assert.ok(await exists('u1'));
  });

  test('an allowing budget is charged before the pod goes; then it refuses', async () => {
    await mkPod('a1', { app: 'a' });
    await mkPod('a2', { app: 'a' });
    await mkPdb('a', 'a', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1 });
    const r = await evict('a1');
    assert.deepEqual([r.status, r.body.status], [201, 'Success']);
    assert.equal(await exists('a1'), false);
    const st = (await req('GET', `${PDBS}/a`)).body.status;
    assert.equal(st.disruptionsAllowed, 0);
    assert.match(st.disruptedPods.a1, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(st.conditions.map((c: Json) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
    const refused = await evict('a2');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(refused.body.details, { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget a needs 1 healthy pods and has 2 currently' }] });
    assert.ok(await exists('a2'));
  });

  test('dryRun checks the budget but writes nothing', async () => {
    await mkPod('d1', { app: 'd' });
    await mkPdb('d', 'd', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1 });
    const before = (await req('GET', `${PDBS}/d`)).body;
    assert.equal((await evict('d1', '?dryRun=All')).status, 201);
    assert.ok(await exists('d1'));
    const after = (await req('GET', `${PDBS}/d`)).body;
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    await setStatus('d', { disruptionsAllowed: 0 });
    assert.equal((await evict('d1', '?dryRun=All')).status, 429);
  });

  test('a pod matched by two budgets: 500', async () => {
    await mkPod('m1', { app: 'm', tier: 't' });
    await mkPdb('m', 'm', { disruptionsAllowed: 1 });
    assert.equal((await req('POST', PDBS, { metadata: { name: 'm2' }, spec: { minAvailable: 1, selector: { matchLabels: { tier: 't' } } } })).status, 201);
    const r = await evict('m1');
    assert.deepEqual(r, { status: 500, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 } });
    assert.ok(await exists('m1'));
  });

  test('pending and finished pods go without the budget; the evicted pod was marked DisruptionTarget', async () => {
    await mkPdb('z', 'z', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1 });
    await mkPod('z1', { app: 'z' }, 'Pending', false);
    await mkPod('z2', { app: 'z' }, 'Failed', false);
    await mkPod('z3', { app: 'z' });
    const watched = await req('GET', `${NS}/pods/z3`);
    assert.equal((await evict('z1')).status, 201);
    assert.equal((await evict('z2')).status, 201);
    assert.equal((await evict('z3')).status, 429);
    assert.deepEqual([await exists('z1'), await exists('z2')], [false, false]);
    // A finalizer keeps the pod readable after its deletion, to see the condition.
    await req('PATCH', `${NS}/pods/z3`, { metadata: { finalizers: ['test/keep'] } }, { 'content-type': 'application/merge-patch+json' });
    await setStatus('z', { disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 1 });
    assert.equal((await evict('z3')).status, 201);
    const gone = (await req('GET', `${NS}/pods/z3`)).body;
    assert.ok(gone.metadata.deletionTimestamp);
    assert.notEqual(gone.metadata.resourceVersion, watched.body.metadata.resourceVersion);
    const cond = gone.status.conditions.find((c: Json) => c.type === 'DisruptionTarget');
    assert.deepEqual([cond.status, cond.reason, cond.message], ['True', 'EvictionByEvictionAPI', 'Eviction API: evicting']);
    await req('PATCH', `${NS}/pods/z3`, { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
  });

  test('a not-Ready pod goes uncharged while the budget is met, or always with AlwaysAllow', async () => {
    await mkPdb('n', 'n', { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 });
    await mkPod('n1', { app: 'n' }, 'Running', false);
    assert.equal((await evict('n1')).status, 201);
    assert.equal((await req('GET', `${PDBS}/n`)).body.status.disruptedPods, undefined);
    await setStatus('n', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 });
    await mkPod('n2', { app: 'n' }, 'Running', false);
    assert.equal((await evict('n2')).status, 429);
    await mkPod('w1', { app: 'w' }, 'Running', false);
    await mkPdb('w', 'w', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 2 }, { unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    assert.equal((await evict('w1')).status, 201);
    await mkPod('i1', { app: 'i' }, 'Running', false);
    await mkPdb('i', 'i', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 2 }, { unhealthyPodEvictionPolicy: 'IfHealthyBudget' });
    assert.equal((await evict('i1')).status, 429);
  });

  test('a budget with an empty selector does not guard the pod', async () => {
    await mkPod('e1', { app: 'e' });
    assert.equal((await req('POST', PDBS, { metadata: { name: 'all' }, spec: { minAvailable: 5, selector: {} } })).status, 201);
    // e1 also matches no other budget: only "all", which eviction ignores.
    assert.equal((await evict('e1')).status, 201);
  });
});

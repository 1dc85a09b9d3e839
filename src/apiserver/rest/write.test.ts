// Object semantics of the write path, as upstream: generateName, uid and timestamps, generation
// on spec changes only, the spec/status split, dry run, finalizers and graceful deletion.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';

type Obj = { metadata: Record<string, unknown> & { name: string; resourceVersion: string; generation?: number; uid: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
const deploy = (name: string, replicas = 1) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } });
const merge = { 'content-type': 'application/merge-patch+json' };

describe('write semantics', async () => {
  const s = await testServer(new MemoryStore());
  const D = '/apis/apps/v1/namespaces/default/deployments';

  test('generateName, uid, creationTimestamp, generation 1, status reset', async () => {
    const r = await s.request('POST', D, { ...deploy('x'), metadata: { generateName: 'web-' }, status: { replicas: 9 } });
    assert.equal(r.status, 201);
    const o = r.json() as Obj;
    assert.match(o.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.match(o.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(String(o.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(o.metadata.generation, 1);
    assert.deepEqual(o.status, {});
  });

  test('generation changes with the spec only; status writes go through /status only', async () => {
    await s.request('POST', D, deploy('gen'));
    const labelled = (await s.request('PATCH', `${D}/gen`, { metadata: { labels: { a: 'b' } } }, merge)).json() as Obj;
    assert.equal(labelled.metadata.generation, 1);
    const scaled = (await s.request('PATCH', `${D}/gen`, { spec: { replicas: 3 }, status: { replicas: 7 } }, merge)).json() as Obj;
    assert.equal(scaled.metadata.generation, 2);
    assert.deepEqual(scaled.status, {}, 'the main resource ignores status');
    const st = (await s.request('PATCH', `${D}/gen/status`, { spec: { replicas: 100 }, status: { replicas: 7 } }, merge)).json() as Obj;
    assert.equal(st.status!.replicas, 7);
    assert.equal(st.spec!.replicas, 3, '/status ignores spec');
    assert.equal(st.metadata.generation, 2);
  });

  test('dryRun=All validates and answers but stores nothing', async () => {
    const r = await s.request('POST', `${D}?dryRun=All`, deploy('dry'));
    assert.equal(r.status, 201);
    assert.equal((await s.request('GET', `${D}/dry`)).status, 404);
    const bad = await s.request('POST', `${D}?dryRun=All`, { ...deploy('dry'), spec: { ...deploy('dry').spec, replicas: -1 } });
    assert.equal(bad.status, 422);
    await s.request('POST', D, deploy('dry2'));
    const before = (await s.request('GET', `${D}/dry2`)).json() as Obj;
    assert.equal((await s.request('PATCH', `${D}/dry2?dryRun=All`, { spec: { replicas: 5 } }, merge)).status, 200);
    assert.equal((await s.request('DELETE', `${D}/dry2?dryRun=All`)).status, 200);
    const after = (await s.request('GET', `${D}/dry2`)).json() as Obj;
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  test('a stale resourceVersion is 409 Conflict; an unchanged PUT writes nothing', async () => {
    const o = (await s.request('POST', D, deploy('cas'))).json() as Obj;
    const ok = (await s.request('PUT', `${D}/cas`, { ...o, spec: { ...o.spec, replicas: 2 } })).json() as Obj;
    const stale = await s.request('PUT', `${D}/cas`, { ...o, spec: { ...o.spec, replicas: 4 } });
    assert.equal(stale.status, 409);
    const same = (await s.request('PUT', `${D}/cas`, ok)).json() as Obj;
    assert.equal(same.metadata.resourceVersion, ok.metadata.resourceVersion);
  });

  test('finalizers hold a deletion until the last one is removed', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', finalizers: ['example.com/hold'] } };
    await s.request('POST', '/api/v1/namespaces/default/configmaps', cm);
    const del = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(del.status, 200);
    const held = (await s.request('GET', '/api/v1/namespaces/default/configmaps/fin')).json() as Obj;
    assert.ok(held.metadata.deletionTimestamp);
    assert.equal(held.metadata.deletionGracePeriodSeconds, 0);
    await s.request('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, merge);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
  });

  test('a pod on a node is deleted gracefully; an unscheduled one at once', async () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], terminationGracePeriodSeconds: 20 } });
    await s.request('POST', '/api/v1/namespaces/default/pods', pod('loose'));
    const gone = await s.request('DELETE', '/api/v1/namespaces/default/pods/loose');
    assert.equal(gone.status, 200);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/pods/loose')).status, 404);
    await s.request('POST', '/api/v1/namespaces/default/pods', pod('bound'));
    const b = await s.request('POST', '/api/v1/namespaces/default/pods/bound/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } });
    assert.equal(b.status, 201);
    const terminating = (await s.request('DELETE', '/api/v1/namespaces/default/pods/bound')).json() as Obj;
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 20);
    const t = Date.parse(String(terminating.metadata.deletionTimestamp)) - Date.now();
    assert.ok(t > 15_000 && t <= 20_000, `deletionTimestamp ~20 s ahead (${t})`);
    // --grace-period=0 (what kubectl delete --force sends) removes it at once.
    assert.equal((await s.request('DELETE', '/api/v1/namespaces/default/pods/bound', { gracePeriodSeconds: 0 })).status, 200);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/pods/bound')).status, 404);
  });

  test('a workload name that is no DNS label is accepted with upstream\'s warning', async () => {
    const r = await s.request('POST', D, deploy('web.v1'));
    assert.equal(r.status, 201);
    assert.match(String(r.headers.warning), /^299 - "metadata\.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: \[a lowercase RFC 1123 label must consist of/);
  });

  test('a uid precondition that does not match is 409', async () => {
    await s.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } });
    const r = await s.request('DELETE', '/api/v1/namespaces/default/configmaps/pre', { preconditions: { uid: 'nope' } });
    assert.equal(r.status, 409);
    assert.match((r.json() as { message: string }).message, /Precondition failed: UID in precondition: nope, UID in object meta: /);
  });

  test('deletecollection with a label selector deletes only the matches', async () => {
    for (const [n, l] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) await s.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `dc-${n}`, labels: { grp: l } } });
    const r = await s.request('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=grp%3Dx');
    assert.equal(r.status, 200);
    const left = (await s.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=grp')).json() as { items: Obj[] };
    assert.deepEqual(left.items.map((i) => i.metadata.name), ['dc-c']);
  });

  test('list paging is consistent at the first page\'s revision', async () => {
    for (let i = 0; i < 7; i++) await s.request('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `page-${i}` } });
    const p1 = (await s.request('GET', '/api/v1/namespaces/default/secrets?limit=3')).json() as { metadata: { continue: string; remainingItemCount: number; resourceVersion: string }; items: Obj[] };
    assert.equal(p1.items.length, 3);
    assert.equal(p1.metadata.remainingItemCount, 4);
    await s.request('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'page-9' } });
    const p2 = (await s.request('GET', `/api/v1/namespaces/default/secrets?limit=10&continue=${encodeURIComponent(p1.metadata.continue)}`)).json() as { metadata: { continue?: string; resourceVersion: string }; items: Obj[] };
    assert.deepEqual(p2.items.map((i) => i.metadata.name), ['page-3', 'page-4', 'page-5', 'page-6']);
    assert.equal(p2.metadata.resourceVersion, p1.metadata.resourceVersion);
    assert.equal(p2.metadata.continue, undefined);
  });
});

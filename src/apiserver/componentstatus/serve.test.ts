// componentstatuses through the in-process handler: list/get as JSON and Table, selectors, the
// deprecation warning, 405/404/500 answers, discovery and OpenAPI.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { ApiHandler } from '../handler.js';
import { testServer, type TestServer } from '../testing.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CS = '/api/v1/componentstatuses';
const WARNING = '299 - "v1 ComponentStatus is deprecated in v1.19+"';
const TABLE = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };
const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

function lease(name: string, renewedAgoMs: number, holder = `${name}-holder`) {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-system' },
    spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: micro(Date.now() - renewedAgoMs) },
  };
}

const conditionsByName = (list: Json) => Object.fromEntries((list.items as Json[]).map((i) => [i.metadata.name, i.conditions]));

describe('componentstatuses', () => {
  let s: TestServer;
  before(async () => {
    s = await testServer(new MemoryStore());
  });

  test('without leases: components Unhealthy, etcd-0 ok, with the deprecation warning', async () => {
    const res = await s.request('GET', CS);
    assert.equal(res.status, 200);
    assert.deepEqual(res.headers.warning, [WARNING]);
    const list = res.json() as Json;
    assert.equal(list.kind, 'ComponentStatusList');
    assert.equal(list.apiVersion, 'v1');
    assert.deepEqual(list.metadata, {});
    assert.deepEqual(list.items.map((i: Json) => i.metadata.name), ['scheduler', 'controller-manager', 'etcd-0']);
    assert.deepEqual(list.items[2], { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: 'etcd-0', creationTimestamp: null }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] });
    assert.deepEqual(conditionsByName(list).scheduler, [{ type: 'Healthy', status: 'False', message: 'lease kube-system/kube-scheduler not found' }]);
    assert.deepEqual(conditionsByName(list)['controller-manager'], [{ type: 'Healthy', status: 'False', message: 'lease kube-system/kube-controller-manager not found' }]);
  });

  test('a renewed lease is Healthy ok, a stale one is Unhealthy', async () => {
    for (const l of [lease('kube-scheduler', 1000), lease('kube-controller-manager', 60_000)]) {
      const r = await s.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', l);
      assert.equal(r.status, 201, String(r.body));
    }
    const c = conditionsByName((await s.request('GET', CS)).json() as Json);
    assert.deepEqual(c.scheduler, [{ type: 'Healthy', status: 'True', message: 'ok' }]);
    assert.equal(c['controller-manager'][0].status, 'False');
    assert.match(c['controller-manager'][0].message, /^lease kube-system\/kube-controller-manager held by "kube-controller-manager-holder" was last renewed 6\ds ago, longer than its leaseDurationSeconds \(15s\)$/);
  });

  test('Table: upstream columns and rows with PartialObjectMetadata', async () => {
    const res = await s.request('GET', `${CS}?limit=500`, undefined, TABLE);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.deepEqual(res.headers.warning, [WARNING]);
    const t = res.json() as Json;
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.metadata, {});
    assert.deepEqual(t.columnDefinitions.map((c: Json) => c.name), ['Name', 'Status', 'Message', 'Error']);
    assert.deepEqual(t.rows[0].cells, ['scheduler', 'Healthy', 'ok', '']);
    assert.deepEqual(t.rows[1].cells.slice(0, 2), ['controller-manager', 'Unhealthy']);
    assert.deepEqual(t.rows[2].cells, ['etcd-0', 'Healthy', 'ok', '']);
    assert.deepEqual(t.rows[2].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'etcd-0', creationTimestamp: null } });
  });

  test('get by name, JSON and Table', async () => {
    const one = await s.request('GET', `${CS}/scheduler`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.headers.warning, [WARNING]);
    assert.deepEqual(one.json(), { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: 'scheduler', creationTimestamp: null }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] });
    const t = (await s.request('GET', `${CS}/etcd-0`, undefined, TABLE)).json() as Json;
    assert.equal(t.rows.length, 1);
    assert.deepEqual(t.rows[0].cells, ['etcd-0', 'Healthy', 'ok', '']);
  });

  test('an unknown name is upstream\'s reason-less 500, still with the warning', async () => {
    const res = await s.request('GET', `${CS}/nope`);
    assert.equal(res.status, 500);
    assert.deepEqual(res.headers.warning, [WARNING]);
    assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Component not found: nope', code: 500 });
  });

  test('selectors filter objects that have no labels', async () => {
    const names = async (q: string) => {
      const res = await s.request('GET', `${CS}?${q}`);
      assert.equal(res.status, 200, String(res.body));
      return ((res.json() as Json).items as Json[]).map((i) => i.metadata.name);
    };
    assert.deepEqual(await names('labelSelector=app%3Dx'), []);
    assert.deepEqual(await names('labelSelector=!app'), ['scheduler', 'controller-manager', 'etcd-0']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Detcd-0'), ['etcd-0']);
    assert.deepEqual(await names('fieldSelector=metadata.name!%3Detcd-0'), ['scheduler', 'controller-manager']);
    const bad = await s.request('GET', `${CS}?fieldSelector=status.x%3Dy`);
    assert.equal(bad.status, 400);
    assert.equal((bad.json() as Json).message, '"status.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  test('other verbs: the router\'s 405 without the warning', async () => {
    for (const [method, path] of [['POST', CS], ['PUT', `${CS}/scheduler`], ['PATCH', `${CS}/scheduler`], ['DELETE', `${CS}/scheduler`], ['DELETE', CS]]) {
      const res = await s.request(method, path, {}, { 'content-type': 'application/merge-patch+json' });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.warning, undefined);
      assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server does not allow this method on the requested resource', reason: 'MethodNotAllowed', details: {}, code: 405 });
    }
  });

  test('watch: 405 MethodNotSupported on the list route, 404 under /watch/', async () => {
    const res = await s.request('GET', `${CS}?watch=true`);
    assert.equal(res.status, 405);
    assert.deepEqual(res.headers.warning, [WARNING]);
    assert.deepEqual(res.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'watch is not supported on resources of kind "componentstatuses"', reason: 'MethodNotAllowed', details: { kind: 'componentstatuses' }, code: 405 });
    assert.equal((await s.request('GET', '/api/v1/watch/componentstatuses')).status, 404);
    assert.equal((await s.request('GET', '/api/v1/namespaces/default/componentstatuses')).status, 404);
  });

  test('etcd-0 follows the /readyz storage check', async () => {
    const h = new ApiHandler(s.handler.server, { isReady: () => false });
    const send = (path: string) => h.handle({ method: 'GET', url: new URL(path, 'https://test'), headers: {}, body: Buffer.alloc(0), user: { username: 'admin', groups: ['system:masters', 'system:authenticated'] }, signal: new AbortController().signal });
    assert.equal((await send('/readyz')).status, 500);
    const res = await send(`${CS}/etcd-0`);
    assert.equal(res.status, 200);
    assert.deepEqual((JSON.parse(String(res.body)) as Json).conditions, [{ type: 'Healthy', status: 'False', error: 'storage not ready' }]);
  });

  test('discovery: legacy and aggregated, as upstream lists it', async () => {
    const legacy = (await s.request('GET', '/api/v1')).json() as Json;
    const names = (legacy.resources as Json[]).map((r) => r.name);
    assert.deepEqual(names.slice(0, 3), ['bindings', 'componentstatuses', 'configmaps']);
    assert.deepEqual(legacy.resources[1], { name: 'componentstatuses', singularName: 'componentstatus', namespaced: false, kind: 'ComponentStatus', verbs: ['get', 'list'], shortNames: ['cs'] });
    const agg = (await s.request('GET', '/api', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).json() as Json;
    const entry = (agg.items[0].versions[0].resources as Json[]).find((r) => r.resource === 'componentstatuses');
    assert.deepEqual(entry, { resource: 'componentstatuses', responseKind: { group: '', version: 'v1', kind: 'ComponentStatus' }, scope: 'Cluster', singularResource: 'componentstatus', verbs: ['get', 'list'], shortNames: ['cs'] });
  });

  test('OpenAPI v3: read and list operations only', async () => {
    const doc = (await s.request('GET', '/openapi/v3/api/v1')).json() as Json;
    assert.deepEqual(Object.keys(doc.paths['/api/v1/componentstatuses']).filter((k) => k !== 'parameters'), ['get']);
    assert.equal(doc.paths['/api/v1/componentstatuses'].get.operationId, 'listCoreV1ComponentStatus');
    assert.equal(doc.paths['/api/v1/componentstatuses'].get.description, 'list objects of kind ComponentStatus');
    assert.deepEqual(Object.keys(doc.paths['/api/v1/componentstatuses/{name}']).filter((k) => k !== 'parameters'), ['get']);
    assert.equal(doc.paths['/api/v1/watch/componentstatuses'], undefined);
    assert.ok(doc.components.schemas['io.k8s.api.core.v1.ComponentStatus']);
  });
});

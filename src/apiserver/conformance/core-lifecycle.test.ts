// Conformance rows 223 (ConfigMap), 291 (Secret), 258-260 (PodTemplate), 175-178 (Events, core
// and events.k8s.io), 254 (Lease), 257 (Node), 155-156 (ServiceAccount): the create, get, list,
// watch, patch, update and deletecollection steps of upstream's lifecycle tests.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { podTemplate } from './fixtures.js';
import { client, MERGE, names, STRATEGIC, until, type Obj } from './helpers.js';

const NS = 'core-e2e';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const micro = (sec: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, sec)).toISOString().replace('Z', '000Z');
const time = (sec: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, sec)).toISOString().replace('.000Z', 'Z');

describe('conformance: core lifecycles', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
  });

  test('[223] ConfigMap lifecycle: create, patch, find by label with new values, deletecollection', async () => {
    const base = `/api/v1/namespaces/${NS}/configmaps`;
    await c.create(base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-cm', labels: { 'test-configmap-static': 'true' } }, data: { valueName: 'value' } });
    await c.patch(`${base}/e2e-cm`, { metadata: { labels: { 'test-configmap': 'patched' } }, data: { valueName: 'value1' } }, STRATEGIC);
    const found = (await c.list('/api/v1/configmaps?labelSelector=test-configmap-static%3Dtrue')).items;
    assert.equal(found.length, 1);
    assert.equal(found[0].metadata.labels?.['test-configmap'], 'patched');
    assert.deepEqual(found[0].data, { valueName: 'value1' });
    await c.delCollection(`${base}?labelSelector=test-configmap-static%3Dtrue`);
    assert.equal((await c.list(`${base}?labelSelector=test-configmap-static%3Dtrue`)).items.length, 0);
  });

  test('[291] Secret patching: create, list, patch data, refetch, deletecollection by label', async () => {
    const base = `/api/v1/namespaces/${NS}/secrets`;
    await c.create(base, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'e2e-secret', labels: { 'testsecret-constant': 'true' } }, type: 'Opaque', data: { key: b64('value') } });
    const listed = await c.list('/api/v1/secrets?labelSelector=testsecret-constant%3Dtrue');
    assert.deepEqual(names(listed), ['e2e-secret']);
    await c.patch(`${base}/e2e-secret`, { metadata: { labels: { testsecret: 'true' } }, data: { key: b64('value1') } }, STRATEGIC);
    const got = await c.get<Obj & { data: Record<string, string> }>(`${base}/e2e-secret`);
    assert.equal(Buffer.from(got.data.key, 'base64').toString(), 'value1');
    assert.equal(got.metadata.labels?.testsecret, 'true');
    await c.delCollection(`${base}?labelSelector=testsecret-constant%3Dtrue`);
    assert.equal((await c.list('/api/v1/secrets?labelSelector=testsecret-constant%3Dtrue')).items.length, 0);
  });

  test('[258] PodTemplates listed by label and removed with deletecollection', async () => {
    const base = `/api/v1/namespaces/${NS}/podtemplates`;
    for (const n of ['podtemplate-1', 'podtemplate-2', 'podtemplate-3']) await c.create(base, podTemplate(n, { 'podtemplate-set': 'true' }));
    assert.equal((await c.list('/api/v1/podtemplates?labelSelector=podtemplate-set%3Dtrue')).items.length, 3);
    await c.delCollection(`${base}?labelSelector=podtemplate-set%3Dtrue`);
    assert.equal((await c.list('/api/v1/podtemplates?labelSelector=podtemplate-set%3Dtrue')).items.length, 0);
  });

  test('[259] replacing a PodTemplate adds an annotation', async () => {
    const base = `/api/v1/namespaces/${NS}/podtemplates`;
    const created = await c.create(base, podTemplate('podtemplate-replace'));
    const replaced = await c.update(`${base}/podtemplate-replace`, { ...created, metadata: { ...created.metadata, annotations: { updated: 'true' } } });
    assert.equal(replaced.metadata.annotations?.updated, 'true');
    assert.equal((await c.get(`${base}/podtemplate-replace`)).metadata.annotations?.updated, 'true');
  });

  test('[260] PodTemplate lifecycle: create, get, patch, find by label, delete', async () => {
    const base = `/api/v1/namespaces/${NS}/podtemplates`;
    await c.create(base, podTemplate('nginx-pod-template', { 'podtemplate-static': 'true' }));
    assert.equal((await c.get(`${base}/nginx-pod-template`)).metadata.name, 'nginx-pod-template');
    await c.patch(`${base}/nginx-pod-template`, { metadata: { labels: { podtemplate: 'patched' } } }, STRATEGIC);
    const found = await c.list(`${base}?labelSelector=podtemplate-static%3Dtrue`);
    assert.equal(found.items[0].metadata.labels?.podtemplate, 'patched');
    await c.del(`${base}/nginx-pod-template`);
    assert.equal((await c.list(`${base}?labelSelector=podtemplate-static%3Dtrue`)).items.length, 0);
  });

  const coreEvent = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, labels },
    reason: 'Test',
    message: 'This is a test event',
    type: 'Normal',
    count: 1,
    involvedObject: { kind: 'Pod', namespace: NS, name: 'pod' },
    source: { component: 'e2e-test' },
    firstTimestamp: time(0),
    lastTimestamp: time(0),
  });
  const newEvent = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name, labels },
    eventTime: micro(0),
    note: 'This is a test event',
    reason: 'Test',
    type: 'Normal',
    action: 'Do',
    reportingController: 'test-controller',
    reportingInstance: 'test-node',
    regarding: { kind: 'Pod', namespace: NS, name: 'pod', apiVersion: 'v1' },
  });

  test('[177] core Events listed by label and removed by deletecollection', async () => {
    const base = `/api/v1/namespaces/${NS}/events`;
    for (const n of ['event-test-1', 'event-test-2', 'event-test-3']) await c.create(base, coreEvent(n, { 'testevent-set': 'true' }));
    assert.equal((await c.list('/api/v1/events?labelSelector=testevent-set%3Dtrue')).items.length, 3);
    await c.delCollection(`${base}?labelSelector=testevent-set%3Dtrue`);
    assert.equal((await c.list(`${base}?labelSelector=testevent-set%3Dtrue`)).items.length, 0);
  });

  test('[178] core Event lifecycle: create, list across namespaces, patch, update with a series, delete', async () => {
    const base = `/api/v1/namespaces/${NS}/events`;
    await c.create(base, coreEvent('event-test', { 'testevent-constant': 'true' }));
    assert.deepEqual(names(await c.list('/api/v1/events?labelSelector=testevent-constant%3Dtrue')), ['event-test']);
    await c.patch(`${base}/event-test`, { message: 'This is a test event - patched' }, STRATEGIC);
    const got = await c.get<Obj & { message: string }>(`${base}/event-test`);
    assert.equal(got.message, 'This is a test event - patched');
    const updated = await c.update<Obj & { series?: { count: number } }>(`${base}/event-test`, { ...got, series: { count: 100, lastObservedTime: micro(5) } });
    assert.equal(updated.series?.count, 100);
    await c.del(`${base}/event-test`);
    assert.equal((await c.list('/api/v1/events?labelSelector=testevent-constant%3Dtrue')).items.length, 0);
  });

  test('[175] events.k8s.io Events found by list and removed by deletecollection', async () => {
    const base = `/apis/events.k8s.io/v1/namespaces/${NS}/events`;
    for (const n of ['new-event-1', 'new-event-2', 'new-event-3']) await c.create(base, newEvent(n, { 'testevent-set': 'new' }));
    assert.equal((await c.list('/apis/events.k8s.io/v1/events?labelSelector=testevent-set%3Dnew')).items.length, 3);
    await c.delCollection(`${base}?labelSelector=testevent-set%3Dnew`);
    assert.equal((await c.list(`${base}?labelSelector=testevent-set%3Dnew`)).items.length, 0);
  });

  test('[176] events.k8s.io Event: create, get, patch note, update with series, delete', async () => {
    const base = `/apis/events.k8s.io/v1/namespaces/${NS}/events`;
    await c.create(base, newEvent('new-event', { 'testevent-single': 'true' }));
    assert.equal((await c.get(`${base}/new-event`)).metadata.name, 'new-event');
    assert.equal((await c.list(`${base}?labelSelector=testevent-single%3Dtrue`)).items.length, 1);
    const patched = await c.patch<Obj & { note: string }>(`${base}/new-event`, { note: 'This is a test event - patched' }, STRATEGIC);
    assert.equal(patched.note, 'This is a test event - patched');
    const updated = await c.update<Obj & { series?: { count: number } }>(`${base}/new-event`, { ...patched, series: { count: 100, lastObservedTime: micro(10) } });
    assert.equal(updated.series?.count, 100);
    await c.del(`${base}/new-event`);
    await c.fail('GET', `${base}/new-event`, undefined, 404);
    assert.equal((await c.list(`${base}?labelSelector=testevent-single%3Dtrue`)).items.length, 0);
  });

  test('[254] Lease API: create, get, update, patch, list, deletecollection, delete with spec preserved', async () => {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
    const spec = { holderIdentity: 'holder', leaseDurationSeconds: 30, acquireTime: micro(0), renewTime: micro(0), leaseTransitions: 0 };
    const created = await c.create<Obj & { spec: typeof spec }>(base, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lease' }, spec });
    assert.deepEqual(created.spec, spec);
    assert.deepEqual((await c.get<Obj & { spec: typeof spec }>(`${base}/lease`)).spec, spec);
    const spec2 = { holderIdentity: 'holder2', leaseDurationSeconds: 30, acquireTime: micro(3), renewTime: micro(5), leaseTransitions: 1 };
    const updated = await c.update<Obj & { spec: typeof spec }>(`${base}/lease`, { ...created, spec: spec2 });
    assert.deepEqual(updated.spec, spec2);
    const patched = await c.patch<Obj & { spec: typeof spec }>(`${base}/lease`, { spec: { holderIdentity: 'anotherholder', leaseTransitions: 2 } }, STRATEGIC);
    assert.deepEqual(patched.spec, { ...spec2, holderIdentity: 'anotherholder', leaseTransitions: 2 });
    for (const n of ['lease2', 'lease3']) await c.create(base, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n, labels: { deletecollection: 'true' } }, spec });
    assert.equal((await c.list('/apis/coordination.k8s.io/v1/leases?labelSelector=deletecollection%3Dtrue')).items.length, 2);
    await c.delCollection(`${base}?labelSelector=deletecollection%3Dtrue`);
    assert.deepEqual(names(await c.list(base)), ['lease']);
    await c.del(`${base}/lease`);
    await c.fail('GET', `${base}/lease`, undefined, 404);
  });

  test('[257] Node lifecycle: create, get, patch, list by label, update, delete', async () => {
    const base = '/api/v1/nodes';
    const name = 'e2e-fake-node-abcde';
    await c.create(base, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'e2e-fake-node': 'yes' } }, spec: { taints: [{ key: 'e2e-fake-node', effect: 'NoSchedule' }] } });
    assert.equal((await c.get(`${base}/${name}`)).metadata.name, name);
    const patched = await c.patch(`${base}/${name}`, { metadata: { labels: { 'e2e-fake-node-patched': 'true' } } }, MERGE);
    assert.equal(patched.metadata.labels?.['e2e-fake-node-patched'], 'true');
    assert.deepEqual(names(await c.list(`${base}?labelSelector=e2e-fake-node-patched%3Dtrue`)), [name]);
    const cur = await c.get(`${base}/${name}`);
    cur.metadata.labels = { ...cur.metadata.labels, 'e2e-fake-node-updated': 'true' };
    assert.equal((await c.update(`${base}/${name}`, cur)).metadata.labels?.['e2e-fake-node-updated'], 'true');
    await c.del(`${base}/${name}`);
    await c.fail('GET', `${base}/${name}`, undefined, 404);
  });

  test('[155] ServiceAccount lifecycle: watched create, patch, list with new values, delete', async () => {
    const base = `/api/v1/namespaces/${NS}/serviceaccounts`;
    const list = await c.list(`${base}?labelSelector=test-serviceaccount-static%3Dtrue`);
    const w = await c.watch(`${base}?watch=true&resourceVersion=${list.metadata.resourceVersion}&labelSelector=test-serviceaccount-static%3Dtrue`);
    await c.create(base, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'e2e-sa', labels: { 'test-serviceaccount-static': 'true' } } });
    const patched = await c.patch<Obj & { automountServiceAccountToken?: boolean }>(`${base}/e2e-sa`, { metadata: { labels: { 'test-serviceaccount': 'patched' } }, automountServiceAccountToken: false }, STRATEGIC);
    assert.equal(patched.automountServiceAccountToken, false);
    const found = await c.list(`${base}?labelSelector=test-serviceaccount-static%3Dtrue`);
    assert.equal(found.items[0].metadata.labels?.['test-serviceaccount'], 'patched');
    assert.equal(found.items[0].automountServiceAccountToken, false);
    await c.delCollection(`${base}?labelSelector=test-serviceaccount-static%3Dtrue`);
    await until(() => w.events.some((e) => e.type === 'DELETED'), 'watch sees the deletion');
    await w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  });

  test('[156] updating a ServiceAccount persists the new value', async () => {
    const base = `/api/v1/namespaces/${NS}/serviceaccounts`;
    await c.create(base, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'e2e-sa-update' } });
    const cur = await c.get<Obj & { automountServiceAccountToken?: boolean }>(`${base}/e2e-sa-update`);
    cur.automountServiceAccountToken = true;
    assert.equal((await c.update<Obj & { automountServiceAccountToken?: boolean }>(`${base}/e2e-sa-update`, cur)).automountServiceAccountToken, true);
    assert.equal((await c.get<Obj & { automountServiceAccountToken?: boolean }>(`${base}/e2e-sa-update`)).automountServiceAccountToken, true);
  });
});

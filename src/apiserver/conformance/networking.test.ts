// Conformance rows 189, 190 (EndpointSlice), 193 (Ingress API), 194 (IngressClass), 211
// (service deletecollection), 212 and 215 (the kubernetes Service), 219 (Endpoints lifecycle).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { apiLifecycle } from './api-lifecycle.js';
import { ingress, service } from './fixtures.js';
import { client, names, STRATEGIC, until, type Obj } from './helpers.js';

const NS = 'network-e2e';

type Endpoints = Obj & { subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number; protocol?: string }[] }[] };
type Slice = Obj & { addressType: string; endpoints: { addresses: string[] }[]; ports?: { name?: string; port?: number }[] };

describe('conformance: networking', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
  });

  test('[215] the kubernetes Service exists in default', async () => {
    const svc = await c.get<Obj & { spec: { clusterIP: string; ports: { name: string; port: number }[] } }>('/api/v1/namespaces/default/services/kubernetes');
    assert.equal(svc.spec.ports[0].name, 'https');
    assert.equal(svc.spec.ports[0].port, 443);
    assert.ok(svc.spec.clusterIP);
  });

  test('[212] listing services in all namespaces finds kubernetes in default', async () => {
    const all = await c.list('/api/v1/services');
    assert.ok(all.items.some((s) => s.metadata.name === 'kubernetes' && s.metadata.namespace === 'default'));
  });

  test('[189] the kubernetes Service has Endpoints and an EndpointSlice with every API server address', async () => {
    const ep = await c.get<Endpoints>('/api/v1/namespaces/default/endpoints/kubernetes');
    const epIPs = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    assert.ok(epIPs.length > 0, 'endpoints have addresses');
    const slices = await c.list('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes');
    assert.equal(slices.items.length, 1);
    const slice = slices.items[0] as Slice;
    assert.deepEqual(slice.endpoints.flatMap((e) => e.addresses).sort(), epIPs);
  });

  test('[190] EndpointSlice API: discovery and every verb', async () => {
    await apiLifecycle(c, {
      group: 'discovery.k8s.io',
      version: 'v1',
      resource: 'endpointslices',
      namespace: NS,
      make: (name, labels) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, labels }, addressType: 'IPv4', endpoints: [{ addresses: ['1.2.3.4', '5.6.7.8'] }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    });
  });

  test('[193] Ingress API: discovery and every verb', async () => {
    await apiLifecycle(c, { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespace: NS, make: (name, labels) => ingress(name, labels) });
  });

  test('[194] IngressClass API: discovery and every verb', async () => {
    await apiLifecycle(c, {
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'ingressclasses',
      make: (name, labels) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, labels }, spec: { controller: 'example.com/e2e-controller' } }),
    });
  });

  test('[211] deletecollection by label removes the labelled services only', async () => {
    const base = `/api/v1/namespaces/${NS}/services`;
    for (const n of ['e2e-svc-a', 'e2e-svc-b', 'e2e-svc-c']) await c.create(base, service(n, { 'e2e-test-service': 'delete' }));
    await c.create(base, service('e2e-svc-keep'));
    assert.deepEqual(names(await c.list(`${base}?labelSelector=e2e-test-service%3Ddelete`)), ['e2e-svc-a', 'e2e-svc-b', 'e2e-svc-c']);
    await c.delCollection(`${base}?labelSelector=e2e-test-service%3Ddelete`);
    assert.deepEqual(names(await c.list(base)), ['e2e-svc-keep']);
  });

  test('[219] Endpoints lifecycle: create, list by label, update, patch, deletecollection seen by a watch', async () => {
    const base = `/api/v1/namespaces/${NS}/endpoints`;
    const sel = 'labelSelector=test-endpoint-static%3Dtrue';
    await c.create(base, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'testservice', labels: { 'test-endpoint-static': 'true' } }, subsets: [{ addresses: [{ ip: '10.0.0.24' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] });
    const list = await c.list(`/api/v1/endpoints?${sel}`);
    assert.equal(list.items.length, 1);
    const w = await c.watch(`/api/v1/endpoints?watch=true&resourceVersion=${list.metadata.resourceVersion}&${sel}`);
    const cur = await c.get<Endpoints>(`${base}/testservice`);
    cur.metadata.labels = { ...cur.metadata.labels, 'test-service': 'updated' };
    const updated = await c.update<Endpoints>(`${base}/testservice`, cur);
    assert.equal(updated.metadata.labels?.['test-service'], 'updated');
    const patch = { metadata: { labels: { 'test-service': 'patched' } }, subsets: [{ addresses: [{ ip: '10.0.0.25' }], ports: [{ name: 'http-test', port: 8080 }] }] };
    await c.patch(`${base}/testservice`, patch, STRATEGIC);
    const got = await c.get<Endpoints>(`${base}/testservice`);
    assert.equal(got.metadata.labels?.['test-service'], 'patched');
    assert.equal(got.subsets?.[0].addresses?.[0].ip, '10.0.0.25');
    assert.equal(got.subsets?.[0].ports?.[0].port, 8080);
    assert.equal(got.subsets?.[0].ports?.[0].name, 'http-test');
    await c.delCollection(`${base}?${sel}`);
    await until(() => w.events.some((e) => e.type === 'DELETED'), 'watch sees the deletion');
    await w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'DELETED']);
    assert.equal((await c.list(`${base}?${sel}`)).items.length, 0);
  });
});

// Conformance rows 70 and 78 (ResourceQuota), 308 and 309 (LimitRange), 315 (PriorityClass
// endpoints): CRUD, label-selected lists, patches and deletecollection.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { client, MERGE, names, STRATEGIC, type Obj } from './helpers.js';

const NS = 'policy-e2e';
type Quota = Obj & { spec: { hard: Record<string, string> } };
type Limits = Obj & { spec: { limits: Record<string, unknown>[] } };
type Pod = Obj & { spec: { containers: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[] } };

const quota = (name: string, hard: Record<string, string>, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, labels }, spec: { hard } });
const limitRange = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name, labels },
  spec: {
    limits: [
      {
        type: 'Container',
        min: { cpu: '100m', memory: '10Mi', 'ephemeral-storage': '10Gi' },
        max: { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' },
        default: { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' },
        defaultRequest: { cpu: '100m', memory: '200Mi', 'ephemeral-storage': '200Gi' },
        maxLimitRequestRatio: {},
      },
    ],
  },
});

describe('conformance: quota, limits, priority classes', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
    await c.namespace(`${NS}-2`);
  });

  test('[70] a ResourceQuota is created, updated with new limits and deleted', async () => {
    const base = `/api/v1/namespaces/${NS}/resourcequotas`;
    await c.create(base, quota('test-quota', { cpu: '1', memory: '500Mi' }));
    const got = await c.get<Quota>(`${base}/test-quota`);
    assert.deepEqual(got.spec.hard, { cpu: '1', memory: '500Mi' });
    got.spec.hard.cpu = '2';
    const updated = await c.update<Quota>(`${base}/test-quota`, got);
    assert.equal(updated.spec.hard.cpu, '2');
    assert.equal((await c.get<Quota>(`${base}/test-quota`)).spec.hard.cpu, '2');
    await c.del(`${base}/test-quota`);
    await c.fail('GET', `${base}/test-quota`, undefined, 404);
  });

  test('[78] ResourceQuota lifecycle: create, list by label, patch, deletecollection by selector', async () => {
    const base = `/api/v1/namespaces/${NS}/resourcequotas`;
    await c.create(base, quota('e2e-rq-lifecycle', { cpu: '1', memory: '500Mi' }, { 'e2e-rq-label': 'e2e-rq-lifecycle' }));
    const sel = 'labelSelector=e2e-rq-label%3De2e-rq-lifecycle';
    assert.deepEqual(names(await c.list(`/api/v1/resourcequotas?${sel}`)), ['e2e-rq-lifecycle']);
    const patched = await c.patch<Quota>(`${base}/e2e-rq-lifecycle`, { metadata: { labels: { 'e2e-rq-label': 'e2e-rq-lifecycle', patched: 'true' } }, spec: { hard: { cpu: '1500m', memory: '1Gi' } } }, STRATEGIC);
    assert.deepEqual(patched.spec.hard, { cpu: '1500m', memory: '1Gi' });
    assert.equal(patched.metadata.labels?.patched, 'true');
    await c.delCollection(`${base}?${sel}`);
    assert.equal((await c.list(`${base}?${sel}`)).items.length, 0);
  });

  test('[309] LimitRanges in two namespaces: listed by label, one patched, deletecollection removes only it', async () => {
    const label = 'e2e-limitrange-abc12';
    const sel = `labelSelector=${label}%3DfollowMe`;
    await c.create(`/api/v1/namespaces/${NS}/limitranges`, limitRange('e2e-limitrange-1', { [label]: 'followMe' }));
    await c.create(`/api/v1/namespaces/${NS}-2/limitranges`, limitRange('e2e-limitrange-2', { [label]: 'followMe' }));
    assert.equal((await c.list(`/api/v1/limitranges?${sel}`)).items.length, 2);
    const patched = await c.patch<Limits>(`/api/v1/namespaces/${NS}/limitranges/e2e-limitrange-1`, { metadata: { labels: { [`${label}-patched`]: 'true' } }, spec: { limits: [{ type: 'Container', default: { cpu: '400m', memory: '400Mi' }, defaultRequest: { cpu: '100m', memory: '100Mi' } }] } }, STRATEGIC);
    assert.equal(patched.metadata.labels?.[`${label}-patched`], 'true');
    assert.deepEqual(patched.spec.limits[0].default, { cpu: '400m', memory: '400Mi' });
    await c.delCollection(`/api/v1/namespaces/${NS}/limitranges?${sel}`);
    assert.deepEqual(names(await c.list(`/api/v1/limitranges?${sel}`)), ['e2e-limitrange-2']);
  });

  test('[308] pods in a namespace with a LimitRange get its defaults and are bounded by it', async () => {
    const ns = `${NS}-limits`;
    await c.namespace(ns);
    await c.create(`/api/v1/namespaces/${ns}/limitranges`, limitRange('limits'));
    const pods = `/api/v1/namespaces/${ns}/pods`;
    const pod = await c.create<Pod>(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-no-resources' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    assert.deepEqual(pod.spec.containers[0].resources, { requests: { cpu: '100m', memory: '200Mi', 'ephemeral-storage': '200Gi' }, limits: { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' } });
    const partial = await c.create<Pod>(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-partial-resources' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '300m', memory: '150Mi', 'ephemeral-storage': '150Gi' } } }] } });
    assert.deepEqual(partial.spec.containers[0].resources?.limits, { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '500Gi' });
    const tooBig = await c.fail('POST', pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-too-big' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '600m', memory: '600Mi' } } }] } }, 403);
    assert.match(tooBig.message, /maximum cpu usage per Container is 500m/);
  });

  test('[315] PriorityClass endpoints: list, patch and update mutable fields, value is immutable', async () => {
    const base = '/apis/scheduling.k8s.io/v1/priorityclasses';
    for (const [i, n] of ['p1', 'p2', 'p3'].entries()) await c.create(base, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `e2e-${n}` }, value: 100 + i });
    const list = await c.list(base);
    for (const n of ['e2e-p1', 'e2e-p2', 'e2e-p3']) assert.ok(names(list).includes(n), n);
    // Upstream's client sends a two-way strategic merge patch of the changed field.
    const st = await c.fail('PATCH', `${base}/e2e-p1`, { value: 1000 }, 422, STRATEGIC);
    assert.match(st.message, /value: Forbidden: may not be changed in an update/);
    const patched = await c.patch<Obj & { description?: string }>(`${base}/e2e-p1`, { description: 'updated description' }, STRATEGIC);
    assert.equal(patched.description, 'updated description');
    const cur = await c.get<Obj & { description?: string; value: number }>(`${base}/e2e-p2`);
    const updated = await c.update<typeof cur>(`${base}/e2e-p2`, { ...cur, description: 'updated' });
    assert.equal(updated.description, 'updated');
    await c.fail('PUT', `${base}/e2e-p2`, { ...updated, value: 1 }, 422);
    for (const n of ['e2e-p1', 'e2e-p2', 'e2e-p3']) await c.del(`${base}/${n}`);
  });

  test('[315] the built-in system priority classes exist, as kube-apiserver bootstraps them', async () => {
    const list = await c.list('/apis/scheduling.k8s.io/v1/priorityclasses');
    const value = (n: string) => (list.items.find((p) => p.metadata.name === n) as (Obj & { value: number }) | undefined)?.value;
    assert.equal(value('system-node-critical'), 2000001000);
    assert.equal(value('system-cluster-critical'), 2000000000);
  });
});

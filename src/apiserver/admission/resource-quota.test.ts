// ResourceQuota admission through the in-process request path (no controller: the tests write
// quota status themselves): the 403 Status, charges, dry run, unknown status, concurrent creates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';

const NS = '/api/v1/namespaces/q';
const pod = (name: string, resources?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox', ...(resources ? { resources } : {}) }] },
});

async function setup(hard: Record<string, string>, used?: Record<string, string>): Promise<TestServer> {
  const s = await testServer(new MemoryStore());
  assert.equal((await s.request('POST', '/api/v1/namespaces', { metadata: { name: 'q' } })).status, 201);
  assert.equal((await s.request('POST', `${NS}/resourcequotas`, { metadata: { name: 'quota' }, spec: { hard } })).status, 201);
  if (used) {
    const r = await s.request('PATCH', `${NS}/resourcequotas/quota/status`, { status: { hard, used } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 200);
  }
  // Admission learns of quotas through a watch that delivers on the next turn of the event loop.
  await new Promise((r) => setImmediate(r));
  return s;
}

async function usedOf(s: TestServer): Promise<Record<string, string>> {
  const q = (await s.request('GET', `${NS}/resourcequotas/quota`)).json() as { status?: { used?: Record<string, string> } };
  return q.status?.used ?? {};
}

describe('ResourceQuota admission', () => {
  test('over quota: 403 Forbidden Status with upstream message; under quota: charged', async () => {
    const s = await setup({ pods: '2' }, { pods: '1' });
    assert.equal((await s.request('POST', `${NS}/pods`, pod('a'))).status, 201);
    assert.deepEqual(await usedOf(s), { pods: '2' });
    const r = await s.request('POST', `${NS}/pods`, pod('b'));
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'pods "b" is forbidden: exceeded quota: quota, requested: pods=1, used: pods=2, limited: pods=2',
      reason: 'Forbidden', details: { name: 'b', kind: 'pods' }, code: 403,
    });
    assert.equal((await s.request('GET', `${NS}/pods/b`)).status, 404);
  });

  test('a pod without the requests a quota limits is refused', async () => {
    const s = await setup({ 'requests.cpu': '1', 'requests.memory': '1Gi' }, { 'requests.cpu': '0', 'requests.memory': '0' });
    const r = await s.request('POST', `${NS}/pods`, pod('a', { requests: { memory: '10Mi' } }));
    assert.equal(r.status, 403);
    assert.equal((r.json() as { message: string }).message, 'pods "a" is forbidden: failed quota: quota: must specify requests.cpu for: c');
    assert.equal((await s.request('POST', `${NS}/pods`, pod('b', { requests: { memory: '10Mi', cpu: '1' } }))).status, 201);
    assert.deepEqual(await usedOf(s), { 'requests.cpu': '1', 'requests.memory': '10Mi' });
    const over = await s.request('POST', `${NS}/pods`, pod('c', { requests: { memory: '10Mi', cpu: '1m' } }));
    assert.equal((over.json() as { message: string }).message, 'pods "c" is forbidden: exceeded quota: quota, requested: requests.cpu=1m, used: requests.cpu=1, limited: requests.cpu=1');
  });

  test('status not yet computed: refused as unknown', async () => {
    const s = await setup({ configmaps: '2', 'count/configmaps': '2' }, { configmaps: '0' });
    const r = await s.request('POST', `${NS}/configmaps`, { metadata: { name: 'c' } });
    assert.equal(r.status, 403);
    assert.equal((r.json() as { message: string }).message, 'configmaps "c" is forbidden: status unknown for quota: quota, resources: configmaps,count/configmaps');
  });

  test('dry run checks but charges nothing', async () => {
    const s = await setup({ configmaps: '1' }, { configmaps: '0' });
    assert.equal((await s.request('POST', `${NS}/configmaps?dryRun=All`, { metadata: { name: 'c' } })).status, 201);
    assert.deepEqual(await usedOf(s), { configmaps: '0' });
    assert.equal((await s.request('POST', `${NS}/configmaps`, { metadata: { name: 'c' } })).status, 201);
    assert.deepEqual(await usedOf(s), { configmaps: '1' });
    assert.equal((await s.request('POST', `${NS}/configmaps?dryRun=All`, { metadata: { name: 'd' } })).status, 403);
  });

  test('concurrent creates cannot both take the last unit', async () => {
    const s = await setup({ secrets: '3' }, { secrets: '0' });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.request('POST', `${NS}/secrets`, { metadata: { name: `s${i}` } })));
    assert.equal(results.filter((r) => r.status === 201).length, 3);
    assert.equal(results.filter((r) => r.status === 403).length, 5);
    assert.deepEqual(await usedOf(s), { secrets: '3' });
  });

  test('an invalid object is refused by validation, not charged', async () => {
    const s = await setup({ configmaps: '5' }, { configmaps: '0' });
    const r = await s.request('POST', `${NS}/configmaps`, { metadata: { name: 'Bad_Name' } });
    assert.equal(r.status, 422);
    assert.deepEqual(await usedOf(s), { configmaps: '0' });
  });

  test('namespaces without quotas and updates of counted objects are untouched', async () => {
    const s = await setup({ configmaps: '1' }, { configmaps: '1' });
    const other = await s.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'free' } });
    assert.equal(other.status, 201);
    assert.equal((await s.request('PUT', '/api/v1/namespaces/default/configmaps/free', { metadata: { name: 'free' }, data: { a: 'b' } })).status, 200);
  });
});

// Conformance rows 63, 64, 65, 68: namespace finalize, update, status patch/update and patch,
// as upstream's apimachinery/namespace.go exercises them.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { client, MERGE, STRATEGIC, type Obj } from './helpers.js';

type Namespace = Obj & { spec: { finalizers?: string[] }; status: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] } };

const FAKE_FINALIZER = 'e2e.example.com/fakeFinalizer';

describe('conformance: namespaces', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
  });

  test('[63] a spec finalizer is added and removed through /finalize', async () => {
    await c.namespace('e2e-ns-finalize');
    const ns = await c.get<Namespace>('/api/v1/namespaces/e2e-ns-finalize');
    assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
    ns.spec.finalizers = [...(ns.spec.finalizers ?? []), FAKE_FINALIZER];
    const added = await c.update<Namespace>('/api/v1/namespaces/e2e-ns-finalize/finalize', ns);
    assert.ok(added.spec.finalizers?.includes(FAKE_FINALIZER));
    assert.ok((await c.get<Namespace>('/api/v1/namespaces/e2e-ns-finalize')).spec.finalizers?.includes(FAKE_FINALIZER));
    added.spec.finalizers = added.spec.finalizers!.filter((f) => f !== FAKE_FINALIZER);
    const removed = await c.update<Namespace>('/api/v1/namespaces/e2e-ns-finalize/finalize', added);
    assert.deepEqual(removed.spec.finalizers, ['kubernetes']);
    assert.deepEqual((await c.get<Namespace>('/api/v1/namespaces/e2e-ns-finalize')).spec.finalizers, ['kubernetes']);
  });

  test('[64] updating a namespace persists the changed label', async () => {
    await c.namespace('e2e-ns-update');
    const ns = await c.get<Namespace>('/api/v1/namespaces/e2e-ns-update');
    ns.metadata.labels = { ...ns.metadata.labels, 'e2e-ns-update': 'updated' };
    const updated = await c.update<Namespace>('/api/v1/namespaces/e2e-ns-update', ns);
    assert.equal(updated.metadata.labels?.['e2e-ns-update'], 'updated');
    assert.equal((await c.get<Namespace>('/api/v1/namespaces/e2e-ns-update')).metadata.labels?.['e2e-ns-update'], 'updated');
  });

  test('[65] namespace status reads Active; patching and updating /status persist conditions', async () => {
    await c.namespace('e2e-ns-status');
    const st = await c.get<Namespace>('/api/v1/namespaces/e2e-ns-status/status');
    assert.equal(st.status.phase, 'Active');
    const patch = { status: { conditions: [{ type: 'StatusPatch', status: 'True', reason: 'E2E', message: 'Patched by an e2e test' }] } };
    const patched = await c.patch<Namespace>('/api/v1/namespaces/e2e-ns-status/status', patch, MERGE);
    assert.deepEqual(patched.status.conditions?.map((x) => x.type), ['StatusPatch']);
    const cur = await c.get<Namespace>('/api/v1/namespaces/e2e-ns-status/status');
    cur.status.conditions = [...(cur.status.conditions ?? []), { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Updated by an e2e test' }];
    const updated = await c.update<Namespace>('/api/v1/namespaces/e2e-ns-status/status', cur);
    assert.deepEqual(updated.status.conditions?.map((x) => x.type), ['StatusPatch', 'StatusUpdate']);
    const read = await c.get<Namespace>('/api/v1/namespaces/e2e-ns-status');
    assert.equal(read.status.phase, 'Active');
    assert.equal(read.status.conditions?.find((x) => x.type === 'StatusUpdate')?.message, 'Updated by an e2e test');
  });

  test('[65] a /status merge patch keeps the annotation it carries', async () => {
    await c.namespace('e2e-ns-status-annotated');
    const patch = { metadata: { annotations: { 'e2e-patched-ns-status': 'e2e-ns-status-annotated' } }, status: { conditions: [{ type: 'StatusPatch', status: 'True', reason: 'E2E', message: 'Patched by an e2e test' }] } };
    const patched = await c.patch<Namespace>('/api/v1/namespaces/e2e-ns-status-annotated/status', patch, MERGE);
    assert.equal(patched.metadata.annotations?.['e2e-patched-ns-status'], 'e2e-ns-status-annotated');
    assert.equal(patched.status.conditions?.at(-1)?.message, 'Patched by an e2e test');
  });

  test('[68] patching a namespace adds a label seen on the next get', async () => {
    await c.namespace('e2e-ns-patch');
    await c.patch('/api/v1/namespaces/e2e-ns-patch', { metadata: { labels: { testLabel: 'testValue' } } }, STRATEGIC);
    assert.equal((await c.get<Namespace>('/api/v1/namespaces/e2e-ns-patch')).metadata.labels?.testLabel, 'testValue');
  });
});

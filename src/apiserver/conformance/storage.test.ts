// Conformance rows 362 (PV/PVC status), 363 (PV/PVC lifecycle), 401 (StorageClass lifecycle).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { client, MERGE, names, STRATEGIC, type Obj } from './helpers.js';

const NS = 'storage-e2e';
type WithStatus = Obj & { spec: Record<string, unknown>; status: { phase?: string; message?: string; conditions?: { type: string; status: string }[] } };

const pv = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, labels },
  spec: { storageClassName: 'e2e-fake', capacity: { storage: '3M' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/tmp/e2e-pv' } },
});
const pvc = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, labels },
  spec: { storageClassName: 'e2e-fake', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1M' } } },
});
const sc = (name: string, labels: Record<string, string>) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, labels }, provisioner: 'e2e-fake-provisioner' });

describe('conformance: storage', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
  });

  test('[362] PV and PVC /status read a phase; status patch and update persist', async () => {
    await c.create('/api/v1/persistentvolumes', pv('pv-status', { 'e2e-pv-pool': 'status' }));
    await c.create(`/api/v1/namespaces/${NS}/persistentvolumeclaims`, pvc('pvc-status', { 'e2e-pv-pool': 'status' }));
    assert.deepEqual(names(await c.list('/api/v1/persistentvolumes?labelSelector=e2e-pv-pool%3Dstatus')), ['pv-status']);
    assert.deepEqual(names(await c.list('/api/v1/persistentvolumeclaims?labelSelector=e2e-pv-pool%3Dstatus')), ['pvc-status']);
    const pvStatus = await c.get<WithStatus>('/api/v1/persistentvolumes/pv-status/status');
    assert.equal(pvStatus.status.phase, 'Pending');
    const pvcStatus = await c.get<WithStatus>(`/api/v1/namespaces/${NS}/persistentvolumeclaims/pvc-status/status`);
    assert.equal(pvcStatus.status.phase, 'Pending');

    const pvPatched = await c.patch<WithStatus>('/api/v1/persistentvolumes/pv-status/status', { status: { message: 'StatusPatched' } }, MERGE);
    assert.equal(pvPatched.status.message, 'StatusPatched');
    const pvcPatched = await c.patch<WithStatus>(`/api/v1/namespaces/${NS}/persistentvolumeclaims/pvc-status/status`, { status: { conditions: [{ type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'Set from an e2e test' }] } }, MERGE);
    assert.equal(pvcPatched.status.conditions?.[0].type, 'StatusPatched');

    pvPatched.status.message = 'StatusUpdated';
    assert.equal((await c.update<WithStatus>('/api/v1/persistentvolumes/pv-status/status', pvPatched)).status.message, 'StatusUpdated');
    pvcPatched.status.conditions = [{ type: 'StatusUpdated', status: 'True' }];
    assert.equal((await c.update<WithStatus>(`/api/v1/namespaces/${NS}/persistentvolumeclaims/pvc-status/status`, pvcPatched)).status.conditions?.[0].type, 'StatusUpdated');
    assert.equal((await c.get<WithStatus>('/api/v1/persistentvolumes/pv-status')).status.message, 'StatusUpdated');
  });

  test('[363] PV and PVC lifecycle: create, list, patch, get, delete, recreate, update, deletecollection', async () => {
    const pvs = '/api/v1/persistentvolumes';
    const pvcs = `/api/v1/namespaces/${NS}/persistentvolumeclaims`;
    const sel = 'labelSelector=e2e-pv-pool%3Dlifecycle';
    await c.create(pvs, pv('pv-life', { 'e2e-pv-pool': 'lifecycle' }));
    await c.create(pvcs, pvc('pvc-life', { 'e2e-pv-pool': 'lifecycle' }));
    assert.deepEqual(names(await c.list(`${pvs}?${sel}`)), ['pv-life']);
    assert.deepEqual(names(await c.list(`/api/v1/persistentvolumeclaims?${sel}`)), ['pvc-life']);
    assert.equal((await c.patch(`${pvs}/pv-life`, { metadata: { labels: { 'pv-life': 'patched' } } }, STRATEGIC)).metadata.labels?.['pv-life'], 'patched');
    assert.equal((await c.patch(`${pvcs}/pvc-life`, { metadata: { labels: { 'pvc-life': 'patched' } } }, STRATEGIC)).metadata.labels?.['pvc-life'], 'patched');
    assert.equal((await c.get(`${pvs}/pv-life`)).metadata.labels?.['pv-life'], 'patched');
    assert.equal((await c.get(`${pvcs}/pvc-life`)).metadata.labels?.['pvc-life'], 'patched');
    await c.del(`${pvcs}/pvc-life`);
    await c.del(`${pvs}/pv-life`);
    await c.fail('GET', `${pvs}/pv-life`, undefined, 404);
    await c.fail('GET', `${pvcs}/pvc-life`, undefined, 404);
    const pv2 = await c.create(pvs, pv('pv-life', { 'e2e-pv-pool': 'lifecycle' }));
    const pvc2 = await c.create(pvcs, pvc('pvc-life', { 'e2e-pv-pool': 'lifecycle' }));
    pv2.metadata.labels = { ...pv2.metadata.labels, 'pv-life': 'updated' };
    pvc2.metadata.labels = { ...pvc2.metadata.labels, 'pvc-life': 'updated' };
    assert.equal((await c.update(`${pvs}/pv-life`, pv2)).metadata.labels?.['pv-life'], 'updated');
    assert.equal((await c.update(`${pvcs}/pvc-life`, pvc2)).metadata.labels?.['pvc-life'], 'updated');
    await c.delCollection(`${pvcs}?${sel}`);
    await c.delCollection(`${pvs}?${sel}`);
    assert.equal((await c.list(`${pvs}?${sel}`)).items.length, 0);
    assert.equal((await c.list(`/api/v1/persistentvolumeclaims?${sel}`)).items.length, 0);
  });

  test('[401] StorageClass lifecycle: create, get, patch, delete, recreate, update, deletecollection', async () => {
    const base = '/apis/storage.k8s.io/v1/storageclasses';
    const sel = 'labelSelector=e2e-sc-test%3Dlifecycle';
    await c.create(base, sc('e2e-sc', { 'e2e-sc-test': 'lifecycle' }));
    assert.equal((await c.get(`${base}/e2e-sc`)).metadata.name, 'e2e-sc');
    assert.equal((await c.patch(`${base}/e2e-sc`, { metadata: { labels: { 'e2e-sc': 'patched' } } }, STRATEGIC)).metadata.labels?.['e2e-sc'], 'patched');
    await c.del(`${base}/e2e-sc`);
    await c.fail('GET', `${base}/e2e-sc`, undefined, 404);
    const again = await c.create(base, sc('e2e-sc', { 'e2e-sc-test': 'lifecycle' }));
    again.metadata.labels = { ...again.metadata.labels, 'e2e-sc': 'updated' };
    assert.equal((await c.update(`${base}/e2e-sc`, again)).metadata.labels?.['e2e-sc'], 'updated');
    await c.fail('PATCH', `${base}/e2e-sc`, { provisioner: 'another' }, 422, MERGE);
    await c.delCollection(`${base}?${sel}`);
    assert.equal((await c.list(`${base}?${sel}`)).items.length, 0);
  });
});

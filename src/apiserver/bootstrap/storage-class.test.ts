// The default StorageClass is created once and an administrator's later edits are kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testServer } from '../testing.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { inProcessTransport } from '../../client/in-process.js';
import { bootstrap } from './bootstrap.js';

test('bootstrap creates the local-path StorageClass and leaves edits alone', async () => {
  const server = await testServer(new MemoryStore());
  const t = inProcessTransport(server.handler);
  const path = '/apis/storage.k8s.io/v1/storageclasses/local-path';
  const sc = await t.request<Record<string, unknown> & { metadata: { annotations: Record<string, string>; resourceVersion: string } }>('GET', path);
  assert.equal(sc.provisioner, 'rancher.io/local-path');
  assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(sc.reclaimPolicy, 'Delete');
  assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
  await t.request('PUT', path, { ...sc, metadata: { ...sc.metadata, annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } });
  await bootstrap(t, { kubernetesServiceIp: '10.43.0.1', advertiseAddress: '127.0.0.1', port: 6443 });
  const again = await t.request<{ metadata: { annotations: Record<string, string> } }>('GET', path);
  assert.equal(again.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'false');
});

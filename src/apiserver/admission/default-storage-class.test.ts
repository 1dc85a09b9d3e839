import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';

test('a claim without a class gets the default class; "" stays classless; a named class is kept', async () => {
  const s = await testServer(new MemoryStore());
  const claim = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra } });
  const classOf = async (body: unknown) => ((await s.request('POST', '/api/v1/namespaces/default/persistentvolumeclaims', body)).json() as { spec: { storageClassName?: string } }).spec.storageClassName;
  assert.equal(await classOf(claim('a')), 'local-path');
  assert.equal(await classOf(claim('b', { storageClassName: '' })), '');
  assert.equal(await classOf(claim('c', { storageClassName: 'fast' })), 'fast');
});

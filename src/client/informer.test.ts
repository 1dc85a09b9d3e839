import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../controllers/framework/testing.js';

test('an informer lists, then follows changes, with indexes and handlers', async () => {
  const env = await controllerTestEnv();
  const cms = env.clients.resource('configmaps');
  await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: 'default', labels: { app: 'x' } } });
  const inf = env.ctx.informers.informer('configmaps');
  inf.addIndexer('app', (o) => [o.metadata?.labels?.app ?? '']);
  const seen: string[] = [];
  inf.addHandler({ add: (o) => seen.push(`add ${o.metadata!.name}`), update: (_o, n) => seen.push(`update ${n.metadata!.name}`), delete: (o) => seen.push(`delete ${o.metadata!.name}`) });
  await env.start();
  assert.ok(inf.getByName('default', 'before'));
  await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'default', labels: { app: 'x' } } });
  await cms.patch('default', 'before', 'merge', { data: { k: 'v' } });
  await cms.delete('default', 'after');
  await env.eventually(() => seen.includes('delete after'));
  assert.deepEqual(seen, ['add before', 'add after', 'update before', 'delete after']);
  assert.deepEqual(inf.byIndex('app', 'x').map((o) => o.metadata!.name), ['before']);
  assert.ok(inf.list('default').length >= 1);
  await env.stop();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../controllers/framework/testing.js';
import { eventRecorder } from './events.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1' } };

test('a repeated event is one Event whose count grows', async () => {
  const env = await controllerTestEnv();
  const rec = eventRecorder(env.clients, 'tester');
  rec.event(pod, 'Normal', 'Pulled', 'pulled the image');
  await env.eventually(async () => (await env.clients.resource('events').list('default')).items.length === 1);
  rec.event(pod, 'Normal', 'Pulled', 'pulled the image');
  const ev = await env.eventually(async () => (await env.clients.resource('events').list('default')).items.find((e) => e.count === 2));
  assert.equal(ev.reason, 'Pulled');
  assert.deepEqual((ev.involvedObject as { name: string }).name, 'web');
  assert.deepEqual(ev.source, { component: 'tester' });
  await env.stop();
});

test('events beyond the rate are dropped, not queued', async () => {
  const env = await controllerTestEnv();
  const now = new Date('2026-11-26T00:00:00Z');
  const rec = eventRecorder(env.clients, 'tester', () => now, undefined, { qps: 1, burst: 3 });
  for (let i = 0; i < 10; i++) rec.event(pod, 'Normal', 'Tick', `tick ${i}`);
  assert.equal(rec.dropped, 7);
  await env.eventually(async () => (await env.clients.resource('events').list('default')).items.length === 3);
  await env.stop();
});

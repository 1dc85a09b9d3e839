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

test('one object gets 25 events, then one per 5 minutes (the spam filter)', async () => {
  const env = await controllerTestEnv();
  let now = Date.parse('2026-11-26T00:00:00Z');
  const rec = eventRecorder(env.clients, 'tester', () => new Date(now));
  for (let i = 0; i < 30; i++) rec.event(pod, 'Warning', 'CIDRNotAvailable', `attempt ${i}`);
  assert.equal(rec.dropped, 5);
  now += 5 * 60_000;
  rec.event(pod, 'Warning', 'CIDRNotAvailable', 'attempt 30');
  rec.event(pod, 'Warning', 'CIDRNotAvailable', 'attempt 31');
  assert.equal(rec.dropped, 6);
  const other = { ...pod, metadata: { ...pod.metadata, name: 'db', uid: 'u2' } };
  rec.event(other, 'Normal', 'Pulled', 'pulled');
  assert.equal(rec.dropped, 6);
  await env.eventually(async () => (await env.clients.resource('events').list('default')).items.length === 27);
  await env.stop();
});

test('a repeat after the Event expired creates it again', async () => {
  const env = await controllerTestEnv();
  const rec = eventRecorder(env.clients, 'tester');
  const events = env.clients.resource('events');
  rec.event(pod, 'Normal', 'Pulled', 'pulled the image');
  const first = await env.eventually(async () => (await events.list('default')).items[0]);
  await events.delete('default', first.metadata!.name!);
  rec.event(pod, 'Normal', 'Pulled', 'pulled the image');
  const again = await env.eventually(async () => (await events.list('default')).items[0]);
  assert.equal(again.count, 1);
  assert.notEqual(again.metadata!.name, first.metadata!.name);
  await env.stop();
});

test("event names carry their time, so a list shows each object's events in order", async () => {
  const env = await controllerTestEnv();
  const t0 = Date.parse('2026-11-26T00:00:00Z');
  let now = t0;
  // One write at a time: the events land in the store in any order a busy recorder produces.
  const rec = eventRecorder(env.clients, 'tester', () => new Date(now), undefined, { concurrency: 1 });
  const reasons = ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'];
  for (const [i, r] of reasons.entries()) {
    if (i === 3) now += 1;
    rec.event(pod, 'Normal', r, r.toLowerCase());
  }
  const items = await env.eventually(async () => {
    const list = (await env.clients.resource('events').list('default')).items;
    return list.length === reasons.length && list;
  });
  assert.deepEqual(items.map((e) => e.reason), reasons);
  for (const e of items) assert.match(e.metadata!.name!, /^web\.[0-9a-f]+$/);
  assert.equal(BigInt(`0x${items[0].metadata!.name!.slice(4)}`) / 1_000_000n, BigInt(t0));
  await env.stop();
});

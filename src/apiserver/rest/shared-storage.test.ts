// Kinds that are views of another resource's storage: events.k8s.io/v1 and core/v1 Events are
// one set of objects, as on upstream.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { collectWatch, testServer } from '../testing.js';

test('an event written through either API is read, listed and watched through both', async () => {
  const s = await testServer(new MemoryStore());
  const stop = new AbortController();
  const w = collectWatch(await s.request('GET', '/api/v1/namespaces/default/events?watch=true'), stop.signal);
  const created = await s.request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'pulled' }, eventTime: '2026-11-26T05:00:00.000000Z',
    reportingController: 'example.com/ctl', reportingInstance: 'ctl-1', action: 'Pull', reason: 'Pulled', type: 'Normal',
    regarding: { kind: 'Pod', name: 'web', namespace: 'default', apiVersion: 'v1' }, note: 'pulled the image',
  });
  assert.equal(created.status, 201, String(created.body));
  const core = (await s.request('GET', '/api/v1/namespaces/default/events/pulled')).json() as Record<string, unknown> & { metadata: { resourceVersion: string } };
  assert.equal(core.apiVersion, 'v1');
  assert.equal(core.message, 'pulled the image');
  assert.deepEqual(core.involvedObject, { kind: 'Pod', name: 'web', namespace: 'default', apiVersion: 'v1' });
  assert.equal(core.reportingComponent, 'example.com/ctl');
  assert.equal(core.metadata.resourceVersion, (created.json() as { metadata: { resourceVersion: string } }).metadata.resourceVersion);

  const coreEvent = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'scheduled' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Scheduled', message: 'assigned', type: 'Normal', source: { component: 'default-scheduler' }, count: 1, firstTimestamp: '2026-11-26T05:00:00Z', lastTimestamp: '2026-11-26T05:00:00Z' };
  assert.equal((await s.request('POST', '/api/v1/namespaces/default/events', coreEvent)).status, 201);
  const list = (await s.request('GET', '/apis/events.k8s.io/v1/namespaces/default/events')).json() as { items: Record<string, unknown>[] };
  const scheduled = list.items.find((e) => (e.metadata as { name: string }).name === 'scheduled')!;
  assert.equal(scheduled.apiVersion, 'events.k8s.io/v1');
  assert.equal(scheduled.note, 'assigned');
  assert.deepEqual(scheduled.deprecatedSource, { component: 'default-scheduler' });
  assert.equal(list.items.length, 2);
  const bySelector = (await s.request('GET', '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=reason%3DScheduled')).json() as { items: unknown[] };
  assert.equal(bySelector.items.length, 1);
  for (let i = 0; i < 1000 && w.events.length < 2; i++) await new Promise((r) => setImmediate(r));
  stop.abort();
  await w.done;
  assert.deepEqual(w.events.map((e) => [e.type, e.object.apiVersion, e.object.metadata!.name]), [['ADDED', 'v1', 'pulled'], ['ADDED', 'v1', 'scheduled']]);
});

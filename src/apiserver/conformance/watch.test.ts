// Conformance rows 88-92: the watch-configmaps-* tests and watch-consistency, step by step as in
// upstream's apimachinery/watch.go (label-selected ConfigMap watches).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { client, MERGE, until, type Obj } from './helpers.js';

const NS = 'watch-e2e';
const base = `/api/v1/namespaces/${NS}/configmaps`;
const LABEL = 'watch-this-configmap';
type Ev = { type: string; object: Obj & { data?: Record<string, string> } };

const cm = (name: string, label: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { [LABEL]: label } } });
const sel = (expr: string) => `labelSelector=${encodeURIComponent(expr)}`;
const mutate = (c: ReturnType<typeof client>, name: string, n: number) => c.patch(`${base}/${name}`, { data: { mutation: String(n) } }, MERGE);
const shape = (events: Ev[]) => events.map((e) => `${e.type}:${e.object.metadata.name}:${e.object.data?.mutation ?? '-'}`);

describe('conformance: watch', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
  });

  test('[90] several label-selected watchers each see exactly their ConfigMaps', async () => {
    const watchA = await c.watch(`${base}?watch=true&${sel(`${LABEL}=multiple-watchers-A`)}`);
    const watchB = await c.watch(`${base}?watch=true&${sel(`${LABEL}=multiple-watchers-B`)}`);
    const watchAB = await c.watch(`${base}?watch=true&${sel(`${LABEL} in (multiple-watchers-A,multiple-watchers-B)`)}`);
    await c.create(base, cm('e2e-watch-test-configmap-a', 'multiple-watchers-A'));
    await mutate(c, 'e2e-watch-test-configmap-a', 1);
    await mutate(c, 'e2e-watch-test-configmap-a', 2);
    await c.del(`${base}/e2e-watch-test-configmap-a`);
    await c.create(base, cm('e2e-watch-test-configmap-b', 'multiple-watchers-B'));
    await c.del(`${base}/e2e-watch-test-configmap-b`);
    await until(() => watchA.events.length >= 4 && watchB.events.length >= 2 && watchAB.events.length >= 6, 'all events');
    for (const w of [watchA, watchB, watchAB]) await w.stop();
    const a = ['ADDED:e2e-watch-test-configmap-a:-', 'MODIFIED:e2e-watch-test-configmap-a:1', 'MODIFIED:e2e-watch-test-configmap-a:2', 'DELETED:e2e-watch-test-configmap-a:2'];
    const b = ['ADDED:e2e-watch-test-configmap-b:-', 'DELETED:e2e-watch-test-configmap-b:-'];
    assert.deepEqual(shape(watchA.events), a);
    assert.deepEqual(shape(watchB.events), b);
    assert.deepEqual(shape(watchAB.events), [...a, ...b]);
  });

  test('[88] a watch closed and restarted at the last seen resourceVersion continues from exactly there', async () => {
    const name = 'e2e-watch-test-watch-closed';
    const w1 = await c.watch(`${base}?watch=true&${sel(`${LABEL}=watch-closed-and-restarted`)}`);
    await c.create(base, cm(name, 'watch-closed-and-restarted'));
    await mutate(c, name, 1);
    await until(() => w1.events.length >= 2, 'two notifications');
    await w1.stop();
    assert.deepEqual(shape(w1.events), [`ADDED:${name}:-`, `MODIFIED:${name}:1`]);
    const lastRV = w1.events[1].object.metadata.resourceVersion!;
    await mutate(c, name, 2);
    const w2 = await c.watch(`${base}?watch=true&resourceVersion=${lastRV}&${sel(`${LABEL}=watch-closed-and-restarted`)}`);
    await c.del(`${base}/${name}`);
    await until(() => w2.events.length >= 2, 'changes since the first watch closed');
    await w2.stop();
    assert.deepEqual(shape(w2.events), [`MODIFIED:${name}:2`, `DELETED:${name}:2`]);
  });

  test('[89] a watch from an older resourceVersion replays only later changes', async () => {
    const name = 'e2e-watch-test-resource-version';
    await c.create(base, cm(name, 'from-resource-version'));
    const first = await mutate(c, name, 1);
    await mutate(c, name, 2);
    await c.del(`${base}/${name}`);
    const w = await c.watch(`${base}?watch=true&resourceVersion=${first.metadata.resourceVersion}&${sel(`${LABEL}=from-resource-version`)}`);
    await until(() => w.events.length >= 2, 'replayed changes');
    await w.stop();
    assert.deepEqual(shape(w.events), [`MODIFIED:${name}:2`, `DELETED:${name}:2`]);
  });

  test('[91] a ConfigMap whose label stops matching is DELETED for the watch, and ADDED when it matches again', async () => {
    const name = 'e2e-watch-test-label-changed';
    const w = await c.watch(`${base}?watch=true&${sel(`${LABEL}=label-changed-and-restored`)}`);
    await c.create(base, cm(name, 'label-changed-and-restored'));
    await mutate(c, name, 1);
    await c.patch(`${base}/${name}`, { metadata: { labels: { [LABEL]: 'wrong-value' } } }, MERGE);
    await mutate(c, name, 2); // not observed: the label does not match
    await c.patch(`${base}/${name}`, { metadata: { labels: { [LABEL]: 'label-changed-and-restored' } } }, MERGE);
    await mutate(c, name, 3);
    await c.del(`${base}/${name}`);
    await until(() => w.events.length >= 6, 'all notifications');
    await w.stop();
    assert.deepEqual(shape(w.events), [`ADDED:${name}:-`, `MODIFIED:${name}:1`, `DELETED:${name}:1`, `ADDED:${name}:2`, `MODIFIED:${name}:3`, `DELETED:${name}:3`]);
  });

  test('[92] watches started at each event\'s resourceVersion during concurrent writes all see the same sequence', async () => {
    const list = await c.list(base);
    const first = await c.watch(`${base}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
    // A producer making random creates, updates and deletes, as upstream's does.
    let seed = 42;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const existing = new Set<string>();
    const writes = 120;
    const later: Awaited<ReturnType<typeof c.watch>>[] = [];
    const starts: number[] = [];
    for (let i = 0; i < writes; i++) {
      const op = existing.size === 0 ? 0 : rand(3);
      if (op === 0) {
        const name = `wc-${i}`;
        await c.create(base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
        existing.add(name);
      } else {
        const name = [...existing][rand(existing.size)];
        if (op === 1) await c.patch(`${base}/${name}`, { data: { i: String(i) } }, MERGE);
        else {
          await c.del(`${base}/${name}`);
          existing.delete(name);
        }
      }
      // Every tenth write, start another watch at the resourceVersion of the first watcher's latest event.
      if (i % 10 === 9) {
        await until(() => first.events.length >= i + 1, 'first watcher caught up');
        starts.push(i + 1);
        later.push(await c.watch(`${base}?watch=true&resourceVersion=${first.events[i].object.metadata.resourceVersion}`));
      }
    }
    await until(() => first.events.length >= writes && later.every((w, k) => w.events.length >= writes - starts[k]), 'all watchers caught up');
    const key = (e: Ev) => `${e.type}:${e.object.metadata.name}:${e.object.metadata.resourceVersion}`;
    const reference = first.events.map(key);
    assert.equal(reference.length, writes);
    for (const [k, w] of later.entries()) assert.deepEqual(w.events.map(key), reference.slice(starts[k]), `watcher started after event ${starts[k]}`);
    for (const w of [first, ...later]) await w.stop();
  });
});

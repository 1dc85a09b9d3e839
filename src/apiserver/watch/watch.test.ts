// Watch correctness through the whole request path on a real SQLite store: concurrent writers
// and watchers, resuming from a revision, 410 after compaction, filtered watches, Tables.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { collectWatch, testServer, type TestServer } from '../testing.js';

const cm = (name: string, value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'w' } }, data: { v: value } });

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

describe('watch over the request path', () => {
  let dir: string;
  let store: SqliteStore;
  let s: TestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-watch-'));
    store = SqliteStore.open(join(dir, 'state.db'));
    s = await testServer(store);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every watcher sees every change of concurrent writers, in revision order, without gaps', async () => {
    const list = (await s.request('GET', '/api/v1/namespaces/default/configmaps')).json() as { metadata: { resourceVersion: string } };
    const stop = new AbortController();
    const watchers = await Promise.all(Array.from({ length: 5 }, async () => collectWatch(await s.request('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`), stop.signal)));
    const writers = 4;
    const perWriter = 25;
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      const name = `cw-${w}`;
      assert.equal((await s.request('POST', '/api/v1/namespaces/default/configmaps', cm(name, '0'))).status, 201);
      for (let i = 1; i < perWriter; i++) {
        const r = await s.request('PATCH', `/api/v1/namespaces/default/configmaps/${name}`, { data: { v: String(i) } }, { 'content-type': 'application/merge-patch+json' });
        assert.equal(r.status, 200);
      }
    }));
    const total = writers * perWriter;
    await until(() => watchers.every((w) => w.events.length >= total));
    stop.abort();
    for (const w of watchers) {
      const rvs = w.events.map((e) => Number(e.object.metadata!.resourceVersion));
      assert.equal(w.events.length, total);
      assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'revision order');
      // Revisions are contiguous: the writers were the only writers.
      assert.equal(rvs[rvs.length - 1] - rvs[0], total - 1, 'no gaps');
      for (let wr = 0; wr < writers; wr++) {
        const mine = w.events.filter((e) => e.object.metadata!.name === `cw-${wr}`);
        assert.equal(mine[0].type, 'ADDED');
        assert.deepEqual(mine.map((e) => (e.object.data as { v: string }).v), Array.from({ length: perWriter }, (_, i) => String(i)));
      }
    }
  });

  test('resuming from a revision replays exactly the rest', async () => {
    const first = (await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('resume', 'a'))).json() as { metadata: { resourceVersion: string } };
    for (const v of ['b', 'c', 'd']) await s.request('PATCH', '/api/v1/namespaces/default/configmaps/resume', { data: { v } }, { 'content-type': 'application/merge-patch+json' });
    await s.request('DELETE', '/api/v1/namespaces/default/configmaps/resume');
    const stop = new AbortController();
    const w = collectWatch(await s.request('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${first.metadata.resourceVersion}&fieldSelector=metadata.name%3Dresume`), stop.signal);
    await until(() => w.events.length >= 4);
    stop.abort();
    assert.deepEqual(w.events.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(w.events.slice(0, 3).map((e) => (e.object.data as { v: string }).v), ['b', 'c', 'd']);
  });

  test('resourceVersion=0 starts with synthetic ADDED events; a label selector turns changes into ADDED/DELETED', async () => {
    await s.request('POST', '/api/v1/namespaces/default/configmaps', { ...cm('sel', 'x'), metadata: { name: 'sel', labels: { pick: 'yes' } } });
    const stop = new AbortController();
    const w = collectWatch(await s.request('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&labelSelector=pick%3Dyes'), stop.signal);
    await until(() => w.events.length >= 1);
    await s.request('PATCH', '/api/v1/namespaces/default/configmaps/sel', { metadata: { labels: { pick: 'no' } } }, { 'content-type': 'application/merge-patch+json' });
    await s.request('PATCH', '/api/v1/namespaces/default/configmaps/sel', { metadata: { labels: { pick: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
    await until(() => w.events.length >= 3);
    stop.abort();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'DELETED', 'ADDED']);
  });

  test('a compacted revision gives an ERROR event with 410 Expired', async () => {
    const old = (await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('compact-me', '1'))).json() as { metadata: { resourceVersion: string } };
    await s.request('PATCH', '/api/v1/namespaces/default/configmaps/compact-me', { data: { v: '2' } }, { 'content-type': 'application/merge-patch+json' });
    await store.compact(await store.currentRevision());
    const stop = new AbortController();
    const w = collectWatch(await s.request('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old.metadata.resourceVersion}`), stop.signal);
    await w.done;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
    // A list continue token from before the compaction is expired too.
  });

  test('watch with the Table Accept sends one-row Tables, columns only first', async () => {
    const list = (await s.request('GET', '/api/v1/namespaces/default/configmaps')).json() as { metadata: { resourceVersion: string } };
    const stop = new AbortController();
    const w = collectWatch(await s.request('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }), stop.signal);
    await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('t1', '1'));
    await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('t2', '1'));
    await until(() => w.events.length >= 2);
    stop.abort();
    const [a, b] = w.events.map((e) => e.object as { kind: string; columnDefinitions?: unknown[]; rows: { cells: unknown[] }[] });
    assert.equal(a.kind, 'Table');
    assert.ok(a.columnDefinitions && a.columnDefinitions.length > 0);
    assert.equal(b.columnDefinitions, undefined);
    assert.equal(b.rows[0].cells[0], 't2');
  });
});

describe('watch bookmarks', () => {
  test('a watch that allows bookmarks gets BOOKMARK events carrying the newest revision; others do not', async () => {
    const { MemoryStore } = await import('../../storage/memory/memory-store.js');
    const s = await testServer(new MemoryStore(), { bookmarkIntervalMs: 20 });
    const stop = new AbortController();
    const withBm = collectWatch(await s.request('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&allowWatchBookmarks=true'), stop.signal);
    const without = collectWatch(await s.request('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0'), stop.signal);
    const created = (await s.request('POST', '/api/v1/namespaces/default/configmaps', cm('bm', '1'))).json() as { metadata: { resourceVersion: string } };
    await until(() => withBm.events.some((e) => e.type === 'BOOKMARK' && e.object.metadata!.resourceVersion === created.metadata.resourceVersion));
    stop.abort();
    const bm = withBm.events.find((e) => e.type === 'BOOKMARK')!;
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.equal(bm.object.apiVersion, 'v1');
    assert.ok(without.events.every((e) => e.type !== 'BOOKMARK'));
  });
});

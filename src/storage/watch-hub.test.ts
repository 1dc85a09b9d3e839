import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError } from './store.js';
import type { WatchEvent } from './store.js';
import { WatchBacklogError, WatchHub } from './watch-hub.js';
import type { HistorySource } from './watch-hub.js';

const ev = (revision: number, key = '/k'): WatchEvent => ({
  type: 'put',
  kv: { key, value: new Uint8Array([revision]), createRevision: revision, modRevision: revision },
  revision,
});

/** A history of revisions 1..n on key /k, recording each page request. */
function source(n: number, compacted = 0): HistorySource & { calls: [number, number, number][] } {
  const calls: [number, number, number][] = [];
  return {
    calls,
    readHistory(prefix, after, upTo, limit) {
      calls.push([after, upTo, limit]);
      if (after < compacted) throw new CompactedError(after, compacted);
      const out: WatchEvent[] = [];
      for (let r = after + 1; r <= upTo && out.length < limit; r++) out.push(ev(r));
      return out;
    },
  };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('replays history page by page, then live events, without gap or duplicate', async () => {
  const src = source(5);
  const hub = new WatchHub(src, { historyPageSize: 2 });
  const got: number[] = [];
  hub.add('/', { fromRevision: 1, onEvent: (e) => got.push(e.revision) }, 5);
  hub.publish(ev(6));
  hub.publish(ev(7));
  assert.deepEqual(got, [], 'delivery never happens inside publish');
  await turns(5);
  assert.deepEqual(got, [2, 3, 4, 5, 6, 7]);
  assert.deepEqual(src.calls, [
    [1, 5, 2],
    [3, 5, 2],
  ]);
});

test('a watcher over its backlog bound is ended; writers and other watchers carry on', async () => {
  const hub = new WatchHub(source(0), { watchBacklogLimit: 3 });
  let err: Error | undefined;
  const slow: number[] = [];
  const fast: number[] = [];
  hub.add('/', { fromRevision: 0, onEvent: (e) => slow.push(e.revision), onError: (e) => (err = e) }, 0);
  const other = hub.add('/other/', { fromRevision: 0, onEvent: (e) => fast.push(e.revision) }, 0);
  // Four events before the slow watcher's turn: one more than it may hold.
  for (let r = 1; r <= 4; r++) hub.publish(ev(r, r === 2 ? '/other/x' : '/k'));
  await turns(2);
  assert.ok(err instanceof WatchBacklogError);
  assert.deepEqual(slow, []);
  assert.deepEqual(fast, [2]);
  assert.equal(hub.size, 1);
  other.close();
  assert.equal(hub.size, 0);
});

test('a compaction during replay ends the watcher with CompactedError', async () => {
  const hub = new WatchHub(source(10, 4), { historyPageSize: 100 });
  let err: Error | undefined;
  hub.add('/', { fromRevision: 2, onEvent: () => assert.fail('no event expected'), onError: (e) => (err = e) }, 10);
  await turns(2);
  assert.ok(err instanceof CompactedError);
  assert.equal(hub.size, 0);
});

test('watchers of an event share one event object', async () => {
  const hub = new WatchHub(source(0));
  const seen: WatchEvent[] = [];
  hub.add('/', { fromRevision: 0, onEvent: (e) => seen.push(e) }, 0);
  hub.add('/', { fromRevision: 0, onEvent: (e) => seen.push(e) }, 0);
  const published = ev(1);
  hub.publish(published);
  await turns(1);
  assert.equal(seen.length, 2);
  assert.equal(seen[0], published);
  assert.equal(seen[1], published);
});

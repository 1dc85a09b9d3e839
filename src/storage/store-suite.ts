// The contract test suite every Store backend runs (memory, SQLite, later etcd): same inputs,
// same observable behaviour. Call storeSuite() from a backend's *.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
  StoreClosedError,
} from './store.js';
import type { KeyValue, Store, WatchEvent } from './store.js';

export type MakeStore = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (v: Uint8Array): string => new TextDecoder().decode(v);

interface PlainKv {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
}
const plain = (kv: KeyValue): PlainKv => ({ key: kv.key, value: dec(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision });
const plainEvent = (e: WatchEvent) => ({
  type: e.type,
  revision: e.revision,
  kv: plain(e.kv),
  ...(e.prevKv ? { prevKv: plain(e.prevKv) } : {}),
});

/** Collects a watcher's events; `until` resolves (event-driven, no sleeping) once a condition holds. */
export class Collector {
  readonly events: WatchEvent[] = [];
  error: Error | undefined;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  readonly onEvent = (e: WatchEvent): void => {
    this.events.push(e);
    this.wake();
  };
  readonly onError = (err: Error): void => {
    this.error = err;
    this.wake();
  };

  until(check: (c: Collector) => boolean, what = 'condition'): Promise<void> {
    if (check(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.events.length} events`)), 5000);
      this.waiters.push({
        check: () => check(this),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  untilRevision(rev: number): Promise<void> {
    return this.until((c) => c.events.length > 0 && c.events[c.events.length - 1].revision >= rev, `revision ${rev}`);
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

/** Resolves after pending setImmediate callbacks (watch delivery) have run. */
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export function storeSuite(name: string, makeStore: MakeStore): void {
  const it = (title: string, fn: (store: Store) => Promise<void>): void => {
    test(title, async () => {
      const { store, cleanup } = await makeStore();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    });
  };

  describe(`Store contract: ${name}`, () => {
    it('create, get, update, delete with typed errors', async (s) => {
      assert.equal(await s.get('/r/a'), undefined);
      const r1 = await s.create('/r/a', enc('one'));
      assert.equal(r1, 1);
      assert.deepEqual(plain((await s.get('/r/a'))!), { key: '/r/a', value: 'one', createRevision: 1, modRevision: 1 });

      await assert.rejects(s.create('/r/a', enc('again')), (e) => e instanceof KeyExistsError && e.key === '/r/a');

      const r2 = await s.update('/r/a', enc('two'), r1);
      assert.equal(r2, 2);
      assert.deepEqual(plain((await s.get('/r/a'))!), { key: '/r/a', value: 'two', createRevision: 1, modRevision: 2 });

      await assert.rejects(s.update('/r/a', enc('x'), r1), (e) => {
        assert.ok(e instanceof RevisionConflictError);
        assert.deepEqual(plain(e.current), { key: '/r/a', value: 'two', createRevision: 1, modRevision: 2 });
        return true;
      });
      await assert.rejects(s.update('/r/missing', enc('x'), 1), (e) => e instanceof KeyNotFoundError && e.key === '/r/missing');
      await assert.rejects(s.delete('/r/missing'), KeyNotFoundError);
      await assert.rejects(s.delete('/r/a', r1), RevisionConflictError);

      const del = await s.delete('/r/a', r2);
      assert.equal(del.revision, 3);
      assert.deepEqual(plain(del.prev), { key: '/r/a', value: 'two', createRevision: 1, modRevision: 2 });
      assert.equal(await s.get('/r/a'), undefined);
      await assert.rejects(s.update('/r/a', enc('x'), 3), KeyNotFoundError);
      await assert.rejects(s.delete('/r/a'), KeyNotFoundError);

      // A new incarnation of the key gets a new createRevision.
      assert.equal(await s.create('/r/a', enc('three')), 4);
      assert.deepEqual(plain((await s.get('/r/a'))!), { key: '/r/a', value: 'three', createRevision: 4, modRevision: 4 });
      assert.equal(await s.currentRevision(), 4);
    });

    it('revisions increase by exactly one per successful write; failures consume none', async (s) => {
      const revs: number[] = [];
      revs.push(await s.create('/k/1', enc('a')));
      await assert.rejects(s.create('/k/1', enc('a')));
      revs.push(await s.create('/k/2', enc('b')));
      await assert.rejects(s.update('/k/2', enc('c'), 999));
      revs.push(await s.update('/k/2', enc('c'), revs[1]));
      revs.push((await s.delete('/k/1')).revision);
      // Concurrent callers still get distinct, contiguous revisions.
      revs.push(...(await Promise.all([0, 1, 2, 3].map((i) => s.create(`/k/c${i}`, enc(String(i)))))));
      assert.deepEqual(revs, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(await s.currentRevision(), 8);
    });

    it('keeps no reference to values passed in or returned', async (s) => {
      const v = enc('orig');
      await s.create('/v', v);
      v[0] = 0x58;
      const got = (await s.get('/v'))!;
      assert.equal(dec(got.value), 'orig');
      got.value[0] = 0x59;
      assert.equal(dec((await s.get('/v'))!.value), 'orig');
      const listed = (await s.list('/')).items[0];
      listed.value[0] = 0x5a;
      assert.equal(dec((await s.get('/v'))!.value), 'orig');
    });

    it('stores empty values and arbitrary bytes', async (s) => {
      const bytes = new Uint8Array([0, 255, 0, 1, 0xc3]);
      const r1 = await s.create('/bin', new Uint8Array(0));
      assert.equal((await s.get('/bin'))!.value.length, 0);
      await s.update('/bin', bytes, r1);
      assert.deepEqual([...(await s.get('/bin'))!.value], [...bytes]);
      const c = new Collector();
      s.watch('/', { fromRevision: 0, onEvent: c.onEvent });
      await c.untilRevision(2);
      assert.equal(c.events[1].prevKv?.value.length, 0);
      assert.deepEqual([...c.events[1].kv.value], [...bytes]);
    });

    it('lists in key order with prefix, limit, startAfter and remaining', async (s) => {
      for (const k of ['/registry/pods/ns/b', '/registry/pods/ns/a', '/registry/pods/ns/c', '/registry/podsx/z', '/registry/pod', '/registry/pods/ns/d']) {
        await s.create(k, enc(k));
      }
      await s.delete('/registry/pods/ns/d');
      const all = await s.list('/registry/pods/');
      assert.deepEqual(all.items.map((i) => i.key), ['/registry/pods/ns/a', '/registry/pods/ns/b', '/registry/pods/ns/c']);
      assert.equal(all.items[0].value.length, '/registry/pods/ns/a'.length);
      assert.equal(all.revision, 7);
      assert.equal(all.remaining, 0);

      const p1 = await s.list('/registry/pods/', { limit: 2 });
      assert.deepEqual(p1.items.map((i) => i.key), ['/registry/pods/ns/a', '/registry/pods/ns/b']);
      assert.equal(p1.remaining, 1);
      const p2 = await s.list('/registry/pods/', { limit: 2, startAfter: '/registry/pods/ns/b', revision: p1.revision });
      assert.deepEqual(p2.items.map((i) => i.key), ['/registry/pods/ns/c']);
      assert.equal(p2.remaining, 0);
      const exact = await s.list('/registry/pods/', { limit: 3 });
      assert.equal(exact.remaining, 0);

      assert.deepEqual((await s.list('/registry/pod')).items.map((i) => i.key), [
        '/registry/pod',
        '/registry/pods/ns/a',
        '/registry/pods/ns/b',
        '/registry/pods/ns/c',
        '/registry/podsx/z',
      ]);
      assert.equal((await s.list('')).items.length, 5);
      assert.deepEqual((await s.list('/nothing/')).items, []);
      assert.equal(await s.count('/registry/pods/'), 3);
      assert.equal(await s.count('/registry/'), 5);
      assert.equal(await s.count('/nothing/'), 0);
    });

    it('lists and pages consistently at an old revision', async (s) => {
      await s.create('/p/a', enc('a1')); // 1
      await s.create('/p/b', enc('b1')); // 2
      await s.create('/p/gone', enc('g')); // 3
      await s.delete('/p/gone'); // 4
      await s.create('/p/c', enc('c1')); // 5
      const page1 = await s.list('/p/', { limit: 2 });
      assert.equal(page1.revision, 5);
      assert.deepEqual(page1.items.map((i) => i.key), ['/p/a', '/p/b']);
      // Writes between pages must not show through.
      await s.update('/p/c', enc('c2'), 5);
      await s.delete('/p/a');
      await s.create('/p/d', enc('d1'));
      const page2 = await s.list('/p/', { limit: 2, startAfter: '/p/b', revision: page1.revision });
      assert.deepEqual(page2.items.map(plain), [{ key: '/p/c', value: 'c1', createRevision: 5, modRevision: 5 }]);
      assert.equal(page2.remaining, 0);

      const at3 = await s.list('/p/', { revision: 3 });
      assert.deepEqual(at3.items.map((i) => `${i.key}=${dec(i.value)}`), ['/p/a=a1', '/p/b=b1', '/p/gone=g']);
      const at4 = await s.list('/p/', { revision: 4 });
      assert.deepEqual(at4.items.map((i) => i.key), ['/p/a', '/p/b']);
      const now = await s.list('/p/');
      assert.deepEqual(now.items.map((i) => `${i.key}=${dec(i.value)}`), ['/p/b=b1', '/p/c=c2', '/p/d=d1']);
      await assert.rejects(s.list('/p/', { revision: 100 }), StorageError);
    });

    it('watch delivers prevKv; history replay equals what live watchers saw', async (s) => {
      const live = new Collector();
      s.watch('/w/', { fromRevision: 0, onEvent: live.onEvent });
      await s.create('/w/a', enc('a1')); // 1
      await s.update('/w/a', enc('a2'), 1); // 2
      await s.create('/other/x', enc('x')); // 3
      await s.delete('/w/a'); // 4
      await s.create('/w/a', enc('a3')); // 5
      await live.untilRevision(5);
      const expected = [
        { type: 'put', revision: 1, kv: { key: '/w/a', value: 'a1', createRevision: 1, modRevision: 1 } },
        {
          type: 'put',
          revision: 2,
          kv: { key: '/w/a', value: 'a2', createRevision: 1, modRevision: 2 },
          prevKv: { key: '/w/a', value: 'a1', createRevision: 1, modRevision: 1 },
        },
        {
          type: 'delete',
          revision: 4,
          kv: { key: '/w/a', value: 'a2', createRevision: 1, modRevision: 4 },
          prevKv: { key: '/w/a', value: 'a2', createRevision: 1, modRevision: 2 },
        },
        { type: 'put', revision: 5, kv: { key: '/w/a', value: 'a3', createRevision: 5, modRevision: 5 } },
      ];
      assert.deepEqual(live.events.map(plainEvent), expected);

      const replay = new Collector();
      s.watch('/w/', { fromRevision: 0, onEvent: replay.onEvent });
      await replay.untilRevision(5);
      assert.deepEqual(replay.events.map(plainEvent), expected);

      const fromMid = new Collector();
      s.watch('/w/', { fromRevision: 2, onEvent: fromMid.onEvent });
      await fromMid.untilRevision(5);
      assert.deepEqual(fromMid.events.map(plainEvent), expected.slice(2));
    });

    it('watchers see every event exactly once, in order, across history and live', async (s) => {
      type Write = { rev: number; key: string; type: 'put' | 'delete' };
      const log: Write[] = [];
      const watchers: { prefix: string; from: number; c: Collector }[] = [];
      const startWatcher = (prefix: string, from: number): void => {
        const c = new Collector();
        s.watch(prefix, { fromRevision: from, onEvent: c.onEvent, onError: c.onError });
        watchers.push({ prefix, from, c });
      };
      startWatcher('/cw/', 0);
      const writer = async (w: number): Promise<void> => {
        const prefix = w === 2 ? '/elsewhere/' : '/cw/';
        for (let i = 0; i < 25; i++) {
          const key = `${prefix}w${w}-${i % 5}`;
          const cur = await s.get(key);
          if (!cur) log.push({ rev: await s.create(key, enc(`${w}:${i}`)), key, type: 'put' });
          else if (i % 3 === 0) log.push({ rev: (await s.delete(key, cur.modRevision)).revision, key, type: 'delete' });
          else log.push({ rev: await s.update(key, enc(`${w}:${i}`), cur.modRevision), key, type: 'put' });
          // New watchers join mid-stream, some far back in history, some at "now".
          if (w === 0 && i % 6 === 3) {
            const now = await s.currentRevision();
            startWatcher('/cw/', Math.floor(now / 2));
            startWatcher('/cw/', now);
            startWatcher('', now - 1);
          }
        }
      };
      await Promise.all([writer(0), writer(1), writer(2)]);
      const last = await s.currentRevision();
      assert.equal(log.length, last);
      for (const w of watchers) {
        const want = log
          .filter((e) => e.rev > w.from && e.key.startsWith(w.prefix))
          .sort((a, b) => a.rev - b.rev)
          .map((e) => `${e.rev} ${e.type} ${e.key}`);
        const lastWanted = want.length ? Number(want[want.length - 1].split(' ')[0]) : 0;
        if (lastWanted > 0) await w.c.untilRevision(lastWanted);
        assert.equal(w.c.error, undefined);
        assert.deepEqual(w.c.events.map((e) => `${e.revision} ${e.type} ${e.kv.key}`), want, `watcher ${w.prefix} from ${w.from}`);
      }
      assert.ok(watchers.length >= 10);
    });

    it('watch isolates prefixes and honours a future fromRevision', async (s) => {
      const pods = new Collector();
      const future = new Collector();
      s.watch('/registry/pods/', { fromRevision: 0, onEvent: pods.onEvent });
      s.watch('/registry/', { fromRevision: 3, onEvent: future.onEvent });
      await s.create('/registry/podsecurity/x', enc('1'));
      await s.create('/registry/pods/a', enc('2'));
      await s.create('/registry/pod', enc('3'));
      await s.create('/registry/pods/b', enc('4'));
      await pods.untilRevision(4);
      await future.untilRevision(4);
      assert.deepEqual(pods.events.map((e) => e.kv.key), ['/registry/pods/a', '/registry/pods/b']);
      assert.deepEqual(future.events.map((e) => e.revision), [4]);
    });

    it('a closed watcher gets nothing more; close is idempotent', async (s) => {
      const c = new Collector();
      const w = s.watch('/', { fromRevision: 0, onEvent: c.onEvent, onError: c.onError });
      await s.create('/a', enc('1'));
      await c.untilRevision(1);
      w.close();
      w.close();
      await s.create('/b', enc('2'));
      const probe = new Collector();
      s.watch('/', { fromRevision: 1, onEvent: probe.onEvent });
      await probe.untilRevision(2);
      assert.deepEqual(c.events.map((e) => e.revision), [1]);
      assert.equal(c.error, undefined);
    });

    it('a watcher whose onEvent throws is ended without affecting others', async (s) => {
      let failed: Error | undefined;
      s.watch('/', {
        fromRevision: 0,
        onEvent: () => {
          throw new Error('consumer bug');
        },
        onError: (e) => (failed = e),
      });
      const ok = new Collector();
      s.watch('/', { fromRevision: 0, onEvent: ok.onEvent });
      await s.create('/a', enc('1'));
      await s.create('/b', enc('2'));
      await ok.untilRevision(2);
      assert.equal(failed?.message, 'consumer bug');
    });

    it('compaction forgets history but keeps latest values and reads at the compacted revision', async (s) => {
      await s.create('/c/a', enc('a1')); // 1
      await s.update('/c/a', enc('a2'), 1); // 2
      await s.create('/c/b', enc('b1')); // 3
      await s.delete('/c/b'); // 4
      await s.create('/c/d', enc('d1')); // 5
      await s.update('/c/a', enc('a3'), 2); // 6
      await s.compact(5);
      assert.equal(await s.compactedRevision(), 5);
      await s.compact(3); // older: no-op
      assert.equal(await s.compactedRevision(), 5);
      await assert.rejects(s.compact(100), StorageError);

      assert.throws(() => s.watch('/c/', { fromRevision: 4, onEvent: () => {} }), (e) => {
        assert.ok(e instanceof CompactedError);
        assert.equal(e.compacted, 5);
        return true;
      });
      await assert.rejects(s.list('/c/', { revision: 4 }), CompactedError);
      await assert.rejects(s.list('/c/', { revision: 1 }), CompactedError);
      const at5 = await s.list('/c/', { revision: 5 });
      assert.deepEqual(at5.items.map((i) => `${i.key}=${dec(i.value)}@${i.modRevision}`), ['/c/a=a2@2', '/c/d=d1@5']);
      assert.deepEqual((await s.list('/c/')).items.map((i) => `${i.key}=${dec(i.value)}`), ['/c/a=a3', '/c/d=d1']);
      assert.equal(dec((await s.get('/c/a'))!.value), 'a3');

      // Events after the compacted revision still carry their previous value.
      const c = new Collector();
      s.watch('/c/', { fromRevision: 5, onEvent: c.onEvent });
      await s.delete('/c/d'); // 7
      await c.untilRevision(7);
      assert.deepEqual(c.events.map(plainEvent), [
        {
          type: 'put',
          revision: 6,
          kv: { key: '/c/a', value: 'a3', createRevision: 1, modRevision: 6 },
          prevKv: { key: '/c/a', value: 'a2', createRevision: 1, modRevision: 2 },
        },
        {
          type: 'delete',
          revision: 7,
          kv: { key: '/c/d', value: 'd1', createRevision: 5, modRevision: 7 },
          prevKv: { key: '/c/d', value: 'd1', createRevision: 5, modRevision: 5 },
        },
      ]);
      // Compacting everything, including the newest row (a tombstone), never reuses revisions.
      await s.compact(7);
      assert.equal(await s.create('/c/e', enc('e')), 8);
    });

    it('a watcher still replaying history when compaction passes it ends with CompactedError', async (s) => {
      for (let i = 0; i < 20; i++) await s.create(`/h/${i}`, enc(String(i)));
      for (let i = 0; i < 20; i++) await s.update(`/h/${i}`, enc(`u${i}`), i + 1);
      const c = new Collector();
      s.watch('/h/', { fromRevision: 0, onEvent: c.onEvent, onError: c.onError });
      // The watcher reads history on a later turn; compaction starts before that.
      const compacted = s.compact(30);
      await c.until((x) => x.error !== undefined, 'the watch to fail');
      await compacted;
      assert.ok(c.error instanceof CompactedError);
      assert.equal(c.events.length, 0);
    });

    it('close() ends watchers with StoreClosedError and rejects further calls', async (s) => {
      const c = new Collector();
      s.watch('/', { fromRevision: 0, onEvent: c.onEvent, onError: c.onError });
      await s.create('/a', enc('1'));
      await c.untilRevision(1);
      await s.close();
      await turn();
      assert.ok(c.error instanceof StoreClosedError);
      await assert.rejects(s.get('/a'), StoreClosedError);
      await assert.rejects(s.create('/b', enc('1')), StoreClosedError);
      assert.throws(() => s.watch('/', { fromRevision: 0, onEvent: () => {} }), StoreClosedError);
      await s.close(); // idempotent
    });
  });
}

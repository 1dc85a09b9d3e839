// In-memory MVCC store: the reference implementation of the Store contract, used by in-process
// tests. Keeps every revision per key until compaction, exactly like the SQLite backend.
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  StorageError,
  StoreClosedError,
} from '../store.js';
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, WatchOptions, Watcher } from '../store.js';
import { WatchHub } from '../watch-hub.js';
import type { WatchHubOptions } from '../watch-hub.js';

interface Row {
  key: string;
  /** For a tombstone: empty (the deleted value lives in `prev`). */
  value: Uint8Array;
  createRevision: number;
  revision: number;
  deleted: boolean;
  /** The row this one replaced; only kept for updates and deletes (needed for prevKv). */
  prev?: Row;
}

export type MemoryStoreOptions = WatchHubOptions;

export class MemoryStore implements Store {
  private readonly byKey = new Map<string, Row[]>();
  /** Every held row in revision order (the watch history). */
  private log: Row[] = [];
  private rev = 0;
  private compactRev = 0;
  private closed = false;
  private readonly hub: WatchHub;

  constructor(opts: MemoryStoreOptions = {}) {
    this.hub = new WatchHub({ readHistory: (p, a, u, l) => this.readHistory(p, a, u, l) }, opts);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.latest(key);
    return row && !row.deleted ? kvOf(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = this.readRevision(opts.revision);
    const startAfter = opts.startAfter;
    const keys = [...this.byKey.keys()]
      .filter((k) => k.startsWith(prefix) && (startAfter === undefined || k > startAfter))
      .sort();
    const live: Row[] = [];
    for (const k of keys) {
      const row = rowAt(this.byKey.get(k) as Row[], revision);
      if (row && !row.deleted) live.push(row);
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : live.length;
    const items = live.slice(0, limit).map(kvOf);
    return { items, revision, remaining: live.length - items.length };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    let n = 0;
    for (const [k, rows] of this.byKey) if (k.startsWith(prefix) && !rows[rows.length - 1].deleted) n++;
    return n;
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    this.checkOpen();
    const cur = this.latest(key);
    if (cur && !cur.deleted) throw new KeyExistsError(key);
    const rev = this.rev + 1;
    const row: Row = { key, value: new Uint8Array(value), createRevision: rev, revision: rev, deleted: false };
    this.append(row);
    this.hub.publish({ type: 'put', kv: kvOf(row), revision: rev });
    return rev;
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    this.checkOpen();
    const cur = this.current(key, expectedRevision);
    const rev = this.rev + 1;
    const row: Row = { key, value: new Uint8Array(value), createRevision: cur.createRevision, revision: rev, deleted: false, prev: cur };
    this.append(row);
    this.hub.publish(eventOf(row));
    return rev;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.checkOpen();
    const cur = this.current(key, expectedRevision);
    const rev = this.rev + 1;
    const row: Row = { key, value: new Uint8Array(0), createRevision: cur.createRevision, revision: rev, deleted: true, prev: cur };
    this.append(row);
    this.hub.publish(eventOf(row));
    return { revision: rev, prev: kvOf(cur) };
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.checkOpen();
    if (opts.fromRevision < this.compactRev) throw new CompactedError(opts.fromRevision, this.compactRev);
    return this.hub.add(prefix, opts, this.rev);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision <= this.compactRev) return;
    if (revision > this.rev) throw new StorageError(`cannot compact to future revision ${revision} (current ${this.rev})`);
    this.compactRev = revision;
    const dropped = new Set<Row>();
    for (const [key, rows] of this.byKey) {
      // Keep rows after `revision` plus the newest live one at or below it (reads at `revision`).
      const kept = rows.filter((r, i) => {
        if (r.revision > revision) return true;
        const superseded = i + 1 < rows.length && rows[i + 1].revision <= revision;
        if (superseded || r.deleted) {
          dropped.add(r);
          return false;
        }
        r.prev = undefined; // never replayed again: lets the old chain be collected
        return true;
      });
      if (kept.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, kept);
    }
    this.log = this.log.filter((r) => !dropped.has(r));
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compactRev;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(new StoreClosedError());
  }

  private readHistory(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    if (after < this.compactRev) throw new CompactedError(after, this.compactRev);
    const out: WatchEvent[] = [];
    for (let i = firstAbove(this.log, after); i < this.log.length && out.length < limit; i++) {
      const row = this.log[i];
      if (row.revision > upTo) break;
      if (row.key.startsWith(prefix)) out.push(eventOf(row));
    }
    return out;
  }

  private append(row: Row): void {
    const rows = this.byKey.get(row.key);
    if (rows) rows.push(row);
    else this.byKey.set(row.key, [row]);
    this.log.push(row);
    this.rev = row.revision;
  }

  private latest(key: string): Row | undefined {
    const rows = this.byKey.get(key);
    return rows ? rows[rows.length - 1] : undefined;
  }

  /** The live row for an update/delete, checked against the expected revision. */
  private current(key: string, expectedRevision: number | undefined): Row {
    const cur = this.latest(key);
    if (!cur || cur.deleted) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && cur.revision !== expectedRevision) {
      throw new RevisionConflictError(key, kvOf(cur));
    }
    return cur;
  }

  private readRevision(requested: number | undefined): number {
    if (!requested) return this.rev;
    if (requested < this.compactRev) throw new CompactedError(requested, this.compactRev);
    if (requested > this.rev) throw new StorageError(`required revision ${requested} is a future revision (current ${this.rev})`);
    return requested;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

function kvOf(row: Row): KeyValue {
  return { key: row.key, value: new Uint8Array(row.value), createRevision: row.createRevision, modRevision: row.revision };
}

/** The event a row represents; a delete carries the deleted value at the deletion revision. */
function eventOf(row: Row): WatchEvent {
  const prev = row.prev;
  if (row.deleted) {
    const p = prev as Row;
    const kv = { key: row.key, value: p.value, createRevision: row.createRevision, modRevision: row.revision };
    return { type: 'delete', kv, prevKv: kvOf(p), revision: row.revision };
  }
  const ev: WatchEvent = { type: 'put', kv: kvOf(row), revision: row.revision };
  if (prev) ev.prevKv = kvOf(prev);
  return ev;
}

function rowAt(rows: Row[], revision: number): Row | undefined {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i].revision <= revision) return rows[i];
  return undefined;
}

function firstAbove(log: Row[], revision: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

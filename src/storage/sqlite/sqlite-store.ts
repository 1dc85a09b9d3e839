// SQLite backend of the Store contract (kine's design): the kv table holds one row per revision,
// the newest row of a key is its current value, watches replay rows above a revision and then
// receive live events from the in-process WatchHub.
//
// better-sqlite3 is synchronous and this process owns the file (owner-lock.ts), so every method
// runs its reads and its single-statement write within one turn of the event loop: no other write
// can interleave, which makes "read the latest row, check, insert at rev + 1" atomic without a lock.
// Durability settings and their reasons: schema.ts. Checkpoints: checkpointer.ts.
import Database from 'better-sqlite3';
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
import { configure, migrate, readMeta, readRevision } from './schema.js';
import type { SyncMode } from './schema.js';
import { Queries } from './queries.js';
import { Checkpointer } from './checkpointer.js';
import { acquireOwnerLock, createOwnerOnly, DatabaseInUseError } from './owner-lock.js';
import type { HistoryRow, LatestRow } from './queries.js';

export interface SqliteStoreOptions extends WatchHubOptions {
  /** 'normal' (default) survives SIGKILL; 'full' also survives power loss at an fsync per write. See schema.ts. */
  synchronous?: SyncMode;
  /** Rows examined per compaction step; the event loop is yielded between steps. */
  compactBatch?: number;
}

export class SqliteStore implements Store {
  private rev: number;
  private compactRev: number;
  private closed = false;
  private compacting: Promise<void> = Promise.resolve();
  private readonly hub: WatchHub;
  private readonly q: Queries;
  private readonly compactBatch: number;
  private writesSinceCheckpoint = 0;
  /** Started on the first checkpoint need, so short-lived stores (tests, tools) never pay for it. */
  private checkpointer: Checkpointer | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly lock: Database.Database | undefined,
    /** The database file, when on disk: background checkpoints need it. */
    private readonly file: string | undefined,
    private readonly opts: SqliteStoreOptions,
  ) {
    this.q = new Queries(db);
    this.rev = readRevision(db);
    this.compactRev = readMeta(db, 'compact_rev');
    this.compactBatch = opts.compactBatch ?? 10_000;
    this.hub = new WatchHub({ readHistory: (p, a, u, l) => this.readHistory(p, a, u, l) }, opts);
  }

  /** Opens (creating if needed) the database file at `path`; fails if another process owns it. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    const sync = opts.synchronous ?? 'normal';
    const onDisk = path !== ':memory:';
    let lock: Database.Database | undefined;
    let db: Database.Database | undefined;
    try {
      if (onDisk) {
        lock = acquireOwnerLock(path);
        // The file holds every Secret: owner-only (the WAL and -shm files inherit its mode).
        createOwnerOnly(path);
      }
      db = new Database(path, { timeout: 1000 });
      configure(db, sync, !onDisk);
      migrate(db);
      return new SqliteStore(db, lock, onDisk ? path : undefined, opts);
    } catch (err) {
      db?.close();
      lock?.close();
      if (err instanceof DatabaseInUseError) throw new StorageError(err.message);
      throw err;
    }
  }

  /** Checkpoints the WAL now (normally the worker does it in the background); for tests and tools. */
  async checkpoint(): Promise<{ log: number; checkpointed: number }> {
    this.checkOpen();
    const c = this.ensureCheckpointer();
    return c ? c.checkpoint() : { log: 0, checkpointed: 0 };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.guard(() => this.q.latest(key));
    return row && !row.deleted ? kvOf(key, row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const revision = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    return this.guard(() => {
      const items = this.q.list(prefix, opts.startAfter, revision, limit);
      const full = limit > 0 && items.length === limit;
      const remaining = full ? this.q.count(prefix, items[items.length - 1].key, revision) : 0;
      return { items, revision, remaining };
    });
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    return this.guard(() => this.q.count(prefix, undefined, this.rev));
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    this.checkOpen();
    return this.guard(() => {
      const cur = this.q.latest(key);
      if (cur && !cur.deleted) throw new KeyExistsError(key);
      const rev = this.rev + 1;
      this.q.insert(rev, key, rev, cur?.id ?? 0, false, value);
      this.committed(rev);
      if (this.hub.size > 0) {
        this.hub.publish({ type: 'put', kv: { key, value: new Uint8Array(value), createRevision: rev, modRevision: rev }, revision: rev });
      }
      return rev;
    });
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    this.checkOpen();
    return this.guard(() => {
      const cur = this.current(key, expectedRevision);
      const rev = this.rev + 1;
      this.q.insert(rev, key, cur.createRevision, cur.id, false, value);
      this.committed(rev);
      if (this.hub.size > 0) {
        const kv = { key, value: new Uint8Array(value), createRevision: cur.createRevision, modRevision: rev };
        this.hub.publish({ type: 'put', kv, prevKv: kvOf(key, cur), revision: rev });
      }
      return rev;
    });
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.checkOpen();
    return this.guard(() => {
      const cur = this.current(key, expectedRevision);
      const rev = this.rev + 1;
      this.q.insert(rev, key, cur.createRevision, cur.id, true, null);
      this.committed(rev);
      if (this.hub.size > 0) {
        // Events get their own buffers: `prev` below is the caller's to mutate.
        const prevKv = kvOf(key, { ...cur, value: new Uint8Array(cur.value) });
        const kv = { ...prevKv, modRevision: rev };
        this.hub.publish({ type: 'delete', kv, prevKv, revision: rev });
      }
      return { revision: rev, prev: kvOf(key, cur) };
    });
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

  /**
   * Records the compacted revision first (from then on older reads and watches fail), then deletes
   * history in batches, yielding between them so a large compaction never stalls requests. Keeps,
   * per key, every row above `revision` and the newest live row at or below it: reads at
   * `revision` still work and every later update or delete still finds its previous value.
   */
  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const run = this.compacting.then(() => this.compactNow(revision));
    this.compacting = run.catch(() => undefined);
    return run;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compactRev;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(new StoreClosedError());
    await this.checkpointer?.close();
    // Last connection out: SQLite checkpoints the WAL into the file and removes it.
    this.db.close();
    this.lock?.close();
  }

  private async compactNow(revision: number): Promise<void> {
    if (this.closed || revision <= this.compactRev) return;
    if (revision > this.rev) throw new StorageError(`cannot compact to future revision ${revision} (current ${this.rev})`);
    this.guard(() => this.q.setMeta('compact_rev', revision));
    this.compactRev = revision;
    for (let lo = 0; lo < revision; lo += this.compactBatch) {
      if (this.closed) return;
      const hi = Math.min(lo + this.compactBatch, revision);
      this.guard(() => this.q.compactRange(lo, hi, revision));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private committed(rev: number): void {
    this.rev = rev;
    if (++this.writesSinceCheckpoint >= 256) {
      this.writesSinceCheckpoint = 0;
      this.ensureCheckpointer()?.nudge();
    }
  }

  private ensureCheckpointer(): Checkpointer | undefined {
    if (this.checkpointer || this.file === undefined) return this.checkpointer;
    const db = this.db;
    this.checkpointer = new Checkpointer(this.file, this.opts.synchronous ?? 'normal', (err) => {
      // Without the worker, fall back to checkpoints inside writes: slower tails, same safety.
      process.emitWarning(`storage: checkpoint worker failed, checkpointing inline: ${err.message}`);
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    return this.checkpointer;
  }

  private readHistory(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    if (this.closed) throw new StoreClosedError();
    if (after < this.compactRev) throw new CompactedError(after, this.compactRev);
    return this.guard(() => this.q.history(prefix, after, upTo, limit).map(eventOf));
  }

  /** The live row for an update/delete, checked against the expected revision. */
  private current(key: string, expectedRevision: number | undefined): LatestRow {
    const cur = this.q.latest(key);
    if (!cur || cur.deleted) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && cur.id !== expectedRevision) {
      throw new RevisionConflictError(key, kvOf(key, cur));
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

  /** Runs a database step, turning SQLite's own errors into StorageError (typed errors pass). */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof StorageError || sqliteCode(err) === undefined) throw err;
      const e = new StorageError(`sqlite: ${(err as Error).message}`);
      (e as Error & { cause?: unknown }).cause = err;
      throw e;
    }
  }
}

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function kvOf(key: string, row: LatestRow): KeyValue {
  return { key, value: row.value, createRevision: row.createRevision, modRevision: row.id };
}

/** The event a history row represents; a delete carries the deleted value at the deletion revision. */
function eventOf(row: HistoryRow): WatchEvent {
  const isCreate = row.createRevision === row.id;
  if (!isCreate && row.prevValue === null) {
    throw new StorageError(`history row ${row.id} lost its previous revision ${row.prevRevision}`);
  }
  const prevKv = isCreate
    ? undefined
    : { key: row.name, value: row.prevValue as Uint8Array, createRevision: row.createRevision, modRevision: row.prevRevision };
  if (row.deleted) {
    const p = prevKv as KeyValue;
    return { type: 'delete', kv: { ...p, modRevision: row.id }, prevKv: p, revision: row.id };
  }
  const kv = { key: row.name, value: row.value as Uint8Array, createRevision: row.createRevision, modRevision: row.id };
  return prevKv ? { type: 'put', kv, prevKv, revision: row.id } : { type: 'put', kv, revision: row.id };
}

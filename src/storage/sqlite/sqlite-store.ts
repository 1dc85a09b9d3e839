// SQLite backend of the Store contract (kine's design): the kv table holds one row per revision,
// the newest row of a key is its current value, watches replay rows above a revision and then
// receive live events from the in-process WatchHub.
//
// better-sqlite3 is synchronous and this process owns the file (owner-lock.ts), so every method
// runs its reads and its single-statement write within one turn of the event loop: no other write
// can interleave, which makes "read the latest row, check, insert at rev + 1" atomic without a lock.
//
// Group commit: the writes of one event-loop turn share a transaction, committed at the end of the
// turn; each write resolves, and its watch event is published, only after that commit. A commit
// per write cost about as much as the insert itself. Reads of single keys wait for an open
// batch; lists, counts and watches read at the last committed revision.
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

interface Batch {
  /** The revision before the batch's first write, restored if the commit fails. */
  revisionBefore: number;
  events: WatchEvent[];
  /** Resolves once committed; rejects if the commit failed. */
  done: Promise<void>;
  /** Settles with `done`, never rejects: for readers that only wait. */
  settled: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

export class SqliteStore implements Store {
  /** The newest revision written, committed or in the open batch. */
  private rev: number;
  /** The newest committed revision: what reads, lists and new watches see. */
  private committedRev: number;
  private batch: Batch | undefined;
  private compactRev: number;
  private closed = false;
  private compacting: Promise<void> = Promise.resolve();
  private readonly hub: WatchHub;
  private readonly q: Queries;
  private readonly compactBatch: number;
  private writesSinceCheckpoint = 0;
  /** Started on the first checkpoint need, so short-lived stores (tests, tools) never pay for it. */
  private checkpointer: Checkpointer | undefined;
  /**
   * The newest row of every live key read or written so far. This process is the file's only
   * writer (owner-lock.ts) and compaction never removes a live key's newest row, so the map stays
   * exact; it saves a query on every get, update and delete, the API server's commonest reads.
   */
  private readonly live = new Map<string, LatestRow>();

  private constructor(
    private readonly db: Database.Database,
    private readonly lock: Database.Database | undefined,
    /** The database file, when on disk: background checkpoints need it. */
    private readonly file: string | undefined,
    private readonly opts: SqliteStoreOptions,
  ) {
    this.q = new Queries(db);
    this.rev = readRevision(db);
    this.committedRev = this.rev;
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
    // Never answer with a value that is not yet durable.
    while (this.batch) await this.batch.settled;
    this.checkOpen();
    const row = this.guard(() => this.latest(key));
    return row && !row.deleted ? copyOf(key, row) : undefined;
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
    return this.guard(() => this.q.count(prefix, undefined, this.committedRev));
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    this.checkOpen();
    const batch = this.openBatch();
    const rev = this.guard(() => {
      const cur = this.latest(key);
      if (cur && !cur.deleted) throw new KeyExistsError(key);
      const rev = this.rev + 1;
      this.q.insert(rev, key, rev, cur?.id ?? 0, false, value);
      this.written(rev);
      // One copy, shared by the row cache and the (read-only) watch event.
      const stored = new Uint8Array(value);
      this.live.set(key, { id: rev, createRevision: rev, deleted: 0, value: stored });
      batch.events.push({ type: 'put', kv: { key, value: stored, createRevision: rev, modRevision: rev }, revision: rev });
      return rev;
    });
    await batch.done;
    return rev;
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    this.checkOpen();
    const batch = this.openBatch();
    const rev = this.guard(() => {
      const cur = this.current(key, expectedRevision);
      const rev = this.rev + 1;
      this.q.insert(rev, key, cur.createRevision, cur.id, false, value);
      this.written(rev);
      const stored = new Uint8Array(value);
      this.live.set(key, { id: rev, createRevision: cur.createRevision, deleted: 0, value: stored });
      const kv = { key, value: stored, createRevision: cur.createRevision, modRevision: rev };
      batch.events.push({ type: 'put', kv, prevKv: kvOf(key, cur), revision: rev });
      return rev;
    });
    await batch.done;
    return rev;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }> {
    this.checkOpen();
    const batch = this.openBatch();
    const result = this.guard(() => {
      const cur = this.current(key, expectedRevision);
      const rev = this.rev + 1;
      this.q.insert(rev, key, cur.createRevision, cur.id, true, null);
      this.written(rev);
      this.live.delete(key);
      // The event gets its own buffer: `prev` below is the caller's to mutate.
      const prevKv = copyOf(key, cur);
      batch.events.push({ type: 'delete', kv: { ...prevKv, modRevision: rev }, prevKv, revision: rev });
      return { revision: rev, prev: kvOf(key, cur) };
    });
    await batch.done;
    return result;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.checkOpen();
    if (opts.fromRevision < this.compactRev) throw new CompactedError(opts.fromRevision, this.compactRev);
    return this.hub.add(prefix, opts, this.committedRev);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.committedRev;
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
    if (this.batch) this.commitBatch(this.batch);
    this.hub.closeAll(new StoreClosedError());
    await this.checkpointer?.close();
    // Last connection out: SQLite checkpoints the WAL into the file and removes it.
    this.db.close();
    this.lock?.close();
  }

  private async compactNow(revision: number): Promise<void> {
    if (this.batch) await this.batch.settled;
    if (this.closed || revision <= this.compactRev) return;
    if (revision > this.committedRev) throw new StorageError(`cannot compact to future revision ${revision} (current ${this.committedRev})`);
    this.guard(() => this.q.setMeta('compact_rev', revision));
    this.compactRev = revision;
    for (let lo = 0; lo < revision; lo += this.compactBatch) {
      if (this.closed) return;
      const hi = Math.min(lo + this.compactBatch, revision);
      this.guard(() => this.q.compactRange(lo, hi, revision));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.batch) await this.batch.settled;
    }
  }

  /** The batch this turn's writes join, opened (BEGIN) by the first of them. */
  private openBatch(): Batch {
    if (this.batch) return this.batch;
    this.guard(() => this.db.exec('BEGIN'));
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const batch: Batch = { revisionBefore: this.rev, events: [], done, settled: done.catch(() => undefined), resolve, reject };
    // Unobserved when every write of the batch failed before it could wait.
    done.catch(() => undefined);
    this.batch = batch;
    setImmediate(() => this.commitBatch(batch));
    return batch;
  }

  private commitBatch(batch: Batch): void {
    if (this.batch !== batch) return;
    this.batch = undefined;
    try {
      this.guard(() => this.db.exec('COMMIT'));
    } catch (err) {
      // Nothing of the batch happened: its revisions are free again and the row cache may hold
      // values that were never stored.
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection already rolled back.
      }
      this.rev = batch.revisionBefore;
      this.live.clear();
      batch.reject(err instanceof Error ? err : new StorageError(String(err)));
      return;
    }
    this.committedRev = this.rev;
    for (const ev of batch.events) this.hub.publish(ev);
    batch.resolve();
  }

  private written(rev: number): void {
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

  /** The newest row of a key (a tombstone if deleted and not yet compacted), undefined if none. */
  private latest(key: string): LatestRow | undefined {
    const cached = this.live.get(key);
    if (cached) return cached;
    const row = this.q.latest(key);
    if (row && !row.deleted) this.live.set(key, row);
    return row;
  }

  /** The live row for an update/delete, checked against the expected revision. */
  private current(key: string, expectedRevision: number | undefined): LatestRow {
    const cur = this.latest(key);
    if (!cur || cur.deleted) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && cur.id !== expectedRevision) {
      throw new RevisionConflictError(key, copyOf(key, cur));
    }
    return cur;
  }

  private readRevision(requested: number | undefined): number {
    if (!requested) return this.committedRev;
    if (requested < this.compactRev) throw new CompactedError(requested, this.compactRev);
    if (requested > this.committedRev) throw new StorageError(`required revision ${requested} is a future revision (current ${this.committedRev})`);
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

/** kvOf with its own bytes: for values handed out while the row cache keeps the row. */
function copyOf(key: string, row: LatestRow): KeyValue {
  return kvOf(key, { ...row, value: new Uint8Array(row.value) });
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

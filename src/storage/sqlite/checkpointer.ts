// Runs SQLite WAL checkpoints on a worker thread with its own connection. A checkpoint copies the
// WAL into the database file and fsyncs both; measured on this (busy, shared) machine it takes
// 20-60 ms per ~400 writes of 2 KB. Inline (wal_autocheckpoint) that would stall the event loop
// inside an unlucky write; on a worker the writers keep appending to the WAL while pages are
// copied (WAL allows both at once).
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { SyncMode } from './schema.js';

export interface CheckpointResult {
  /** Frames in the WAL and frames copied to the database by this checkpoint. */
  log: number;
  checkpointed: number;
}

// Plain CommonJS so it runs the same under tsx and from dist/ (no file to locate at run time).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('synchronous = ' + workerData.synchronous);
const run = () => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  return { log: r.log, checkpointed: r.checkpointed };
};
const timer = setInterval(() => { try { run(); } catch {} }, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, result: run() });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

interface Reply {
  id: number;
  result?: CheckpointResult;
  error?: string;
}

export class Checkpointer {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  private inFlight = false;
  private failed: Error | undefined;
  private readonly exited: Promise<void>;

  /** `onFailure` runs once if the worker dies, so the store can fall back to inline checkpoints. */
  constructor(path: string, sync: SyncMode, onFailure: (err: Error) => void, intervalMs = 1000) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path, synchronous: sync === 'full' ? 'FULL' : 'NORMAL', intervalMs },
      // Plain CJS source: no loader hooks (e.g. tsx) needed in the worker.
      execArgv: [],
    });
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      this.inFlight = false;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'checkpoint failed'));
    });
    const fail = (err: Error): void => {
      if (this.failed) return;
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onFailure(err);
    };
    this.worker.on('error', fail);
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`checkpoint worker exited with code ${code}`));
        resolve();
      });
    });
  }

  /** Asks for a checkpoint soon; requests while one is running are coalesced. */
  nudge(): void {
    if (this.inFlight || this.failed) return;
    this.inFlight = true;
    this.checkpoint().catch(() => undefined);
  }

  /** Runs a checkpoint now and reports how far it got. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'checkpoint', id });
    });
  }

  async close(): Promise<void> {
    // Keep the process alive until the worker has closed its connection.
    this.worker.ref();
    if (!this.failed) this.worker.postMessage({ type: 'close' });
    await this.exited;
  }
}

// One process owns a database: the revision counter and the watch fan-out live in its memory, so a
// second server on the same file would reuse revisions and miss events. The owner holds an
// exclusive SQLite lock on `<db>.lock` for its lifetime; the OS drops it when the process dies,
// SIGKILL included, so a crash never leaves a stale lock behind.
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

export class DatabaseInUseError extends Error {}

export function createOwnerOnly(path: string): void {
  if (existsSync(path)) return;
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Takes the lock or throws DatabaseInUseError; close the returned handle to release it. */
export function acquireOwnerLock(dbPath: string): Database.Database {
  const lockPath = `${dbPath}.lock`;
  createOwnerOnly(lockPath);
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    // In EXCLUSIVE locking mode a connection keeps every file lock it took until it closes; an
    // empty exclusive transaction takes the strongest one without writing anything (no fsync).
    lock.pragma('synchronous = OFF');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT;');
    return lock;
  } catch (err) {
    lock.close();
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') throw new DatabaseInUseError(`database ${dbPath} is in use by another process`);
    throw err;
  }
}

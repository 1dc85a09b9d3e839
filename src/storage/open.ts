// Chooses the storage backend from the server's --storage endpoint (or its absence).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Store } from './store.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** Where the SQLite database lives when no endpoint names one. */
export function defaultDbPath(dataDir: string): string {
  return join(dataDir, 'server', 'db', 'state.db');
}

/**
 * `undefined`, `sqlite://<path>` or a bare path: SQLite (default file under dataDir);
 * `memory://`: in-memory store; `etcd://`, `http(s)://`: not available yet.
 */
export async function openStore(endpoint: string | undefined, dataDir: string): Promise<Store> {
  const ep = endpoint?.trim() ?? '';
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(ep)?.[1]?.toLowerCase();
  switch (scheme) {
    case undefined:
      return openSqlite(ep === '' ? defaultDbPath(dataDir) : ep);
    case 'sqlite': {
      const path = ep.slice('sqlite://'.length);
      return openSqlite(path === '' ? defaultDbPath(dataDir) : path);
    }
    case 'memory':
      return new MemoryStore();
    case 'etcd':
    case 'http':
    case 'https':
      throw new Error(`storage endpoint ${ep}: the etcd backend is not available yet; use sqlite://<path> or memory://`);
    default:
      throw new Error(`storage endpoint ${ep}: unsupported scheme "${scheme}://" (use sqlite://<path>, memory:// or a file path)`);
  }
}

function openSqlite(path: string): Store {
  const file = resolve(path);
  // The database holds Secrets: directories we create are owner-only.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return SqliteStore.open(file);
}

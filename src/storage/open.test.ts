import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, defaultDbPath } from './open.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-open-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no endpoint: SQLite under <dataDir>/server/db with owner-only directories', async () => {
  await withDir(async (dir) => {
    const store = await openStore(undefined, dir);
    assert.ok(store instanceof SqliteStore);
    await store.close();
    assert.ok(existsSync(defaultDbPath(dir)));
    assert.equal(statSync(join(dir, 'server')).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'server', 'db')).mode & 0o777, 0o700);
  });
});

test('sqlite:// and bare paths open SQLite at that path', async () => {
  await withDir(async (dir) => {
    for (const [endpoint, file] of [
      [`sqlite://${dir}/a/one.db`, join(dir, 'a', 'one.db')],
      [`${dir}/b/two.db`, join(dir, 'b', 'two.db')],
      ['sqlite://', defaultDbPath(dir)],
    ]) {
      const store = await openStore(endpoint, dir);
      assert.ok(store instanceof SqliteStore, endpoint);
      await store.close();
      assert.ok(existsSync(file), file);
    }
  });
});

test('memory:// opens an in-memory store', async () => {
  const store = await openStore('memory://', '/nonexistent');
  assert.ok(store instanceof MemoryStore);
  await store.close();
});

test('etcd endpoints are refused for now; unknown schemes are refused', async () => {
  for (const ep of ['etcd://127.0.0.1:2379', 'http://127.0.0.1:2379', 'https://etcd:2379']) {
    await assert.rejects(openStore(ep, '/tmp'), /etcd backend is not available yet/);
  }
  await assert.rejects(openStore('postgres://db/k8s', '/tmp'), /unsupported scheme "postgres:\/\/"/);
});

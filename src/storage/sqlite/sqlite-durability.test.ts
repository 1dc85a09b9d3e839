// SQLite-only behaviour: persistence across reopen, exclusive ownership, file mode, and that no
// acknowledged write is lost when the writing process is SIGKILLed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { StorageError } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (v: Uint8Array): string => new TextDecoder().decode(v);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawIds(path: string): number[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM kv ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

test('reopen keeps data, revision counter and compacted revision', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.db');
    let s = SqliteStore.open(path);
    await s.create('/a', enc('1'));
    await s.update('/a', enc('2'), 1);
    await s.create('/b', enc('3'));
    await s.delete('/b'); // 4: the newest row is a tombstone
    await s.compact(4); // removes it and every superseded row
    await s.close();
    assert.deepEqual(rawIds(path), [2]);

    s = SqliteStore.open(path);
    assert.equal(await s.currentRevision(), 4);
    assert.equal(await s.compactedRevision(), 4);
    assert.equal(dec((await s.get('/a'))!.value), '2');
    assert.equal(await s.create('/c', enc('4')), 5);
    await s.close();
  });
});

test('a second open of the same file fails while the first is open', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.db');
    const s = SqliteStore.open(path);
    assert.throws(() => SqliteStore.open(path), (e) => e instanceof StorageError && /in use/.test(e.message));
    await s.create('/still/works', enc('1'));
    await s.close();
    const again = SqliteStore.open(path);
    assert.equal(await again.currentRevision(), 1);
    await again.close();
  });
});

test('database files are owner-only', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.db');
    const s = SqliteStore.open(path);
    await s.create('/a', enc('1'));
    for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}.lock`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
    await s.close();
  });
});

test('the background checkpointer copies the WAL into the database', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.db');
    const s = SqliteStore.open(path);
    const value = enc('v'.repeat(2000));
    for (let i = 0; i < 300; i++) await s.create(`/k/${i}`, value);
    const r = await s.checkpoint();
    assert.ok(r.log > 0);
    assert.equal(r.checkpointed, r.log);
    await s.create('/k/after', value); // writing while/after the worker checkpointed still works
    assert.equal((await s.list('/k/')).items.length, 301);
    await s.close();
  });
});

test('no acknowledged write is lost when the writer is SIGKILLed', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.db');
    const acked = await runAndKill(path, 300);
    assert.ok(acked.length >= 300);

    const s = SqliteStore.open(path);
    try {
      for (const [key, rev] of acked) {
        const kv = await s.get(key);
        assert.ok(kv, `acknowledged ${key}@${rev} is missing`);
        assert.ok(kv.modRevision >= rev, `${key} went back from ${rev} to ${kv.modRevision}`);
        const body = JSON.parse(dec(kv.value)) as { key: string; filler: string };
        assert.equal(body.key, key);
        assert.equal(body.filler.length, 2000);
      }
      const current = await s.currentRevision();
      assert.ok(current >= acked[acked.length - 1][1]);
      // Every committed write is a row: 1..current without holes.
      const all = await s.list('/registry/crash/');
      for (const kv of all.items) JSON.parse(dec(kv.value));
      await s.close();
      const ids = rawIds(path);
      assert.deepEqual(ids, Array.from({ length: current }, (_, i) => i + 1));
      const reopened = SqliteStore.open(path);
      assert.equal(await reopened.create('/after/crash', enc('x')), current + 1);
      await reopened.close();
    } finally {
      await s.close();
    }
  });
});

/** Runs the crash writer and SIGKILLs it mid-stream once `after` writes were acknowledged. */
function runAndKill(dbPath: string, after: number): Promise<[string, number][]> {
  const isTs = import.meta.url.endsWith('.ts');
  const fixture = fileURLToPath(new URL(`./crash-writer.fixture.${isTs ? 'ts' : 'js'}`, import.meta.url));
  const args = isTs ? ['--import', 'tsx', fixture, dbPath] : [fixture, dbPath];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: [string, number][] = [];
  let buf = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer acknowledged only ${acked.length} writes in time; stderr: ${stderr}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() as string;
      for (const line of lines) {
        const [key, rev] = line.split(' ');
        acked.push([key, Number(rev)]);
      }
      if (acked.length >= after && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${code}): ${stderr}`));
      // A line cut by the kill may still sit in buf: it was not fully acknowledged, ignore it.
      else resolve(acked);
    });
  });
}

test('group commit: writes of one turn share a commit; reads, lists and watches see only committed writes', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'state.db');
    const s = SqliteStore.open(path);
    try {
      await s.create('/k', enc('v1'));
      const order: string[] = [];
      // One turn: an update, a read of the same key, and 20 creates.
      const update = s.update('/k', enc('v2'), 1).then((rev) => order.push(`update ${rev}`));
      const read = s.get('/k').then((kv) => order.push(`get ${dec(kv!.value)}`));
      const creates = Promise.all(Array.from({ length: 20 }, (_, i) => s.create(`/c/${i}`, enc(String(i)))));
      // Nothing of the batch is visible before its commit.
      assert.equal(await s.currentRevision(), 1);
      assert.equal((await s.list('/c/')).items.length, 0);
      const seen: number[] = [];
      s.watch('/', { fromRevision: 1, onEvent: (e) => seen.push(e.revision) });
      await Promise.all([update, read, creates]);
      assert.deepEqual(order, ['update 2', 'get v2']);
      assert.equal(await s.currentRevision(), 22);
      assert.equal((await s.list('/c/')).items.length, 20);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(seen, Array.from({ length: 21 }, (_, i) => i + 2));
    } finally {
      await s.close();
    }
  });
});

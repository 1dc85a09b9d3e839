import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ContentStore } from './store.js';
import { sha256 } from './oci.js';

async function tempStore(t: { after: (fn: () => Promise<void>) => void }): Promise<ContentStore> {
  const d = await mkdtemp(join(tmpdir(), 'k8tA-store-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  const s = new ContentStore(join(d, 'agent', 'images'));
  await s.init();
  return s;
}

test('blobs are only stored when digest and size match', async (t) => {
  const s = await tempStore(t);
  const data = Buffer.from('hello blob');
  const digest = sha256(data);
  await assert.rejects(s.writeBlob({ digest, size: data.length }, Readable.from([Buffer.from('hello bloB')]), 'layer'),
    { message: new RegExp(`failed commit on ref "layer-${digest}": unexpected commit digest sha256:[a-f0-9]{64}, expected ${digest}: failed precondition`) });
  await assert.rejects(s.writeBlob({ digest, size: 3 }, Readable.from([data]), 'layer'), /unexpected commit size 10, expected 3/);
  assert.equal(await s.hasBlob(digest), false);
  await s.writeBlob({ digest, size: data.length }, Readable.from([data]), 'layer');
  assert.deepEqual(await s.readBlob(digest), data);
  assert.equal(await s.putBlob(data), digest);
});

test('index updates from two stores (as two processes) never lose a write', async (t) => {
  const a = await tempStore(t);
  const b = new ContentStore(a.root);
  const add = (s: ContentStore, k: string) => s.updateIndex(async (idx) => {
    await new Promise((r) => setImmediate(r));
    idx.images[k] = { id: k, repoTags: [], repoDigests: [], manifestDigest: '', blobs: [], layers: [], size: 0, config: {}, os: 'linux', architecture: 'amd64', storedAt: '' };
  });
  await Promise.all(Array.from({ length: 15 }, (_, i) => [add(a, `a${i}`), add(b, `b${i}`)]).flat());
  assert.equal(Object.keys((await a.readIndex()).images).length, 30);
  assert.equal(Object.keys((await b.readIndex()).images).length, 30);
});

test('the index lock is shared with another process and broken when its holder is dead', async (t) => {
  const s = await tempStore(t);
  const lock = join(s.root, 'index.lock');
  // A lock held by a live process makes writers wait until it is released.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.after(() => { holder.kill('SIGKILL'); });
  await writeFile(lock, `${holder.pid}\n`);
  let done = false;
  const p = s.updateIndex((idx) => { idx.images.x = { id: 'x' } as never; done = true; });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(done, false);
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  await p; // the dead holder's lock is broken
  assert.equal(done, true);
  await assert.rejects(readFile(lock), /ENOENT/);
});

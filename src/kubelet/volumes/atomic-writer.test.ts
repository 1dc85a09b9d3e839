// The atomic writer: path validation, and on a real filesystem that an update swaps `..data` to a
// fresh timestamped directory, keeps `key -> ..data/key` links, and drops removed keys.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestampDirPrefix, userVisibleNames, validatePath, writeAtomic, type Payload } from './atomic-writer.js';

describe('validatePath', () => {
  const cases: [string, string | undefined][] = [
    ['key', undefined],
    ['dir/key', undefined],
    ['', 'invalid path: must not be empty: ""'],
    ['/etc/passwd', 'invalid path: must be relative path: /etc/passwd'],
    ['a/../b', "invalid path: must not contain '..': a/../b"],
    ['..data', "invalid path: must not start with '..': ..data"],
    ['x'.repeat(256), 'invalid path: filenames must be less than or equal to 255 characters'],
    ['a/'.repeat(2049), 'invalid path: must be less than or equal to 4096 characters'],
  ];
  for (const [p, want] of cases) test(JSON.stringify(p.slice(0, 20)), () => assert.equal(validatePath(p), want));
});

test('timestampDirPrefix is Go\'s "..2006_01_02_15_04_05." in UTC', () => {
  assert.equal(timestampDirPrefix(new Date('2024-03-05T07:08:09.123Z')), '..2024_03_05_07_08_09.');
});

test('userVisibleNames are top-level components', () => {
  assert.deepEqual([...userVisibleNames(['a', 'b/c', 'b/d', 'e/f/g'])], ['a', 'b', 'e']);
});

const payload = (entries: Record<string, [string, number]>): Payload => new Map(Object.entries(entries).map(([k, [data, mode]]) => [k, { data, mode }]));

test('writes, then an update swaps ..data atomically and cleans up', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-aw-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'vol');
  assert.equal(await writeAtomic(dir, payload({ 'app.conf': ['v1', 0o644], 'nested/x': ['X', 0o400] }), new Date('2024-01-02T03:04:05Z')), true);
  const first = await readlink(join(dir, '..data'));
  assert.match(first, /^\.\.2024_01_02_03_04_05\.\w+$/);
  assert.equal(await readlink(join(dir, 'app.conf')), '..data/app.conf');
  assert.equal(await readlink(join(dir, 'nested')), '..data/nested');
  assert.equal(await readFile(join(dir, 'app.conf'), 'utf8'), 'v1');
  assert.equal((await stat(join(dir, 'nested/x'))).mode & 0o777, 0o400);
  assert.equal((await stat(join(dir, first))).mode & 0o777, 0o755);

  // Same contents: nothing rewritten.
  assert.equal(await writeAtomic(dir, payload({ 'app.conf': ['v1', 0o644], 'nested/x': ['X', 0o400] })), false);
  assert.equal(await readlink(join(dir, '..data')), first);

  // Update: new dir, old one gone, removed key's link gone, new key linked.
  assert.equal(await writeAtomic(dir, payload({ 'app.conf': ['v2', 0o644], extra: ['E', 0o644] })), true);
  const second = await readlink(join(dir, '..data'));
  assert.notEqual(second, first);
  assert.equal(await readFile(join(dir, 'app.conf'), 'utf8'), 'v2');
  assert.equal(await readFile(join(dir, 'extra'), 'utf8'), 'E');
  await assert.rejects(lstat(join(dir, 'nested')));
  assert.deepEqual((await readdir(dir)).sort(), [second, '..data', 'app.conf', 'extra'].sort());

  // A mode change alone is an update too.
  assert.equal(await writeAtomic(dir, payload({ 'app.conf': ['v2', 0o600], extra: ['E', 0o644] })), true);
  assert.equal((await stat(join(dir, 'app.conf'))).mode & 0o777, 0o600);
});

test('rejects an invalid path before writing anything', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-aw-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await assert.rejects(writeAtomic(join(root, 'v'), payload({ '../escape': ['x', 0o644] })), /must not contain '\.\.'/);
  await assert.rejects(readdir(join(root, 'v')));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { safeEntryPath, unpackLayer } from './unpack.js';
import { buildLayer } from '../../../test/fixtures/registry/layer.js';
import type { LayerEntry } from '../../../test/fixtures/registry/layer.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'k8tA-unpack-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function unpackInto(dir: string, entries: LayerEntry[], noTrailer = false): Promise<string> {
  const l = await buildLayer(entries, { noTrailer });
  await mkdir(dir, { recursive: true });
  const r = await unpackLayer(Readable.from([l.gz]), 'gzip', dir);
  assert.equal(r.diffId, l.diffId);
  return r.diffId;
}

test('safeEntryPath keeps entries inside the root', () => {
  const ok: [string, string][] = [['./a/b', 'a/b'], ['a//b/', 'a/b'], ['./', ''], ['.', ''], ['a/../b', 'b'], ['a/./b/..', 'a']];
  for (const [i, want] of ok) assert.equal(safeEntryPath(i), want, i);
  for (const bad of ['/etc/passwd', '../x', 'a/../../x', '..', 'a\0b']) assert.throws(() => safeEntryPath(bad), /absolute|escapes|invalid/, bad);
});

test('unpacks files, metadata, links and overlay-form whiteouts', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'l');
  const mtime = new Date('2023-05-06T07:08:09Z');
  await unpackInto(dir, [
    { path: './', type: 'dir', mode: 0o755 },
    { path: 'bin', type: 'dir', mode: 0o755 },
    { path: 'bin/tool', content: '#!/bin/sh\n', mode: 0o4755, uid: 1000, gid: 1001, mtime },
    { path: 'bin/hard', type: 'link', linkname: 'bin/tool' },
    { path: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', uid: 7, gid: 8 },
    { path: 'deep/er/file', content: 'x' },
    { path: 'tmp', type: 'dir', mode: 0o1777, mtime },
    { path: 'etc/gone', type: 'whiteout' },
    { path: 'opq', type: 'opaque' },
    { path: 'opq/new', content: 'n' },
    { path: 'pipe', type: 'fifo', mode: 0o600 },
  ]);
  const tool = statSync(join(dir, 'bin/tool'));
  assert.equal(tool.mode & 0o7777, 0o4755);
  assert.equal(tool.uid, 1000);
  assert.equal(tool.gid, 1001);
  assert.equal(tool.mtime.getTime(), mtime.getTime());
  assert.equal(statSync(join(dir, 'bin/hard')).ino, tool.ino);
  assert.equal(readlinkSync(join(dir, 'bin/sh')), '/bin/busybox');
  assert.equal(lstatSync(join(dir, 'bin/sh')).uid, 7);
  assert.equal(readFileSync(join(dir, 'deep/er/file'), 'utf8'), 'x');
  const tmp = statSync(join(dir, 'tmp'));
  assert.equal(tmp.mode & 0o7777, 0o1777);
  assert.equal(tmp.mtime.getTime(), mtime.getTime());
  const wh = lstatSync(join(dir, 'etc/gone'));
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  assert.equal(wh.uid, 0);
  assert.ok(!existsSync(join(dir, 'etc/.wh.gone')));
  assert.ok(!existsSync(join(dir, 'opq/.wh..wh..opq')));
  assert.equal(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(dir, 'opq')]).toString(), 'y');
  assert.ok(lstatSync(join(dir, 'pipe')).isFIFO());
});

test('accepts a layer without padding or end-of-archive blocks', async (t) => {
  const root = await tempDir(t);
  await unpackInto(join(root, 'l'), [{ path: 'a', content: 'hello' }, { path: 'b', content: 'x'.repeat(700) }], true);
  assert.equal(readFileSync(join(root, 'l/b'), 'utf8').length, 700);
});

test('refuses entries that escape the layer', async (t) => {
  const root = await tempDir(t);
  const outside = join(root, 'outside');
  await mkdir(outside);
  const cases: [string, LayerEntry[], RegExp][] = [
    ['absolute', [{ path: '/etc/x', content: 'x' }], /absolute path/],
    ['dotdot', [{ path: '../outside/x', content: 'x' }], /escapes the layer root/],
    ['through symlink', [{ path: 'evil', type: 'symlink', linkname: outside }, { path: 'evil/x', content: 'pwned' }], /through the symlink "evil"/],
    ['through relative symlink', [{ path: 'a', type: 'dir' }, { path: 'a/up', type: 'symlink', linkname: '../..' }, { path: 'a/up/outside/y', content: 'pwned' }], /through the symlink "a\/up"/],
    ['hardlink outside', [{ path: 'h', type: 'link', linkname: '../outside/z' }], /escapes the layer root/],
    ['hardlink via symlink', [{ path: 's', type: 'symlink', linkname: outside }, { path: 'h', type: 'link', linkname: 's/f' }], /through the symlink/],
    ['hardlink to missing', [{ path: 'h', type: 'link', linkname: 'nope' }], /not in the layer/],
  ];
  for (const [name, entries, re] of cases) {
    const dir = join(root, name.replace(/ /g, '-'));
    await assert.rejects(unpackInto(dir, entries), re, name);
  }
  assert.deepEqual(readdirSync(outside), []);
});

test('stacked as overlay lowerdirs, whiteouts hide lower files and opaque dirs hide lower entries', async (t) => {
  const root = await tempDir(t);
  const lower = join(root, 'lower');
  const upper = join(root, 'upper');
  const mnt = join(root, 'mnt');
  await mkdir(mnt);
  await unpackInto(lower, [
    { path: 'www/index.html', content: 'old' },
    { path: 'www/old.html', content: 'bye' },
    { path: 'data/a', content: 'a' },
    { path: 'data/b', content: 'b' },
  ]);
  await unpackInto(upper, [
    { path: 'www/index.html', content: 'new' },
    { path: 'www/old.html', type: 'whiteout' },
    { path: 'data', type: 'opaque' },
    { path: 'data/c', content: 'c' },
  ]);
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${upper}:${lower}`, mnt]);
  try {
    assert.deepEqual(readdirSync(join(mnt, 'www')), ['index.html']);
    assert.equal(readFileSync(join(mnt, 'www/index.html'), 'utf8'), 'new');
    assert.deepEqual(readdirSync(join(mnt, 'data')), ['c']);
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('entriesFromDirectory round-trips a directory through a layer', async (t) => {
  const root = await tempDir(t);
  const src = join(root, 'src');
  await mkdir(join(src, 'bin'), { recursive: true });
  execFileSync('sh', ['-c', `cd ${src} && printf hi > bin/busybox && chmod 755 bin/busybox && ln bin/busybox bin/hard && ln -s busybox bin/sh && mkdir -m 1777 tmp`]);
  const { entriesFromDirectory } = await import('../../../test/fixtures/registry/layer.js');
  const dir = join(root, 'out');
  await unpackInto(dir, await entriesFromDirectory(src));
  assert.equal(readFileSync(join(dir, 'bin/busybox'), 'utf8'), 'hi');
  assert.equal(statSync(join(dir, 'bin/hard')).ino, statSync(join(dir, 'bin/busybox')).ino);
  assert.equal(readlinkSync(join(dir, 'bin/sh')), 'busybox');
  assert.equal(statSync(join(dir, 'tmp')).mode & 0o7777, 0o1777);
  assert.equal(statSync(join(dir, 'bin/busybox')).mode & 0o777, 0o755);
});

// hostPath type checks: the pure verdicts with upstream's messages, and the real checks on files,
// directories, a unix socket and /dev/null.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPathType, ensureHostPath, type PathKind } from './host-path.js';

describe('checkHostPathType', () => {
  const P = '/p';
  const cases: [string, PathKind, ReturnType<typeof checkHostPathType>][] = [
    ['', undefined, undefined],
    ['', 'file', undefined],
    ['DirectoryOrCreate', undefined, 'create-dir'],
    ['DirectoryOrCreate', 'dir', undefined],
    ['DirectoryOrCreate', 'file', { error: 'hostPath type check failed: /p is not a directory' }],
    ['Directory', undefined, { error: 'hostPath type check failed: /p is not a directory' }],
    ['Directory', 'dir', undefined],
    ['FileOrCreate', undefined, 'create-file'],
    ['FileOrCreate', 'dir', { error: 'hostPath type check failed: /p is not a file' }],
    ['File', 'file', undefined],
    ['File', undefined, { error: 'hostPath type check failed: /p is not a file' }],
    ['Socket', 'file', { error: 'hostPath type check failed: /p is not a socket file' }],
    ['Socket', 'socket', undefined],
    ['CharDevice', 'char', undefined],
    ['CharDevice', 'block', { error: 'hostPath type check failed: /p is not a character device' }],
    ['BlockDevice', 'char', { error: 'hostPath type check failed: /p is not a block device' }],
    ['Bogus', 'dir', { error: 'Bogus is an invalid volume type' }],
  ];
  for (const [type, kind, want] of cases) test(`${type || '""'} on ${kind ?? 'nothing'}`, () => assert.deepEqual(checkHostPathType(P, type, kind), want));
});

test('ensureHostPath on a real filesystem', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-hp-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const made = join(root, 'a/b/c');
  await ensureHostPath(made, 'DirectoryOrCreate');
  assert.ok((await stat(made)).isDirectory());
  const file = join(root, 'f.log');
  await ensureHostPath(file, 'FileOrCreate');
  assert.ok((await stat(file)).isFile());
  await writeFile(file, 'keep');
  await ensureHostPath(file, 'FileOrCreate');
  assert.equal((await stat(file)).size, 4);
  await assert.rejects(ensureHostPath(file, 'Directory'), { message: `hostPath type check failed: ${file} is not a directory` });
  await assert.rejects(ensureHostPath(join(root, 'none'), 'File'), { message: `hostPath type check failed: ${join(root, 'none')} is not a file` });
  await ensureHostPath('/dev/null', 'CharDevice');
  await assert.rejects(ensureHostPath('/dev/null', 'BlockDevice'), /is not a block device/);
  const sock = join(root, 's.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  await ensureHostPath(sock, 'Socket');
  await assert.rejects(ensureHostPath(file, 'Socket'), /is not a socket file/);
  await ensureHostPath(join(root, 'whatever'), undefined);
});

// fsGroup ownership: the mode bits upstream adds, and a real walk (group, setgid, symlinks untouched).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownershipMode, rootMatches, setVolumeOwnership } from './ownership.js';

describe('ownershipMode', () => {
  const cases: [number, boolean, boolean, number][] = [
    [0o644, false, false, 0o664],
    [0o644, false, true, 0o644],
    [0o600, false, true, 0o640],
    [0o755, true, true, 0o2755],
    [0o777, true, false, 0o2777],
    [0o700, true, false, 0o2770],
  ];
  for (const [mode, dir, ro, want] of cases) test(`${mode.toString(8)} dir=${dir} ro=${ro}`, () => assert.equal(ownershipMode(mode, dir, ro).toString(8), want.toString(8)));
});

test('setVolumeOwnership walks the volume; OnRootMismatch skips a matching root', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-own-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const vol = join(root, 'vol');
  await mkdir(join(vol, 'sub'), { recursive: true });
  await chmod(vol, 0o755);
  await writeFile(join(vol, 'sub', 'f'), 'x', { mode: 0o600 });
  await chmod(join(vol, 'sub', 'f'), 0o600);
  await symlink('sub/f', join(vol, 'link'));
  assert.equal(await rootMatches(vol, 3000, false), false);
  await setVolumeOwnership(vol, 3000, false);
  const f = await stat(join(vol, 'sub', 'f'));
  assert.equal(f.gid, 3000);
  assert.equal(f.mode & 0o7777, 0o660);
  assert.equal((await stat(vol)).mode & 0o7777, 0o2775);
  assert.equal((await lstat(join(vol, 'link'))).gid, 3000);
  assert.equal(await rootMatches(vol, 3000, false), true);
  // A file added later is left alone by OnRootMismatch, changed by Always.
  await writeFile(join(vol, 'late'), 'y', { mode: 0o600 });
  await chmod(join(vol, 'late'), 0o600);
  await setVolumeOwnership(vol, 3000, false, 'OnRootMismatch');
  assert.equal((await stat(join(vol, 'late'))).mode & 0o777, 0o600);
  await setVolumeOwnership(vol, 3000, false, 'Always');
  assert.equal((await stat(join(vol, 'late'))).mode & 0o777, 0o660);
});

// fsGroup ownership, as upstream's SetVolumeOwnership: every file's group becomes the fsGroup and
// gains group read (and write, unless the volume is read-only); directories also get setgid and
// group execute, so files made later inherit the group.

import { lchown, chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const RW = 0o660;
const RO = 0o440;
const EXEC = 0o110;
const SETGID = 0o2000;

/** The mode a file gets: its own bits plus the group bits upstream adds. */
export function ownershipMode(mode: number, isDir: boolean, readOnly: boolean): number {
  let mask = readOnly ? RO : RW;
  if (isDir) mask |= SETGID | EXEC;
  return (mode & 0o7777) | mask;
}

/**
 * fsGroupChangePolicy OnRootMismatch: the walk is skipped when the volume root already has the
 * group, setgid and the group bits (upstream's skipPermissionChange).
 */
export async function rootMatches(dir: string, fsGroup: number, readOnly: boolean): Promise<boolean> {
  const st = await lstat(dir);
  const want = ownershipMode(0, true, readOnly);
  return st.gid === fsGroup && (st.mode & want) === want;
}

export async function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean, changePolicy?: string): Promise<void> {
  if (changePolicy === 'OnRootMismatch' && (await rootMatches(dir, fsGroup, readOnly))) return;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    await lchown(p, -1, fsGroup);
    // Symlinks carry no mode of their own.
    if (st.isSymbolicLink()) return;
    await chmod(p, ownershipMode(st.mode, st.isDirectory(), readOnly));
    if (st.isDirectory()) for (const e of await readdir(p)) await walk(join(p, e));
  };
  await walk(dir);
}

// hostPath `type` checks, with upstream's messages; the *OrCreate types make what is missing.

import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] as const;

/** What a stat of the path says, for the pure check. undefined: nothing there. */
export type PathKind = 'dir' | 'file' | 'socket' | 'char' | 'block' | 'other' | undefined;

export function kindOf(st: Stats | undefined): PathKind {
  if (!st) return undefined;
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'other';
}

/**
 * The pure part of upstream's checkTypeInternal: 'create-dir' / 'create-file' when the path must be
 * made, an error message when the type does not match, or undefined when it is fine.
 */
export function checkHostPathType(path: string, type: string, kind: PathKind): 'create-dir' | 'create-file' | { error: string } | undefined {
  const dir = kind === 'dir' ? undefined : { error: `hostPath type check failed: ${path} is not a directory` };
  const file = kind === 'file' ? undefined : { error: `hostPath type check failed: ${path} is not a file` };
  switch (type) {
    case '':
      return undefined;
    case 'DirectoryOrCreate':
      return kind === undefined ? 'create-dir' : dir;
    case 'Directory':
      return dir;
    case 'FileOrCreate':
      return kind === undefined ? 'create-file' : file;
    case 'File':
      return file;
    case 'Socket':
      return kind === 'socket' ? undefined : { error: `hostPath type check failed: ${path} is not a socket file` };
    case 'CharDevice':
      return kind === 'char' ? undefined : { error: `hostPath type check failed: ${path} is not a character device` };
    case 'BlockDevice':
      return kind === 'block' ? undefined : { error: `hostPath type check failed: ${path} is not a block device` };
    default:
      return { error: `${type} is an invalid volume type` };
  }
}

/** Checks (and for *OrCreate, makes) the host path; throws upstream's message on a mismatch. */
export async function ensureHostPath(path: string, type: string | undefined): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  const verdict = checkHostPathType(path, type ?? '', kindOf(st));
  if (verdict === 'create-dir') await mkdir(path, { recursive: true, mode: 0o755 });
  else if (verdict === 'create-file') await (await open(path, 'a', 0o644)).close();
  else if (verdict) throw new Error(verdict.error);
}

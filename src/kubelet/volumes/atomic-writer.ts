// Upstream's AtomicWriter: a volume's files are written into a fresh timestamped directory, and a
// `..data` symlink is swapped to it with one rename, so a reader sees the old set or the new set,
// never a mix. User-visible names are symlinks `name -> ..data/name` made once.

import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, chmod, symlink, writeFile, stat, unlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

export interface FileProjection {
  data: Buffer | string;
  /** Permission bits (e.g. 0o644). */
  mode: number;
}

export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const DATA_TMP = '..data_tmp';
const MAX_PATH = 4096;
const MAX_FILENAME = 255;

/** Upstream's validatePath: the messages say what is wrong with a payload path; undefined when fine. */
export function validatePath(p: string): string | undefined {
  if (p === '') return `invalid path: must not be empty: "${p}"`;
  if (p.startsWith('/')) return `invalid path: must be relative path: ${p}`;
  if (p.length > MAX_PATH) return `invalid path: must be less than or equal to ${MAX_PATH} characters`;
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${p}`;
    if (item.length > MAX_FILENAME) return `invalid path: filenames must be less than or equal to ${MAX_FILENAME} characters`;
  }
  if (items[0].startsWith('..') && items[0].length > 2) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

/** Validates and cleans every path (filepath.Clean), as upstream does before writing. */
export function cleanPayload(payload: Payload): Payload {
  const out: Payload = new Map();
  for (const [p, f] of payload) {
    const err = validatePath(p);
    if (err) throw new Error(err);
    out.set(posix.normalize(p).replace(/\/$/, ''), f);
  }
  return out;
}

/** Go's time format "..2006_01_02_15_04_05." in UTC, the prefix of upstream's timestamped dirs. */
export function timestampDirPrefix(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/** Top-level names a payload makes visible: `a/b` shows as `a`. */
export function userVisibleNames(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) out.add(p.split('/')[0]);
  return out;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

async function unchanged(targetDir: string, payload: Payload): Promise<boolean> {
  const current = await listFiles(join(targetDir, DATA_DIR));
  if (current.length !== payload.size || current.some((p) => !payload.has(p))) return false;
  for (const [p, f] of payload) {
    try {
      const file = join(targetDir, DATA_DIR, p);
      const [content, st] = await Promise.all([readFile(file), stat(file)]);
      if (!content.equals(Buffer.from(f.data)) || (st.mode & 0o777) !== (f.mode & 0o777)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Writes the payload into targetDir atomically; returns false when the contents were already
 * there (nothing written). targetDir is created if missing.
 */
export async function writeAtomic(targetDir: string, input: Payload, now: Date = new Date()): Promise<boolean> {
  const payload = cleanPayload(input);
  await mkdir(targetDir, { recursive: true });
  const oldTs = await readlink(join(targetDir, DATA_DIR)).catch(() => undefined);
  const oldVisible = oldTs ? userVisibleNames(await listFiles(join(targetDir, oldTs))) : new Set<string>();
  if (oldTs && (await unchanged(targetDir, payload))) return false;

  const tsDir = await mkdtemp(join(targetDir, timestampDirPrefix(now)));
  await chmod(tsDir, 0o755);
  for (const [p, f] of payload) {
    const file = join(tsDir, p);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, f.data, { mode: f.mode });
    // The umask narrowed writeFile's mode.
    await chmod(file, f.mode & 0o7777);
  }
  const tmpLink = join(targetDir, DATA_TMP);
  await rm(tmpLink, { force: true });
  await symlink(posix.basename(tsDir), tmpLink);
  await rename(tmpLink, join(targetDir, DATA_DIR));

  const visible = userVisibleNames(payload.keys());
  for (const name of visible) {
    const link = join(targetDir, name);
    const exists = await lstat(link).then(() => true, () => false);
    if (!exists) await symlink(posix.join(DATA_DIR, name), link);
  }
  for (const name of oldVisible) if (!visible.has(name)) await unlink(join(targetDir, name)).catch(() => undefined);
  if (oldTs && oldTs !== posix.basename(tsDir)) await rm(join(targetDir, oldTs), { recursive: true, force: true });
  return true;
}

// Unpacks one layer tar into its own directory in overlayfs form, so layers stack as lowerdirs:
// whiteouts become 0:0 character devices, opaque markers the trusted.overlay.opaque xattr.
// Hostile layers are refused: paths escaping the root, writes through symlinks, foreign hardlinks.

import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, rm, symlink, unlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { ImagePullError } from '../cri/types.js';
import type { LayerCompression } from './oci.js';

const run = promisify(execFile);

export interface UnpackResult {
  /** sha256 of the uncompressed tar: the layer's diff_id. */
  diffId: string;
  /** Uncompressed tar bytes. */
  size: number;
}

export class LayerUnpackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerUnpackError';
  }
}

/**
 * Hashes the uncompressed tar and, at its end, adds what a truncated writer left out (the last
 * record's padding and the two zero blocks), so the parser accepts archives without a trailer.
 */
class TarTail extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  diffId = '';
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.diffId = `sha256:${this.hash.digest('hex')}`;
    const pad = (512 - (this.size % 512)) % 512;
    cb(null, Buffer.alloc(pad + 1024));
  }
}

type ZstdFactory = () => Transform;

export function decompressor(c: LayerCompression, mediaType = ''): Transform | undefined {
  if (c === 'none') return undefined;
  if (c === 'gzip') return zlib.createGunzip();
  const make = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  if (!make) {
    throw new ImagePullError(`unsupported media type ${mediaType || 'application/vnd.oci.image.layer.v1.tar+zstd'}: zstd decompression is not available in Node.js ${process.version}`, 'Invalid');
  }
  return make();
}

/** Normalizes a tar member name to a relative path inside the root; '' is the root itself. */
export function safeEntryPath(name: string): string {
  if (name.includes('\0')) throw new LayerUnpackError(`invalid tar entry name ${JSON.stringify(name)}`);
  if (name.startsWith('/')) throw new LayerUnpackError(`refusing tar entry with absolute path "${name}"`);
  const n = posix.normalize(name);
  if (n === '..' || n.startsWith('../')) throw new LayerUnpackError(`refusing tar entry "${name}": path escapes the layer root`);
  const rel = n.replace(/\/+$/, '');
  return rel === '.' ? '' : rel;
}

interface DirMeta { path: string; mode: number; uid: number; gid: number; mtime: Date }

/** Unpacks a (possibly compressed) layer stream into `dir`, which must exist and be empty. */
export async function unpackLayer(input: Readable, compression: LayerCompression, dir: string, mediaType = ''): Promise<UnpackResult> {
  const dec = decompressor(compression, mediaType);
  const tail = new TarTail();
  const ex = tar.extract();
  const stages: NodeJS.ReadWriteStream[] = dec ? [dec, tail] : [tail];
  const piping = pipeline([input, ...stages, ex] as unknown as [Readable, NodeJS.WritableStream]);
  piping.catch(() => { /* surfaced through the iterator below */ });

  const realDirs = new Set<string>(['']);
  const dirs: DirMeta[] = [];
  const whiteouts: string[] = [];
  const opaque = new Set<string>();
  const fifos: { path: string; mode: number }[] = [];
  const abs = (rel: string): string => (rel ? `${dir}/${rel}` : dir);

  // Every parent must be a directory created by this layer, never a symlink.
  const ensureParents = async (rel: string, create: boolean): Promise<void> => {
    const parts = rel.split('/').slice(0, -1);
    let cur = '';
    for (const p of parts) {
      cur = cur ? `${cur}/${p}` : p;
      if (realDirs.has(cur)) continue;
      const st = await lstat(abs(cur)).catch(() => undefined);
      if (!st) {
        if (!create) throw new LayerUnpackError(`hardlink target parent "${cur}" does not exist in the layer`);
        await mkdir(abs(cur), { mode: 0o755 });
      } else if (st.isSymbolicLink()) {
        throw new LayerUnpackError(`refusing to write "${rel}" through the symlink "${cur}"`);
      } else if (!st.isDirectory()) {
        throw new LayerUnpackError(`refusing to write "${rel}": "${cur}" is not a directory`);
      }
      realDirs.add(cur);
    }
  };
  const clear = async (rel: string): Promise<void> => {
    const st = await lstat(abs(rel)).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) {
      await rm(abs(rel), { recursive: true, force: true });
      for (const d of [...realDirs]) if (d === rel || d.startsWith(`${rel}/`)) realDirs.delete(d);
    } else await unlink(abs(rel));
  };

  try {
    for await (const entry of ex) {
      const h = entry.header;
      const rel = safeEntryPath(h.name);
      const base = posix.basename(rel);
      const mode = (h.mode ?? 0o644) & 0o7777;
      const uid = h.uid ?? 0;
      const gid = h.gid ?? 0;
      const mtime = h.mtime ?? new Date(0);
      if (rel === '') {
        if (h.type === 'directory') dirs.push({ path: dir, mode, uid, gid, mtime });
        entry.resume();
        continue;
      }
      if (base.startsWith('.wh.')) {
        entry.resume();
        await ensureParents(rel, true);
        const parent = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
        if (base === '.wh..wh..opq') opaque.add(parent);
        else if (!base.startsWith('.wh..wh.')) whiteouts.push(parent ? `${parent}/${base.slice(4)}` : base.slice(4));
        continue;
      }
      await ensureParents(rel, true);
      const p = abs(rel);
      switch (h.type) {
        case 'directory': {
          const st = await lstat(p).catch(() => undefined);
          if (!st?.isDirectory()) {
            if (st) await unlink(p);
            await mkdir(p, { mode: 0o700 });
          }
          realDirs.add(rel);
          dirs.push({ path: p, mode, uid, gid, mtime });
          entry.resume();
          break;
        }
        case 'file':
        case 'contiguous-file':
        case undefined:
        case null: {
          await clear(rel);
          await pipeline(entry, createWriteStream(p, { flags: 'wx', mode: 0o600 }));
          await lchown(p, uid, gid);
          await chmod(p, mode);
          await lutimes(p, mtime, mtime);
          break;
        }
        case 'symlink': {
          entry.resume();
          await clear(rel);
          await symlink(h.linkname ?? '', p);
          await lchown(p, uid, gid);
          await lutimes(p, mtime, mtime);
          break;
        }
        case 'link': {
          entry.resume();
          const target = safeEntryPath(h.linkname ?? '');
          if (!target) throw new LayerUnpackError(`refusing hardlink "${rel}" to the layer root`);
          await ensureParents(target, false);
          const tst = await lstat(abs(target)).catch(() => undefined);
          if (!tst) throw new LayerUnpackError(`hardlink "${rel}" points to "${target}", which is not in the layer`);
          if (tst.isDirectory()) throw new LayerUnpackError(`refusing hardlink "${rel}" to a directory`);
          await clear(rel);
          await link(abs(target), p);
          break;
        }
        case 'fifo':
          entry.resume();
          await clear(rel);
          fifos.push({ path: p, mode });
          break;
        default:
          // Devices come from the runtime's /dev, never from images.
          entry.resume();
      }
    }
    await piping;
  } catch (e) {
    ex.destroy();
    input.destroy();
    if (e instanceof LayerUnpackError || e instanceof ImagePullError) throw e;
    throw new LayerUnpackError(`failed to extract layer: ${e instanceof Error ? e.message : String(e)}`);
  }

  for (const w of whiteouts) {
    if (await lstat(abs(w)).catch(() => undefined)) continue; // the layer itself brings the name back
    await run('mknod', [abs(w), 'c', '0', '0']);
  }
  for (const f of fifos) {
    await run('mknod', ['-m', (f.mode & 0o777).toString(8), f.path, 'p']);
  }
  if (opaque.size > 0) {
    await run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', ...[...opaque].map(abs)]);
  }
  // Directories last: their contents are complete, so the mtimes stay as the tar says.
  for (const d of dirs.reverse()) {
    await lchown(d.path, d.uid, d.gid);
    await chmod(d.path, d.mode);
    await lutimes(d.path, d.mtime, d.mtime);
  }
  return { diffId: tail.diffId, size: tail.size };
}

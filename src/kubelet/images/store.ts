// The node's content-addressed image store under <dataDir>/agent/images: verified blobs, layers
// unpacked once into layers/<diffid>, and an index of images kept consistent between processes
// (the server's agent and `k8ts image import`) by a lock file and atomic renames.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { ImagePullError } from '../cri/types.js';
import type { ImageConfig } from '../cri/types.js';
import { layerCompression, sha256 } from './oci.js';
import { LayerUnpackError, unpackLayer } from './unpack.js';

export interface StoredLayer {
  /** Digest of the blob as stored (compressed or not). */
  digest: string;
  diffId: string;
  size: number;
  mediaType: string;
}

export interface StoredImage {
  /** Config digest. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  manifestDigest: string;
  /** Every blob the image holds: index (if any), manifest, config, layers. */
  blobs: string[];
  /** Bottom layer first. */
  layers: StoredLayer[];
  size: number;
  config: ImageConfig;
  os: string;
  architecture: string;
  /** ISO time the image was last stored. */
  storedAt: string;
}

export interface ImageIndexFile {
  version: 1;
  images: Record<string, StoredImage>;
}

export interface BlobDescriptor { digest: string; size: number }

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

function hex(digest: string): string {
  const h = digest.slice('sha256:'.length);
  if (!/^[a-f0-9]{64}$/.test(h) || !digest.startsWith('sha256:')) throw new Error(`invalid digest "${digest}"`);
  return h;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class Hasher extends Transform {
  private readonly h = createHash('sha256');
  n = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.h.update(chunk);
    this.n += chunk.length;
    this.onBytes?.(this.n);
    cb(null, chunk);
  }
  digest(): string {
    return `sha256:${this.h.digest('hex')}`;
  }
}

export class ContentStore {
  readonly root: string;
  private readonly indexPath: string;
  private readonly lockPath: string;
  private cache: { key: string; index: ImageIndexFile } | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  /** `root` is <dataDir>/agent/images. */
  constructor(root: string) {
    this.root = root;
    this.indexPath = join(root, 'index.json');
    this.lockPath = join(root, 'index.lock');
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true, mode: 0o700 });
    await mkdir(join(this.root, 'layers'), { recursive: true, mode: 0o700 });
    await mkdir(join(this.root, 'tmp'), { recursive: true, mode: 0o700 });
  }

  blobPath(digest: string): string {
    return join(this.root, 'blobs', 'sha256', hex(digest));
  }

  layerDir(diffId: string): string {
    return join(this.root, 'layers', hex(diffId));
  }

  tmpPath(prefix: string): string {
    return join(this.root, 'tmp', `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  async hasBlob(digest: string): Promise<boolean> {
    return (await stat(this.blobPath(digest)).catch(() => undefined))?.isFile() ?? false;
  }

  async hasLayer(diffId: string): Promise<boolean> {
    return (await stat(this.layerDir(diffId)).catch(() => undefined))?.isDirectory() ?? false;
  }

  /**
   * Streams a blob into the store: written to a temp file, digest and size checked, then renamed
   * into place, so a blob path only ever holds verified content. `kind` names it in errors
   * ("layer", "config") as containerd's commit refs do.
   */
  async writeBlob(desc: BlobDescriptor, input: Readable, kind: string, onBytes?: (n: number) => void): Promise<void> {
    const tmp = this.tmpPath('blob');
    const h = new Hasher(onBytes);
    try {
      await pipeline(input, h, createWriteStream(tmp, { mode: 0o600 }));
      const ref = `${kind}-${desc.digest}`;
      if (h.n !== desc.size) throw new ImagePullError(`failed commit on ref "${ref}": unexpected commit size ${h.n}, expected ${desc.size}: failed precondition`, 'Invalid');
      const got = h.digest();
      if (got !== desc.digest) throw new ImagePullError(`failed commit on ref "${ref}": unexpected commit digest ${got}, expected ${desc.digest}: failed precondition`, 'Invalid');
      await rename(tmp, this.blobPath(desc.digest));
    } catch (e) {
      await rm(tmp, { force: true });
      if (e instanceof ImagePullError) throw e;
      throw new ImagePullError(`failed to copy: ${e instanceof Error ? e.message : String(e)}`, 'Network');
    }
  }

  /** Stores bytes already in memory (manifests, configs); returns their digest. */
  async putBlob(data: Buffer): Promise<string> {
    const digest = sha256(data);
    if (await this.hasBlob(digest)) return digest;
    const tmp = this.tmpPath('blob');
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, this.blobPath(digest));
    return digest;
  }

  async readBlob(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  /**
   * Unpacks a stored layer blob into layers/<diffid>, unless it already is. Unpacks into a temp
   * directory first and renames, so a layer directory is complete when it exists.
   */
  async unpack(layer: StoredLayer): Promise<void> {
    if (await this.hasLayer(layer.diffId)) return;
    const tmp = join(this.root, 'layers', `.tmp-${hex(layer.diffId).slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp, { mode: 0o755 });
    try {
      const res = await unpackLayer(createReadStream(this.blobPath(layer.digest)), layerCompression(layer.mediaType), tmp, layer.mediaType);
      if (res.diffId !== layer.diffId) {
        throw new ImagePullError(`failed to unpack layer ${layer.digest}: diff_id mismatch: uncompressed content has ${res.diffId}, the image config says ${layer.diffId}`, 'Invalid');
      }
      try {
        await rename(tmp, this.layerDir(layer.diffId));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        await rm(tmp, { recursive: true, force: true }); // another process unpacked it first
      }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      if (e instanceof LayerUnpackError) throw new ImagePullError(`failed to unpack layer ${layer.digest}: ${e.message}`, 'Invalid');
      throw e;
    }
  }

  /** The index as last written by any process (re-read when the file changed). */
  async readIndex(): Promise<ImageIndexFile> {
    const st = await stat(this.indexPath).catch(() => undefined);
    if (!st) return { version: 1, images: {} };
    const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (this.cache?.key === key) return this.cache.index;
    let index: ImageIndexFile;
    try {
      const doc = JSON.parse(await readFile(this.indexPath, 'utf8')) as ImageIndexFile;
      index = doc && typeof doc === 'object' && doc.images ? doc : { version: 1, images: {} };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, images: {} };
      throw new Error(`${this.indexPath}: unreadable image index: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.cache = { key, index };
    return index;
  }

  /**
   * Changes the index under the lock: re-reads it, applies `fn`, writes a temp file and renames
   * it over the index. Serialized in this process, and between processes by index.lock.
   */
  updateIndex<T>(fn: (index: ImageIndexFile) => T | Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      await this.init();
      await this.lock();
      try {
        this.cache = undefined;
        const index = structuredClone(await this.readIndex());
        const out = await fn(index);
        const tmp = this.tmpPath('index');
        await writeFile(tmp, JSON.stringify(index, null, 1), { mode: 0o600 });
        await rename(tmp, this.indexPath);
        this.cache = undefined;
        return out;
      } finally {
        await unlink(this.lockPath).catch(() => undefined);
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async lock(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        const fh = await open(this.lockPath, 'wx', 0o600);
        await fh.writeFile(`${process.pid}\n`);
        await fh.close();
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      // A lock left by a dead process, or held far too long, is broken.
      const [text, st] = await Promise.all([readFile(this.lockPath, 'utf8').catch(() => ''), stat(this.lockPath).catch(() => undefined)]);
      const pid = Number.parseInt(text, 10);
      if (st && ((Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) || Date.now() - st.mtimeMs > LOCK_STALE_MS)) {
        await unlink(this.lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the image index lock ${this.lockPath}`);
      await delay(wait);
    }
  }

  /**
   * Deletes blobs and layer directories no image in `index` references, among `candidates`
   * (the blobs and diff_ids of images just removed). Called inside updateIndex.
   */
  async collect(index: ImageIndexFile, candidates: { blobs: string[]; diffIds: string[] }): Promise<void> {
    const blobs = new Set<string>();
    const diffIds = new Set<string>();
    for (const img of Object.values(index.images)) {
      for (const b of img.blobs) blobs.add(b);
      for (const l of img.layers) diffIds.add(l.diffId);
    }
    for (const b of candidates.blobs) if (!blobs.has(b)) await rm(this.blobPath(b), { force: true });
    for (const d of candidates.diffIds) if (!diffIds.has(d)) await rm(this.layerDir(d), { recursive: true, force: true });
  }

  /** Removes temp files a crashed process left behind (not those of live processes). */
  async cleanTemp(): Promise<void> {
    for (const [dir, re] of [[join(this.root, 'tmp'), /^[a-z]+-(\d+)-/], [join(this.root, 'layers'), /^\.tmp-[a-f0-9]+-(\d+)-/]] as const) {
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const m = re.exec(name);
        if (m && !pidAlive(Number(m[1]))) await rm(join(dir, name), { recursive: true, force: true });
      }
    }
  }
}

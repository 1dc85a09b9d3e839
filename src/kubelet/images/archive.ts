// Loads image archives into the store: an OCI image layout in a tar (index.json + blobs/), and a
// `docker save` tar (manifest.json + <id>/layer.tar or blobs/), each possibly holding many images.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { MT, nodePlatform, parseImageConfig, parseManifest, selectPlatform, sha256 } from './oci.js';
import type { Descriptor, ImageManifest, Platform } from './oci.js';
import { formatReference, parseNormalizedReference, repositoryName } from './reference.js';
import type { ImageReference } from './reference.js';
import type { ContentStore, StoredImage, StoredLayer } from './store.js';
import { safeEntryPath } from './unpack.js';

export interface ImportOptions {
  platform?: Platform;
  /** Stores the finished image record (under the index lock). */
  commit: (img: StoredImage) => Promise<void>;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

interface Extracted {
  dir: string;
  files: Set<string>;
  /** Symlinks and hardlinks inside the archive: path → target path. */
  links: Map<string, string>;
}

async function magic(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function isZstd(b: Buffer): boolean {
  return b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528;
}

async function extract(file: string, dir: string): Promise<Extracted> {
  const out: Extracted = { dir, files: new Set(), links: new Map() };
  const ex = tar.extract();
  const src: Readable = createReadStream(file);
  const piping = pipeline(src, isGzip(await magic(file)) ? zlib.createGunzip() : new PassThrough(), ex);
  piping.catch(() => undefined);
  for await (const entry of ex) {
    const h = entry.header;
    const rel = safeEntryPath(h.name);
    if ((h.type === 'file' || h.type === 'contiguous-file') && rel) {
      await mkdir(join(dir, dirname(rel)), { recursive: true, mode: 0o700 });
      await pipeline(entry, createWriteStream(join(dir, rel), { mode: 0o600 }));
      out.files.add(rel);
      continue;
    }
    entry.resume();
    if (h.type === 'symlink' && rel) out.links.set(rel, safeEntryPath(posix.join(posix.dirname(rel), h.linkname ?? '')));
    else if (h.type === 'link' && rel) out.links.set(rel, safeEntryPath(h.linkname ?? ''));
  }
  await piping;
  return out;
}

function locate(x: Extracted, name: string, archive: string): string {
  let rel = safeEntryPath(name);
  for (let i = 0; i < 16 && !x.files.has(rel); i++) {
    const next = x.links.get(rel);
    if (next === undefined) break;
    rel = next;
  }
  if (!x.files.has(rel)) throw new Error(`${archive}: "${name}" is not in the archive`);
  return join(x.dir, rel);
}

function blobName(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

async function readVerified(x: Extracted, d: { digest: string; size: number }, archive: string): Promise<Buffer> {
  const data = await readFile(locate(x, blobName(d.digest), archive));
  if (data.length !== d.size || sha256(data) !== d.digest) throw new Error(`${archive}: blob ${d.digest} does not match its digest or size`);
  return data;
}

function nameOf(s: string | undefined): ImageReference | undefined {
  if (!s) return undefined;
  try {
    return parseNormalizedReference(s);
  } catch {
    return undefined;
  }
}

async function fileDigest(path: string): Promise<{ digest: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path)) {
    h.update(c as Buffer);
    size += (c as Buffer).length;
  }
  return { digest: `sha256:${h.digest('hex')}`, size };
}

async function ingestLayers(store: ContentStore, layers: StoredLayer[], paths: string[]): Promise<void> {
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (!(await store.hasBlob(l.digest))) await store.writeBlob(l, createReadStream(paths[i]!), 'layer');
    await store.unpack(l);
  }
}

function record(id: string, manifestDigest: string, manifest: ImageManifest, configBytes: Buffer, layers: StoredLayer[], extraBlobs: string[]): StoredImage {
  const cfg = parseImageConfig(configBytes);
  if (cfg.diffIds.length !== layers.length) throw new Error(`image ${id}: ${cfg.diffIds.length} diff_ids for ${layers.length} layers`);
  return {
    id,
    repoTags: [],
    repoDigests: [],
    manifestDigest,
    blobs: [...new Set([...extraBlobs, manifestDigest, manifest.config.digest, ...layers.map((l) => l.digest)])],
    layers,
    size: layers.reduce((n, l) => n + l.size, 0),
    config: cfg.config,
    os: cfg.os,
    architecture: cfg.architecture,
    storedAt: new Date().toISOString(),
  };
}

async function importOci(store: ContentStore, x: Extracted, archive: string, opts: ImportOptions): Promise<string[]> {
  const platform = opts.platform ?? nodePlatform();
  const top = parseManifest(await readFile(locate(x, 'index.json', archive)), MT.ociIndex);
  if (top.kind !== 'index') throw new Error(`${archive}: index.json is not an image index`);
  const out: string[] = [];
  for (const desc of top.index.manifests) {
    const ann = desc.annotations ?? {};
    const name = nameOf(ann['io.containerd.image.name']) ?? nameOf(ann['org.opencontainers.image.ref.name']);
    let parsed = parseManifest(await readVerified(x, desc, archive), desc.mediaType);
    let manifestDesc: Descriptor = desc;
    const extra: string[] = [];
    if (parsed.kind === 'index') {
      await store.putBlob(await readVerified(x, desc, archive));
      extra.push(desc.digest);
      const sel = selectPlatform(parsed.index, platform);
      if (!sel) throw new Error(`${archive}: ${name ? formatReference(name) : desc.digest}: no match for platform ${platform.os}/${platform.architecture}`);
      manifestDesc = sel;
      parsed = parseManifest(await readVerified(x, sel, archive), sel.mediaType);
      if (parsed.kind !== 'manifest') throw new Error(`${archive}: nested image indexes are not supported`);
    }
    const manifest = parsed.manifest;
    await store.putBlob(await readVerified(x, manifestDesc, archive));
    const configBytes = await readVerified(x, manifest.config, archive);
    await store.putBlob(configBytes);
    const cfg = parseImageConfig(configBytes);
    const layers = manifest.layers.map((l, i) => ({ digest: l.digest, diffId: cfg.diffIds[i] ?? '', size: l.size, mediaType: l.mediaType }));
    if (cfg.diffIds.length !== layers.length) throw new Error(`${archive}: ${desc.digest}: ${cfg.diffIds.length} diff_ids for ${layers.length} layers`);
    await ingestLayers(store, layers, layers.map((l) => locate(x, blobName(l.digest), archive)));
    const img = record(manifest.config.digest, manifestDesc.digest, manifest, configBytes, layers, extra);
    if (name) {
      if (name.tag !== undefined && name.digest === undefined) img.repoTags.push(formatReference(name));
      img.repoDigests.push(`${repositoryName(name)}@${desc.digest}`);
    }
    await opts.commit(img);
    const shown = name ? formatReference(name) : img.id;
    opts.log?.('info', 'imported image', { image: shown, id: img.id, archive });
    out.push(shown);
  }
  return out;
}

interface DockerManifestEntry { Config: string; RepoTags?: string[] | null; Layers: string[] }

async function importDocker(store: ContentStore, x: Extracted, archive: string, opts: ImportOptions): Promise<string[]> {
  const doc: unknown = JSON.parse(await readFile(locate(x, 'manifest.json', archive), 'utf8'));
  if (!Array.isArray(doc)) throw new Error(`${archive}: manifest.json is not a list`);
  const out: string[] = [];
  for (const e of doc as DockerManifestEntry[]) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) throw new Error(`${archive}: manifest.json: entry without Config or Layers`);
    const configBytes = await readFile(locate(x, e.Config, archive));
    const configDigest = sha256(configBytes);
    const named = /([a-f0-9]{64})(?:\.json)?$/.exec(e.Config);
    if (named && `sha256:${named[1]}` !== configDigest) throw new Error(`${archive}: ${e.Config} does not match its digest`);
    const cfg = parseImageConfig(configBytes);
    const paths = e.Layers.map((l) => locate(x, l, archive));
    const layers: StoredLayer[] = [];
    for (let i = 0; i < paths.length; i++) {
      const m = await magic(paths[i]!);
      const mediaType = isGzip(m) ? MT.dockerLayer : isZstd(m) ? MT.ociLayerZstd : 'application/vnd.docker.image.rootfs.diff.tar';
      layers.push({ ...(await fileDigest(paths[i]!)), diffId: cfg.diffIds[i] ?? '', mediaType });
    }
    if (cfg.diffIds.length !== layers.length) throw new Error(`${archive}: ${e.Config}: ${cfg.diffIds.length} diff_ids for ${layers.length} layers`);
    await ingestLayers(store, layers, paths);
    await store.putBlob(configBytes);
    // docker save carries no manifest: make the schema-2 one a registry would have served.
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MT.dockerManifest,
      config: { mediaType: MT.dockerConfig, digest: configDigest, size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
    const manifestDigest = await store.putBlob(Buffer.from(JSON.stringify(manifest)));
    const img = record(configDigest, manifestDigest, manifest, configBytes, layers, []);
    for (const t of e.RepoTags ?? []) {
      const n = nameOf(t);
      if (n) img.repoTags.push(formatReference(n));
    }
    await opts.commit(img);
    const shown = img.repoTags.length ? img.repoTags : [img.id];
    for (const s of shown) opts.log?.('info', 'imported image', { image: s, id: img.id, archive });
    out.push(...shown);
  }
  return out;
}

export async function importArchive(store: ContentStore, file: string, opts: ImportOptions): Promise<string[]> {
  if (!(await stat(file).catch(() => undefined))?.isFile()) throw new Error(`${file}: no such file`);
  const dir = store.tmpPath('import');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const x = await extract(file, dir).catch((e: unknown) => {
      throw new Error(`${file}: not a readable tar archive: ${e instanceof Error ? e.message : String(e)}`);
    });
    if (x.files.has('index.json')) return await importOci(store, x, file, opts);
    if (x.files.has('manifest.json')) return await importDocker(store, x, file, opts);
    throw new Error(`${file}: neither an OCI image layout (index.json) nor a docker save archive (manifest.json)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Test helpers for images: build layer tars from entry lists or directories, push images and
// indexes to a registry over the distribution API, and run a throwaway docker-registry on loopback.

import { spawn } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import type { ImageConfig } from '../cri/types.js';
import { MT, nodePlatform, sha256 } from './oci.js';
import type { Platform } from './oci.js';

export interface LayerEntry {
  /** Path inside the image, without a leading slash: "bin/sh", "www/index.html". */
  path: string;
  /** 'whiteout' deletes `path` from lower layers; 'opaque' hides everything below the directory `path`. */
  type?: 'file' | 'dir' | 'symlink' | 'link' | 'whiteout' | 'opaque' | 'fifo';
  content?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  /** Target of a symlink (any text) or a hardlink (a path earlier in the same layer). */
  linkname?: string;
}

export interface BuiltLayer {
  /** Uncompressed tar. */
  tar: Buffer;
  /** gzip of the tar (what is pushed). */
  gz: Buffer;
  diffId: string;
  /** Digest of gz. */
  digest: string;
  size: number;
  mediaType: string;
}

export interface BuildLayerOptions {
  /** Leave out the last record's padding and the end-of-archive blocks (as umoci 0.4.7 does). */
  noTrailer?: boolean;
}

const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

/** Builds a layer; the same entries always give the same digests. */
export async function buildLayer(entries: LayerEntry[], opts: BuildLayerOptions = {}): Promise<BuiltLayer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  let lastFileSize = -1;
  for (const e of entries) {
    const base = { mtime: e.mtime ?? FIXED_MTIME, uid: e.uid ?? 0, gid: e.gid ?? 0 };
    const slash = e.path.lastIndexOf('/');
    const dir = slash === -1 ? '' : e.path.slice(0, slash + 1);
    const name = slash === -1 ? e.path : e.path.slice(slash + 1);
    const add = (h: Partial<Header> & { name: string }, body?: Buffer): Promise<void> => new Promise((resolve, reject) => {
      pack.entry(h, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
    lastFileSize = -1;
    switch (e.type ?? 'file') {
      case 'file': {
        const body = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content ?? '');
        await add({ ...base, name: e.path, type: 'file', mode: e.mode ?? 0o644, size: body.length }, body);
        lastFileSize = body.length;
        break;
      }
      case 'dir': await add({ ...base, name: e.path.replace(/\/?$/, '/'), type: 'directory', mode: e.mode ?? 0o755 }); break;
      case 'symlink': await add({ ...base, name: e.path, type: 'symlink', linkname: e.linkname ?? '', mode: 0o777 }); break;
      case 'link': await add({ ...base, name: e.path, type: 'link', linkname: e.linkname ?? '', mode: e.mode ?? 0o644 }); break;
      case 'fifo': await add({ ...base, name: e.path, type: 'fifo', mode: e.mode ?? 0o644 }); break;
      case 'whiteout': await add({ ...base, name: `${dir}.wh.${name}`, type: 'file', mode: 0o644, size: 0 }); break;
      case 'opaque': await add({ ...base, name: `${e.path.replace(/\/$/, '')}/.wh..wh..opq`, type: 'file', mode: 0o644, size: 0 }); break;
    }
  }
  pack.finalize();
  await ended;
  let tarBuf = Buffer.concat(chunks);
  if (opts.noTrailer) {
    const pad = lastFileSize > 0 ? (512 - (lastFileSize % 512)) % 512 : 0;
    tarBuf = tarBuf.subarray(0, tarBuf.length - 1024 - pad);
  }
  const gz = zlib.gzipSync(tarBuf);
  return { tar: tarBuf, gz, diffId: sha256(tarBuf), digest: sha256(gz), size: gz.length, mediaType: MT.ociLayerGzip };
}

/** Entries for every file, directory and symlink under `dir` (hardlinks kept), as a layer would hold them. */
export async function entriesFromDirectory(dir: string, prefix = ''): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  const inodes = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(dir, r);
      const st = await lstat(p);
      const path = prefix ? `${prefix.replace(/\/$/, '')}/${r}` : r;
      const meta = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
      if (st.isDirectory()) {
        out.push({ path, type: 'dir', ...meta });
        await walk(r);
      } else if (st.isSymbolicLink()) {
        out.push({ path, type: 'symlink', linkname: await readlink(p), ...meta });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? inodes.get(key) : undefined;
        if (first) out.push({ path, type: 'link', linkname: first, ...meta });
        else {
          if (st.nlink > 1) inodes.set(key, path);
          out.push({ path, type: 'file', content: await readFile(p), ...meta });
        }
      }
    }
  };
  await walk('');
  return out;
}

export type LayerSpec = LayerEntry[] | BuiltLayer;

export interface TestImage {
  layers: LayerSpec[];
  config: ImageConfig;
  /** Default: the node's platform. */
  platform?: Platform;
}

export interface PushOptions {
  /** Basic credentials for a registry that wants them. */
  auth?: { username: string; password: string };
  /** 'docker' pushes schema-2 media types instead of OCI. */
  format?: 'oci' | 'docker';
}

export interface BuiltImage {
  layers: BuiltLayer[];
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
  platform: Platform;
}

function isBuilt(l: LayerSpec): l is BuiltLayer {
  return !Array.isArray(l);
}

/** The OCI image config document for a CRI-shaped config. */
export function imageConfigDocument(config: ImageConfig, diffIds: string[], platform: Platform): Buffer {
  const c: Record<string, unknown> = {};
  if (config.user) c.User = config.user;
  if (config.env) c.Env = config.env;
  if (config.entrypoint) c.Entrypoint = config.entrypoint;
  if (config.cmd) c.Cmd = config.cmd;
  if (config.workingDir) c.WorkingDir = config.workingDir;
  if (config.exposedPorts) c.ExposedPorts = Object.fromEntries(config.exposedPorts.map((p) => [p, {}]));
  if (config.labels) c.Labels = config.labels;
  if (config.stopSignal) c.StopSignal = config.stopSignal;
  const doc: Record<string, unknown> = {
    created: FIXED_MTIME.toISOString(),
    architecture: platform.architecture,
    os: platform.os,
    config: c,
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: FIXED_MTIME.toISOString(), created_by: 'k8ts test image' })),
  };
  if (platform.variant) doc.variant = platform.variant;
  return Buffer.from(JSON.stringify(doc));
}

/** Builds layers, config and manifest without pushing (for archives). */
export async function buildImage(image: TestImage, format: 'oci' | 'docker' = 'oci'): Promise<BuiltImage> {
  const layers = await Promise.all(image.layers.map((l) => (isBuilt(l) ? l : buildLayer(l))));
  const platform = image.platform ?? nodePlatform();
  const config = imageConfigDocument(image.config, layers.map((l) => l.diffId), platform);
  const docker = format === 'docker';
  const manifestMediaType = docker ? MT.dockerManifest : MT.ociManifest;
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: { mediaType: docker ? MT.dockerConfig : MT.ociConfig, digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: docker ? MT.dockerLayer : l.mediaType, digest: l.digest, size: l.size })),
  }));
  return { layers, config, configDigest: sha256(config), manifest, manifestDigest: sha256(manifest), manifestMediaType, platform };
}

interface Res { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function call(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { ...headers, 'Content-Length': String(body.length) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function authHeaders(opts: PushOptions): Record<string, string> {
  return opts.auth ? { Authorization: `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` } : {};
}

/** Uploads one blob (monolithic: POST then PUT ?digest=), unless the registry has it. */
export async function pushBlob(registryUrl: string, repo: string, data: Buffer, opts: PushOptions = {}): Promise<string> {
  const digest = sha256(data);
  const base = registryUrl.replace(/\/$/, '');
  const h = authHeaders(opts);
  const head = await call('HEAD', `${base}/v2/${repo}/blobs/${digest}`, h);
  if (head.status === 200) return digest;
  const start = await call('POST', `${base}/v2/${repo}/blobs/uploads/`, h);
  if (start.status !== 202 || !start.headers.location) throw new Error(`push ${repo}: starting upload: HTTP ${start.status} ${start.body.toString()}`);
  const loc = new URL(start.headers.location, base);
  loc.searchParams.set('digest', digest);
  const put = await call('PUT', loc.toString(), { ...h, 'Content-Type': 'application/octet-stream' }, data);
  if (put.status !== 201) throw new Error(`push ${repo}: uploading ${digest}: HTTP ${put.status} ${put.body.toString()}`);
  return digest;
}

/** PUTs a manifest or index under a tag (or digest); returns its digest. */
export async function pushManifest(registryUrl: string, repo: string, reference: string, body: Buffer, mediaType: string, opts: PushOptions = {}): Promise<string> {
  const res = await call('PUT', `${registryUrl.replace(/\/$/, '')}/v2/${repo}/manifests/${reference}`, { ...authHeaders(opts), 'Content-Type': mediaType }, body);
  if (res.status !== 201) throw new Error(`push ${repo}:${reference}: HTTP ${res.status} ${res.body.toString()}`);
  return sha256(body);
}

/** Pushes an image (layers, config, manifest) to `registryUrl` (http://127.0.0.1:PORT); returns the manifest digest. */
export async function pushImage(registryUrl: string, repo: string, tag: string, image: TestImage, opts: PushOptions = {}): Promise<string> {
  const built = await buildImage(image, opts.format ?? 'oci');
  for (const l of built.layers) await pushBlob(registryUrl, repo, l.gz, opts);
  await pushBlob(registryUrl, repo, built.config, opts);
  return pushManifest(registryUrl, repo, tag, built.manifest, built.manifestMediaType, opts);
}

/** Pushes an index over manifests already in the repository; returns its digest. */
export async function pushIndex(registryUrl: string, repo: string, tag: string, manifests: { digest: string; size: number; platform: Platform; mediaType?: string }[], opts: PushOptions = {}): Promise<string> {
  const docker = opts.format === 'docker';
  const body = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: docker ? MT.dockerList : MT.ociIndex,
    manifests: manifests.map((m) => ({ mediaType: m.mediaType ?? (docker ? MT.dockerManifest : MT.ociManifest), digest: m.digest, size: m.size, platform: m.platform })),
  }));
  return pushManifest(registryUrl, repo, tag, body, docker ? MT.dockerList : MT.ociIndex, opts);
}

/** Pushes one image per platform plus an index over them; returns the index digest. */
export async function pushMultiPlatform(registryUrl: string, repo: string, tag: string, images: TestImage[], opts: PushOptions = {}): Promise<string> {
  const entries: { digest: string; size: number; platform: Platform }[] = [];
  for (const img of images) {
    const built = await buildImage(img, opts.format ?? 'oci');
    for (const l of built.layers) await pushBlob(registryUrl, repo, l.gz, opts);
    await pushBlob(registryUrl, repo, built.config, opts);
    await pushManifest(registryUrl, repo, built.manifestDigest, built.manifest, built.manifestMediaType, opts);
    entries.push({ digest: built.manifestDigest, size: built.manifest.length, platform: built.platform });
  }
  return pushIndex(registryUrl, repo, tag, entries, opts);
}

export interface TestRegistry {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, as written in image references. */
  host: string;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the kernel's pick; released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs Debian's docker-registry on 127.0.0.1 with its storage in a fresh temp dir named with
 * `tmpPrefix`. Call stop() (kills it by PID and removes the dir), e.g. in t.after.
 */
export async function startRegistry(opts: { tmpPrefix?: string } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), opts.tmpPrefix ?? 'k8ts-registry-'));
  const port = await freePort();
  const cfg = join(dir, 'config.yml');
  await writeFile(cfg, [
    'version: 0.1',
    'log: {level: error, accesslog: {disabled: true}}',
    'storage:',
    '  cache: {blobdescriptor: inmemory}',
    `  filesystem: {rootdirectory: ${join(dir, 'data')}}`,
    '  delete: {enabled: true}',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  headers: {X-Content-Type-Options: [nosniff]}',
    '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnErr: Error | undefined;
  child.once('error', (e) => { spawnErr = e; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
        await exited;
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnErr) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`cannot start docker-registry (is the Debian package docker-registry installed?): ${spawnErr.message}`);
    }
    if (child.exitCode !== null) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr}`);
    }
    const ok = await call('GET', `${url}/v2/`, {}).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${url} within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, host: `127.0.0.1:${port}`, pid: child.pid!, dir, stop };
}

// OCI image-spec and Docker schema-2 documents: media types, parsing with validation, platform
// selection from an index, and the image config fields the runtime needs. Pure functions.

import { createHash } from 'node:crypto';
import { ImagePullError } from '../cri/types.js';
import type { ImageConfig } from '../cri/types.js';

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What a pull asks for; distribution 2.8 hides OCI manifests from clients that leave them out. */
export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest, '*/*'].join(', ');

export interface Platform { os: string; architecture: string; variant?: string }

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface ImageManifest { schemaVersion: number; mediaType?: string; config: Descriptor; layers: Descriptor[]; annotations?: Record<string, string> }
export interface ImageIndex { schemaVersion: number; mediaType?: string; manifests: Descriptor[]; annotations?: Record<string, string> }

export type ParsedManifest = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest };

/** The parts of an image config document the store keeps. */
export interface ParsedImageConfig {
  os: string;
  architecture: string;
  variant?: string;
  diffIds: string[];
  config: ImageConfig;
}

export type LayerCompression = 'gzip' | 'zstd' | 'none';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

function invalid(msg: string): ImagePullError {
  return new ImagePullError(msg, 'Invalid');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function descriptor(v: unknown, where: string): Descriptor {
  if (!isRecord(v)) throw invalid(`${where}: not a descriptor`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string') throw invalid(`${where}: mediaType missing`);
  if (typeof digest !== 'string' || !isDigest(digest)) throw invalid(`${where}: invalid digest ${JSON.stringify(digest)}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}: invalid size`);
  const d: Descriptor = { mediaType, digest, size };
  if (isRecord(v.platform) && typeof v.platform.os === 'string' && typeof v.platform.architecture === 'string') {
    d.platform = { os: v.platform.os, architecture: v.platform.architecture };
    if (typeof v.platform.variant === 'string') d.platform.variant = v.platform.variant;
  }
  if (isRecord(v.annotations)) d.annotations = Object.fromEntries(Object.entries(v.annotations).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (Array.isArray(v.urls)) d.urls = v.urls.filter((u): u is string => typeof u === 'string');
  return d;
}

/**
 * Parses a manifest or index. The media type comes from the Content-Type when it names one,
 * else from the document; schema 1 is refused.
 */
export function parseManifest(bytes: Buffer, contentType?: string): ParsedManifest {
  const ct = (contentType ?? '').split(';')[0]!.trim();
  if (ct === MT.schema1 || ct === MT.schema1Signed) {
    throw invalid(`media type "${ct}" is not supported: Docker Image manifest version 2, schema 1 images cannot be pulled; push the image again with a schema 2 or OCI manifest`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('failed to unmarshal manifest: invalid JSON');
  }
  if (!isRecord(doc)) throw invalid('failed to unmarshal manifest: not an object');
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : ct;
  if (doc.schemaVersion === 1 || mediaType === MT.schema1 || mediaType === MT.schema1Signed) {
    throw invalid(`media type "${MT.schema1Signed}" is not supported: Docker Image manifest version 2, schema 1 images cannot be pulled; push the image again with a schema 2 or OCI manifest`);
  }
  if (doc.schemaVersion !== 2) throw invalid(`unsupported manifest schemaVersion ${JSON.stringify(doc.schemaVersion)}`);
  const isIndex = mediaType === MT.ociIndex || mediaType === MT.dockerList || (!isRecord(doc.config) && Array.isArray(doc.manifests));
  if (isIndex) {
    if (!Array.isArray(doc.manifests)) throw invalid('invalid image index: manifests missing');
    const index: ImageIndex = { schemaVersion: 2, manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)) };
    if (typeof doc.mediaType === 'string') index.mediaType = doc.mediaType;
    if (isRecord(doc.annotations)) index.annotations = doc.annotations as Record<string, string>;
    return { kind: 'index', index };
  }
  if (mediaType && mediaType !== MT.ociManifest && mediaType !== MT.dockerManifest && mediaType !== 'application/json' && mediaType !== 'text/plain') {
    throw invalid(`unsupported manifest media type "${mediaType}"`);
  }
  if (!Array.isArray(doc.layers)) throw invalid('invalid image manifest: layers missing');
  const manifest: ImageManifest = {
    schemaVersion: 2,
    config: descriptor(doc.config, 'config'),
    layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
  };
  if (typeof doc.mediaType === 'string') manifest.mediaType = doc.mediaType;
  if (isRecord(doc.annotations)) manifest.annotations = doc.annotations as Record<string, string>;
  return { kind: 'manifest', manifest };
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** The node's platform, as Go names it (process.arch x64 → amd64). */
export function nodePlatform(): Platform {
  const p: Platform = { os: 'linux', architecture: ARCH[process.arch] ?? process.arch };
  if (p.architecture === 'arm64') p.variant = 'v8';
  return p;
}

function normVariant(arch: string, v: string | undefined): string {
  if (arch === 'arm64') return !v || v === '8' ? 'v8' : v;
  return v ?? '';
}

/**
 * The manifest of an index that runs on `want`: same os and architecture, and the same variant
 * when both name one. Attestation entries (unknown/unknown) never match.
 */
export function selectPlatform(index: ImageIndex, want: Platform): Descriptor | undefined {
  const candidates = index.manifests.filter((m) => {
    if (m.mediaType !== MT.ociManifest && m.mediaType !== MT.dockerManifest) return false;
    if (!m.platform) return false;
    return m.platform.os === want.os && m.platform.architecture === want.architecture;
  });
  const wantV = normVariant(want.architecture, want.variant);
  return candidates.find((m) => normVariant(m.platform!.architecture, m.platform!.variant) === wantV) ??
    candidates.find((m) => !m.platform!.variant || !wantV);
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

/** Reads an image config document, checking what the store relies on. */
export function parseImageConfig(bytes: Buffer): ParsedImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('failed to unmarshal image config: invalid JSON');
  }
  if (!isRecord(doc)) throw invalid('failed to unmarshal image config: not an object');
  const rootfs = doc.rootfs;
  if (!isRecord(rootfs) || !Array.isArray(rootfs.diff_ids)) throw invalid('invalid image config: rootfs.diff_ids missing');
  const diffIds = rootfs.diff_ids.map((d) => {
    if (typeof d !== 'string' || !isDigest(d)) throw invalid(`invalid image config: bad diff_id ${JSON.stringify(d)}`);
    return d;
  });
  const c = isRecord(doc.config) ? doc.config : {};
  const config: ImageConfig = {};
  if (typeof c.User === 'string' && c.User) config.user = c.User;
  const env = strings(c.Env); if (env) config.env = env;
  const ep = strings(c.Entrypoint); if (ep) config.entrypoint = ep;
  const cmd = strings(c.Cmd); if (cmd) config.cmd = cmd;
  if (typeof c.WorkingDir === 'string' && c.WorkingDir) config.workingDir = c.WorkingDir;
  if (isRecord(c.ExposedPorts)) config.exposedPorts = Object.keys(c.ExposedPorts);
  if (isRecord(c.Labels)) config.labels = Object.fromEntries(Object.entries(c.Labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (typeof c.StopSignal === 'string' && c.StopSignal) config.stopSignal = c.StopSignal;
  const out: ParsedImageConfig = {
    os: typeof doc.os === 'string' ? doc.os : '',
    architecture: typeof doc.architecture === 'string' ? doc.architecture : '',
    diffIds,
    config,
  };
  if (typeof doc.variant === 'string') out.variant = doc.variant;
  return out;
}

/** How a layer blob is compressed, from its media type; unknown types are refused. */
export function layerCompression(mediaType: string): LayerCompression {
  switch (mediaType) {
    case MT.ociLayerGzip:
    case MT.dockerLayer:
    case MT.dockerForeignLayer:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip':
      return 'gzip';
    case MT.ociLayerZstd:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd':
      return 'zstd';
    case MT.ociLayer:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
    case 'application/vnd.docker.image.rootfs.diff.tar':
      return 'none';
    default:
      throw invalid(`unsupported layer media type "${mediaType}"`);
  }
}

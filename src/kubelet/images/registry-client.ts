// The pull side of the OCI distribution API: endpoint fallback (mirrors, then the registry),
// bearer-token and basic auth, manifest and index resolution to the node's platform with digest
// checks over the exact bytes received. Errors carry containerd's wording for ErrImagePull.

import type { Readable } from 'node:stream';
import { ImagePullError } from '../cri/types.js';
import type { AuthConfig } from '../cri/types.js';
import { httpRequest, NetworkError, readBody, statusText } from './http.js';
import type { HttpRequest, HttpResponse } from './http.js';
import { isDigest, MANIFEST_ACCEPT, MT, nodePlatform, parseImageConfig, parseManifest, selectPlatform, sha256 } from './oci.js';
import type { Descriptor, ImageManifest, ParsedImageConfig, Platform } from './oci.js';
import { formatReference, repositoryName } from './reference.js';
import type { ImageReference } from './reference.js';
import { emptyRegistriesConfig, resolveEndpoints } from './registries.js';
import type { RegistriesConfig, RegistryEndpoint } from './registries.js';

const MANIFEST_LIMIT = 4 << 20;
const CONFIG_LIMIT = 8 << 20;

export interface ResolvedImage {
  /** The normalized reference that was pulled. */
  reference: string;
  /** "docker.io/library/nginx" (as named, not as the mirror calls it). */
  repository: string;
  endpoint: RegistryEndpoint;
  /** Digest of what the reference named: an index or a manifest (the repo digest). */
  topDigest: string;
  /** Digest of the platform's image manifest. */
  manifestDigest: string;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  /** Set when the reference named an index. */
  indexBytes?: Buffer;
  configBytes: Buffer;
  config: ParsedImageConfig;
  /** Opens a blob of this image on the endpoint that resolved it (redirects followed). */
  openBlob(desc: Descriptor): Promise<Readable>;
}

export interface RegistryClientOptions {
  registries?: RegistriesConfig;
  /** Platform to pick from indexes; default the node's. */
  platform?: Platform;
  timeoutMs?: number;
}

interface Challenge { scheme: 'bearer' | 'basic'; params: Record<string, string> }

interface Session { ep: RegistryEndpoint; repo: string; cred: AuthConfig | undefined }

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme, params };
}

function basicPair(c: AuthConfig | undefined): [string, string] | undefined {
  if (!c) return undefined;
  if (c.username !== undefined && c.password !== undefined && (c.username || c.password)) return [c.username, c.password];
  if (c.auth) {
    const s = Buffer.from(c.auth, 'base64').toString('utf8');
    const i = s.indexOf(':');
    if (i > 0) return [s.slice(0, i), s.slice(i + 1)];
  }
  return undefined;
}

function basicHeader(pair: [string, string]): string {
  return `Basic ${Buffer.from(`${pair[0]}:${pair[1]}`).toString('base64')}`;
}

function goMethod(m: string): string {
  return m.charAt(0) + m.slice(1).toLowerCase();
}

function serverMessage(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    const e = doc.errors?.[0];
    if (e?.code) return `${e.code.toLowerCase()}: ${e.message ?? ''}`.replace(/: $/, '');
  } catch { /* not a distribution error body */ }
  return undefined;
}

export class RegistryClient {
  private readonly registries: RegistriesConfig;
  private readonly platform: Platform;
  private readonly timeoutMs: number;
  private readonly tokens = new Map<string, { header: string; expires: number }>();

  constructor(opts: RegistryClientOptions = {}) {
    this.registries = opts.registries ?? emptyRegistriesConfig();
    this.platform = opts.platform ?? nodePlatform();
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /**
   * Resolves a normalized reference to the platform's manifest and config. Endpoints are tried in
   * order; a 404 moves on silently, other failures are remembered and the first is reported if
   * nothing answers (as containerd's resolver does). `auth` are the kubelet's credentials for the
   * image's registry, tried in order.
   */
  async resolve(ref: ImageReference, auth: AuthConfig[] = []): Promise<ResolvedImage> {
    const refStr = formatReference(ref);
    const wrap = (e: ImagePullError): ImagePullError => new ImagePullError(`failed to resolve reference "${refStr}": ${e.message}`, e.kind);
    let firstErr: ImagePullError | undefined;
    for (const ep of resolveEndpoints(this.registries, ref.domain, ref.path)) {
      const creds: (AuthConfig | undefined)[] = ep.mirror
        ? [ep.auth]
        : auth.length > 0 ? auth : [ep.auth];
      for (let i = 0; i < creds.length; i++) {
        const s: Session = { ep, repo: ep.repository, cred: creds[i] };
        let got: { bytes: Buffer; digest: string; contentType: string } | 'notfound';
        try {
          got = await this.fetchManifest(s, ref.digest ?? ref.tag ?? 'latest', ref.digest);
        } catch (e) {
          const pe = toPullError(e);
          firstErr ??= wrap(pe);
          if (pe.kind === 'Unauthorized' && i < creds.length - 1) continue;
          break;
        }
        if (got === 'notfound') break;
        return await this.complete(s, ref, refStr, got);
      }
    }
    throw firstErr ?? new ImagePullError(`failed to resolve reference "${refStr}": ${refStr}: not found`, 'NotFound');
  }

  private async complete(s: Session, ref: ImageReference, refStr: string, top: { bytes: Buffer; digest: string; contentType: string }): Promise<ResolvedImage> {
    let parsed = parseManifest(top.bytes, top.contentType);
    let manifestBytes = top.bytes;
    let manifestDigest = top.digest;
    let indexBytes: Buffer | undefined;
    if (parsed.kind === 'index') {
      indexBytes = top.bytes;
      const desc = selectPlatform(parsed.index, this.platform);
      if (!desc) {
        const p = this.platform;
        throw new ImagePullError(`no match for platform in manifest ${top.digest}: not found (want ${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''})`, 'NotFound');
      }
      const got = await this.fetchManifest(s, desc.digest, desc.digest);
      if (got === 'notfound') throw new ImagePullError(`${repositoryName(ref)}@${desc.digest}: not found`, 'NotFound');
      if (got.bytes.length !== desc.size) throw new ImagePullError(`manifest ${desc.digest}: size ${got.bytes.length} does not match the index (${desc.size})`, 'Invalid');
      parsed = parseManifest(got.bytes, desc.mediaType);
      if (parsed.kind !== 'manifest') throw new ImagePullError(`${desc.digest}: nested image indexes are not supported`, 'Invalid');
      manifestBytes = got.bytes;
      manifestDigest = got.digest;
    }
    const manifest = parsed.manifest;
    const openBlob = (desc: Descriptor): Promise<Readable> => this.openBlob(s, desc);
    const configStream = await openBlob(manifest.config);
    const configBytes = await collect(configStream, CONFIG_LIMIT);
    checkBlob(manifest.config, configBytes, 'config');
    const config = parseImageConfig(configBytes);
    if (config.diffIds.length !== manifest.layers.length) {
      throw new ImagePullError(`mismatched image rootfs and manifest layers: ${config.diffIds.length} diff_ids, ${manifest.layers.length} layers`, 'Invalid');
    }
    const out: ResolvedImage = {
      reference: refStr,
      repository: repositoryName(ref),
      endpoint: s.ep,
      topDigest: top.digest,
      manifestDigest,
      manifest,
      manifestBytes,
      configBytes,
      config,
      openBlob,
    };
    if (indexBytes) out.indexBytes = indexBytes;
    return out;
  }

  private async fetchManifest(s: Session, tagOrDigest: string, expect?: string): Promise<{ bytes: Buffer; digest: string; contentType: string } | 'notfound'> {
    const url = `${s.ep.url}/${s.repo}/manifests/${tagOrDigest}`;
    const res = await this.authed(s, url, { headers: { Accept: MANIFEST_ACCEPT } });
    if (res.status === 404) {
      res.body.resume();
      return 'notfound';
    }
    if (res.status !== 200) throw await statusError(res, 'GET');
    const bytes = await readBody(res, MANIFEST_LIMIT);
    const contentType = String(res.headers['content-type'] ?? '');
    const ct = contentType.split(';')[0]!.trim();
    if (ct === MT.schema1 || ct === MT.schema1Signed) parseManifest(bytes, ct);
    const digest = sha256(bytes);
    if (expect && expect !== digest) {
      throw new ImagePullError(`manifest digest mismatch: the registry sent content with digest ${digest}, expected ${expect}`, 'Invalid');
    }
    const claimed = res.headers['docker-content-digest'];
    if (typeof claimed === 'string' && claimed.startsWith('sha256:') && isDigest(claimed) && claimed !== digest) {
      throw new ImagePullError(`manifest digest mismatch: Docker-Content-Digest is ${claimed}, content has digest ${digest}`, 'Invalid');
    }
    return { bytes, digest, contentType };
  }

  private async openBlob(s: Session, desc: Descriptor): Promise<Readable> {
    const url = `${s.ep.url}/${s.repo}/blobs/${desc.digest}`;
    const res = await this.authed(s, url, {});
    if (res.status === 200) return res.body;
    if (res.status === 404) {
      res.body.resume();
      throw new ImagePullError(`failed to copy: httpReadSeeker: failed open: content at ${url} not found: not found`, 'NotFound');
    }
    const e = await statusError(res, 'GET');
    throw new ImagePullError(`failed to copy: httpReadSeeker: failed open: ${e.message}`, e.kind);
  }

  /** Sends a request with the cached token for this repository; on a 401 challenge, authorizes and retries once. */
  private async authed(s: Session, url: string, init: HttpRequest): Promise<HttpResponse> {
    const req = (headers: Record<string, string>): Promise<HttpResponse> => {
      const r: HttpRequest = { ...init, headers, timeoutMs: this.timeoutMs };
      if (!s.ep.plainHttp) {
        r.tls = { rejectUnauthorized: !s.ep.insecureSkipVerify };
        if (s.ep.caFile) r.tls.caFile = s.ep.caFile;
        if (s.ep.certFile) r.tls.certFile = s.ep.certFile;
        if (s.ep.keyFile) r.tls.keyFile = s.ep.keyFile;
      }
      return httpRequest(url, r).catch((e: unknown) => {
        if (e instanceof NetworkError) throw new ImagePullError(`failed to do request: ${goMethod(init.method ?? 'GET')} "${url}": ${e.message}`, 'Network');
        throw e;
      });
    };
    const key = `${s.ep.host}|${s.repo}|${JSON.stringify(s.cred ?? null)}`;
    const cached = this.tokens.get(key);
    const headers = { ...init.headers };
    if (cached && cached.expires > Date.now()) headers.Authorization = cached.header;
    const res = await req(headers);
    if (res.status !== 401) return res;
    const ch = parseChallenge(res.headers['www-authenticate'] as string | undefined);
    if (!ch) return res;
    const header = await this.authorize(s, ch);
    if (!header) return res;
    res.body.resume();
    this.tokens.set(key, header);
    return req({ ...init.headers, Authorization: header.header });
  }

  private async authorize(s: Session, ch: Challenge): Promise<{ header: string; expires: number } | undefined> {
    const pair = basicPair(s.cred);
    if (ch.scheme === 'basic') return pair ? { header: basicHeader(pair), expires: Date.now() + 3600_000 } : undefined;
    if (s.cred?.registryToken) return { header: `Bearer ${s.cred.registryToken}`, expires: Date.now() + 60_000 };
    const realm = ch.params.realm;
    if (!realm) throw new ImagePullError('failed to authorize: bearer challenge without realm', 'Unauthorized');
    const scope = ch.params.scope ?? `repository:${s.repo}:pull`;
    const u = new URL(realm);
    let res: HttpResponse;
    let what: string;
    let method: string;
    try {
      if (s.cred?.identityToken) {
        what = 'oauth token';
        method = 'POST';
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: s.cred.identityToken, client_id: 'k8ts', scope });
        if (ch.params.service) form.set('service', ch.params.service);
        res = await httpRequest(u.toString(), {
          method, body: form.toString(), timeoutMs: this.timeoutMs,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        });
      } else {
        what = pair ? 'token' : 'anonymous token';
        method = 'GET';
        if (ch.params.service) u.searchParams.set('service', ch.params.service);
        u.searchParams.set('scope', scope);
        res = await httpRequest(u.toString(), { headers: pair ? { Authorization: basicHeader(pair) } : {}, timeoutMs: this.timeoutMs });
      }
    } catch (e) {
      if (e instanceof NetworkError) throw new ImagePullError(`failed to authorize: failed to fetch token: ${e.message}`, 'Network');
      throw e;
    }
    if (res.status !== 200) {
      res.body.resume();
      throw new ImagePullError(`failed to authorize: failed to fetch ${what}: unexpected status from ${method} request to ${u.toString()}: ${statusText(res)}`, 'Unauthorized');
    }
    let doc: { token?: string; access_token?: string; expires_in?: number };
    try {
      doc = JSON.parse((await readBody(res, 1 << 20)).toString('utf8')) as typeof doc;
    } catch {
      throw new ImagePullError(`failed to authorize: failed to decode token response from ${u.toString()}`, 'Unauthorized');
    }
    const token = doc.access_token ?? doc.token;
    if (!token) throw new ImagePullError(`failed to authorize: no token in response from ${u.toString()}`, 'Unauthorized');
    const ttl = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : 60;
    return { header: `Bearer ${token}`, expires: Date.now() + ttl * 900 };
  }
}

async function statusError(res: HttpResponse, method: string): Promise<ImagePullError> {
  const body = await readBody(res, 1 << 20).catch(() => Buffer.alloc(0));
  const server = serverMessage(body);
  if (res.status === 401 || res.status === 403) {
    return new ImagePullError(`pull access denied, repository does not exist or may require authorization: ${server ? `server message: ${server}` : `authorization failed: unexpected status from ${method} request to ${res.url}: ${statusText(res)}`}`, 'Unauthorized');
  }
  return new ImagePullError(`unexpected status from ${method} request to ${res.url}: ${statusText(res)}${server ? `: ${server}` : ''}`, 'Other');
}

function toPullError(e: unknown): ImagePullError {
  if (e instanceof ImagePullError) return e;
  return new ImagePullError(e instanceof Error ? e.message : String(e), 'Other');
}

async function collect(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > limit) {
      stream.destroy();
      throw new ImagePullError(`blob exceeds ${limit} bytes`, 'Invalid');
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Digest and size check with containerd's commit wording. */
export function checkBlob(desc: Descriptor, data: Buffer, kind: string): void {
  const ref = `${kind}-${desc.digest}`;
  if (data.length !== desc.size) throw new ImagePullError(`failed commit on ref "${ref}": unexpected commit size ${data.length}, expected ${desc.size}: failed precondition`, 'Invalid');
  const got = sha256(data);
  if (got !== desc.digest) throw new ImagePullError(`failed commit on ref "${ref}": unexpected commit digest ${got}, expected ${desc.digest}: failed precondition`, 'Invalid');
}

// A small HTTP(S) client over node:http/https for registry traffic: per-endpoint TLS settings
// (which global fetch cannot take without undici), redirects, and Go-style network error text.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export interface TlsOptions {
  rejectUnauthorized?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  tls?: TlsOptions;
  /** Longest socket inactivity allowed (headers and body). */
  timeoutMs?: number;
  /** Redirects to follow for GET and HEAD (object-store backends redirect blob reads). */
  maxRedirects?: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body: IncomingMessage;
}

/** A transport failure (no HTTP status), worded as Go's net/http does. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });

function goNetError(e: NodeJS.ErrnoException, u: URL): string {
  const addr = `${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  switch (e.code) {
    case 'ECONNREFUSED': return `dial tcp ${addr}: connect: connection refused`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `dial tcp: lookup ${u.hostname}: no such host`;
    case 'ETIMEDOUT': return `dial tcp ${addr}: i/o timeout`;
    case 'ECONNRESET': return `read tcp ${addr}: read: connection reset by peer`;
    case 'EHOSTUNREACH': return `dial tcp ${addr}: connect: no route to host`;
    default: return e.message;
  }
}

function once(req: HttpRequest, u: URL): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const isHttps = u.protocol === 'https:';
    const opts: https.RequestOptions = {
      method: req.method ?? 'GET',
      headers: { 'User-Agent': 'k8ts/0.1', ...req.headers },
      agent: isHttps ? httpsAgent : httpAgent,
    };
    if (isHttps && req.tls) {
      opts.rejectUnauthorized = req.tls.rejectUnauthorized ?? true;
      if (req.tls.caFile) opts.ca = readFileSync(req.tls.caFile);
      if (req.tls.certFile) opts.cert = readFileSync(req.tls.certFile);
      if (req.tls.keyFile) opts.key = readFileSync(req.tls.keyFile);
    }
    const r = (isHttps ? https : http).request(u, opts, (res) => {
      resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, url: u.toString(), body: res });
    });
    // Socket inactivity, while waiting for headers and while the body streams.
    r.setTimeout(req.timeoutMs ?? 30_000, () => r.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })));
    r.on('error', (e: NodeJS.ErrnoException) => reject(new NetworkError(goNetError(e, u))));
    r.end(req.body);
  });
}

/** Sends a request; follows redirects for GET/HEAD, dropping Authorization across origins. */
export async function httpRequest(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  let u = new URL(url);
  const headers = { ...req.headers };
  const method = req.method ?? 'GET';
  for (let hops = 0; ; hops++) {
    const res = await once({ ...req, headers }, u);
    const loc = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !loc || (method !== 'GET' && method !== 'HEAD')) return res;
    res.body.resume();
    if (hops >= (req.maxRedirects ?? 5)) throw new NetworkError(`stopped after ${hops} redirects`);
    const next = new URL(loc, u);
    if (next.origin !== u.origin) delete headers.Authorization;
    u = next;
  }
}

/** Reads a whole body, refusing more than `limit` bytes. */
export async function readBody(res: HttpResponse, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.body.destroy();
      throw new NetworkError(`response from ${res.url} exceeds ${limit} bytes`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Go's http.Status text: "404 Not Found". */
export function statusText(res: HttpResponse): string {
  return `${res.status} ${res.statusText || http.STATUS_CODES[res.status] || ''}`.trim();
}

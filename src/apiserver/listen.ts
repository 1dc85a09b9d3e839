// The HTTPS edge: TLS with optional client certificates, authentication (x509 then bearer
// token), body limits, and writing handler answers, streaming ones flushed as they come.

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { errors } from '../api/errors.js';
import type { ServerContext } from './context.js';
import type { ApiHandler } from './handler.js';
import type { ApiRequest, ApiResponse, UserInfo } from './types.js';
import { MAX_BODY_BYTES } from './codec.js';
import { isHijacked, writeHttpResponse, type UpgradableRequest } from './subresources/pod-proxy.js';

export interface ListenOptions {
  host: string;
  port: number;
  cert: string;
  key: string;
  clientCa: string;
}

// A connection's certificate never changes, and getPeerCertificate builds a fresh object on
// every call: keep-alive clients would pay for it on each request.
const certificateUsers = new WeakMap<TLSSocket, UserInfo | null>();

/** A verified client certificate is a user: CN the name, O the groups (upstream's x509 authenticator). */
export function userFromCertificate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  let user = certificateUsers.get(socket);
  if (user === undefined) {
    user = certificateUser(socket) ?? null;
    certificateUsers.set(socket, user);
  }
  return user ?? undefined;
}

function certificateUser(socket: TLSSocket): UserInfo | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const cn = cert.subject.CN;
  const o = cert.subject.O;
  if (!cn) return undefined;
  const groups = Array.isArray(o) ? o : o ? [o] : [];
  return { username: Array.isArray(cn) ? cn[0] : cn, groups: [...groups, 'system:authenticated'] };
}

/** Upstream's bearer token parsing: `Bearer <token>`, split on single spaces; an empty token is no credential. */
export function bearerToken(header: string | undefined): string | undefined {
  const auth = (header ?? '').trim();
  if (!auth) return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0].toLowerCase() !== 'bearer') return undefined;
  return parts[1] || undefined;
}

/** A client certificate was sent, whether or not it verified. */
function presentedCertificate(socket: TLSSocket): boolean {
  const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  return !!cert && Object.keys(cert).length > 0;
}

export interface Authentication {
  user?: UserInfo;
  /** Credentials were presented and none held: 401 on every path, as upstream only lets requests without credentials be anonymous. */
  failed: boolean;
}

/**
 * x509 then bearer token, as upstream's union of authenticators: the first that accepts wins; a
 * presented but bad credential fails the request unless another one is good.
 */
export async function authenticate(req: Pick<IncomingMessage, 'socket' | 'headers'>, ctx: ServerContext): Promise<Authentication> {
  const socket = req.socket as TLSSocket;
  const fromCert = userFromCertificate(socket);
  if (fromCert) return { user: fromCert, failed: false };
  let failed = !socket.authorized && presentedCertificate(socket);
  const token = bearerToken(req.headers.authorization);
  if (token !== undefined) {
    const user = ctx.tokens ? await ctx.tokens.authenticate(token, ctx) : undefined;
    if (user) return { user, failed: false };
    failed = true;
  }
  return { failed };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A header value as Go's server writes it: UTF-8 bytes as they are (Node wants them as latin1
 * characters) and line breaks as spaces. Node refuses other control characters outright, so they
 * become spaces too; without this one odd warning text would cost the whole answer.
 */
export function headerValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ');
  return /[^\x00-\x7f]/.test(clean) ? Buffer.from(clean, 'utf8').toString('latin1') : clean;
}

function headersOf(h: ApiResponse['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.map(headerValue) : headerValue(v);
  return out;
}

function writeResponse(res: ServerResponse, answer: ApiResponse, signal: AbortSignal, onError: (e: unknown) => void): void {
  if (!answer.streamBody) {
    const body = answer.body ?? '';
    res.writeHead(answer.status, { ...headersOf(answer.headers), 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  const { 'transfer-encoding': _te, ...headers } = answer.headers;
  res.writeHead(answer.status, headersOf(headers));
  // kubectl's informers hang unless the headers arrive before the first event.
  res.flushHeaders();
  answer.streamBody
    .stream((chunk) => {
      if (!res.writableEnded) res.write(chunk);
    }, signal)
    .catch(onError)
    .finally(() => {
      if (!res.writableEnded) res.end();
    });
}

/**
 * The request target as a URL. Only origin-form paths are resolved against a fixed origin, so
 * `//host/x` stays a path (new URL would read a host from it) and nothing in the target can throw.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  const t = target ?? '/';
  try {
    if (t.startsWith('/')) return new URL(`https://localhost${t}`);
    // absolute-form (proxy style): Go's server accepts it and uses its path
    const u = new URL(t);
    return u.protocol === 'http:' || u.protocol === 'https:' ? new URL(`https://localhost${u.pathname}${u.search}`) : undefined;
  } catch {
    return undefined;
  }
}

export function listen(handler: ApiHandler, ctx: ServerContext, opts: ListenOptions, log: (msg: string, f?: Record<string, unknown>) => void): Promise<Server> {
  const server = createServer({ cert: opts.cert, key: opts.key, ca: opts.clientCa, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (req, res) => {
    void (async () => {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      let answer: ApiResponse;
      try {
        const url = requestUrl(req.url);
        const body = await readBody(req);
        const { user, failed } = await authenticate(req, ctx);
        if (!url) {
          answer = handler.errorResponse(errors.badRequest(`invalid request URI ${JSON.stringify(req.url ?? '')}`));
        } else if (failed) {
          answer = handler.errorResponse(errors.unauthorized());
        } else if (body === 'too-large') {
          // Authentication runs before the body is read upstream: strangers learn nothing about limits.
          answer = handler.errorResponse(user ? errors.requestEntityTooLarge() : errors.unauthorized());
        } else {
          const apiReq: ApiRequest = { method: req.method ?? 'GET', url, headers: req.headers as Record<string, string | undefined>, body, user, signal: abort.signal };
          answer = await handler.handle(apiReq);
        }
      } catch (e) {
        answer = handler.errorResponse(e);
      }
      writeResponse(res, answer, abort.signal, (e) => log('stream failed', { error: String(e) }));
    })().catch((e) => {
      log('request failed', { error: String(e) });
      // Still a Status: clients decode error bodies only when they are one.
      if (!res.headersSent) {
        const body = JSON.stringify(errors.internal(e instanceof Error ? e.message : String(e)).toStatus());
        res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else res.end();
    });
  });
  // exec, attach and port-forward upgrade the connection (WebSocket or SPDY); the pod proxy takes
  // the socket over, and anything that stops earlier is answered as a plain HTTP response.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    void (async () => {
      const abort = new AbortController();
      socket.on('close', () => abort.abort());
      let answer: ApiResponse;
      try {
        const url = requestUrl(req.url);
        const { user, failed } = await authenticate(req, ctx);
        if (!url) answer = handler.errorResponse(errors.badRequest(`invalid request URI ${JSON.stringify(req.url ?? '')}`));
        else if (failed) answer = handler.errorResponse(errors.unauthorized());
        else {
          const apiReq: UpgradableRequest = { method: req.method ?? 'GET', url, headers: req.headers as Record<string, string | undefined>, body: Buffer.alloc(0), user, signal: abort.signal, upgrade: { socket, head } };
          answer = await handler.handle(apiReq);
        }
      } catch (e) {
        answer = handler.errorResponse(e);
      }
      if (!isHijacked(answer)) writeHttpResponse(socket, answer);
    })().catch((e) => {
      log('upgrade failed', { error: String(e) });
      socket.destroy();
    });
  });
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_e, socket) => socket.destroy());
  // Watches are long-lived; Node's default request timeout would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

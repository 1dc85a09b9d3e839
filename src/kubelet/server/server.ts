// The kubelet's HTTPS API (port 10250) for the API server's streaming subresources:
// /containerLogs, /exec, /attach and /portForward. Callers authenticate with a client
// certificate of the cluster CA; authorization is the caller's hook (upstream asks the API
// server with a SubjectAccessReview for nodes/proxy), by default any verified certificate.
// Errors before a stream starts are plain text with a status code, as upstream's kubelet writes them.

import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseLogQuery } from './cri-log.js';
import { containerForLogs, podHasContainer, runningContainer } from './log-status.js';
import { openLog, streamLog } from './log-reader.js';
import { PORT_FORWARD_PROTOCOL, PORT_FORWARD_WS_PROTOCOL, servePortForward } from './port-forward.js';
import { parseRemoteCommandQuery, runRemoteCommand } from './remote-command.js';
import { SPDY_COMMAND_PROTOCOLS, spdyCommandStreams } from './spdy-command.js';
import { SpdySession } from './spdy-session.js';
import type { KubeletAuthzAttributes, KubeletUser, StreamingBackend } from './types.js';
import { pickProtocol, WS_CHANNEL_PROTOCOLS, wsCommandStreams } from './ws-command.js';

export interface KubeletServerOptions {
  backend: StreamingBackend;
  /** PEM serving certificate and key; `ca` verifies client certificates. */
  tls: { cert: string; key: string; ca: string };
  /** This node's name (authorization attributes). */
  nodeName?: string;
  authorize?: (attrs: KubeletAuthzAttributes) => boolean | Promise<boolean>;
  /** Log follow polling interval (tests shorten it). */
  logPollMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface KubeletHandlerOptions extends Omit<KubeletServerOptions, 'tls'> {
  /** Who is calling; default: the verified TLS client certificate (CN user, O groups). */
  authenticate?: (req: IncomingMessage) => KubeletUser | undefined;
}

export type KubeletRoute =
  | { kind: 'containerLogs'; namespace: string; pod: string; container: string }
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; uid?: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string; uid?: string };

/** Upstream's kubelet paths; exec/attach/portForward also take the pod uid before the container. */
export function parseKubeletPath(pathname: string): KubeletRoute | undefined {
  const segs = pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const [kind, namespace, pod, a, b] = segs;
  if (kind === 'containerLogs' && segs.length === 4) return { kind, namespace, pod, container: a };
  if ((kind === 'exec' || kind === 'attach') && (segs.length === 4 || segs.length === 5)) {
    return segs.length === 4 ? { kind, namespace, pod, container: a } : { kind, namespace, pod, uid: a, container: b };
  }
  if (kind === 'portForward' && (segs.length === 3 || segs.length === 4)) return { kind, namespace, pod, uid: segs.length === 4 ? a : undefined };
  return undefined;
}

/** Upstream's httpstream.Handshake: client order wins; no offer at all means the legacy protocol (""). */
export function negotiateStreamProtocol(clientProtocols: string[], serverProtocols: string[]): { protocol: string } | { error: string } {
  if (clientProtocols.length === 0) return { protocol: '' };
  const p = clientProtocols.find((c) => serverProtocols.includes(c));
  if (p !== undefined) return { protocol: p };
  return { error: `unable to upgrade: unable to negotiate protocol: client supports [${clientProtocols.join(' ')}], server accepts [${serverProtocols.join(' ')}]` };
}

function userFromCert(req: IncomingMessage): KubeletUser | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  const cn = cert?.subject?.CN;
  if (!cn) return undefined;
  const o = cert.subject.O;
  return { username: Array.isArray(cn) ? cn[0] : cn, groups: [...(Array.isArray(o) ? o : o ? [o] : []), 'system:authenticated'] };
}

/** A complete HTTP/1.1 answer on a socket the HTTP server handed over (upgrade requests). */
export function writeRawResponse(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  const all: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines}\r\n${body}`);
}

function headerList(req: IncomingMessage, name: string): string[] {
  return (req.headersDistinct[name] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function kubeletHandlers(opts: KubeletHandlerOptions): {
  request: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
} {
  const { backend } = opts;
  const authenticate = opts.authenticate ?? userFromCert;
  const log = opts.log ?? (() => undefined);
  /** Sockets past their 101: an error there can no longer be an HTTP answer. */
  const taken = new WeakSet<Duplex>();
  // The subprotocol is chosen before the handshake: ws refuses names that are not HTTP tokens,
  // and kubectl's "SPDY/3.1+portforward.k8s.io" has a '/'. ws then sees a stand-in token.
  const chosen = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (_offered, req) => chosen.get(req) ?? false });

  async function admit(req: IncomingMessage): Promise<{ route: KubeletRoute; url: URL }> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const user = authenticate(req);
    if (!user) throw new HttpError(401, 'Unauthorized');
    const route = parseKubeletPath(url.pathname);
    if (!route) throw new HttpError(404, '404 page not found');
    if (opts.authorize) {
      const verb = (req.method ?? 'GET').toUpperCase() === 'POST' ? 'create' : 'get';
      const attrs: KubeletAuthzAttributes = { user, verb, resource: 'nodes', subresource: 'proxy', name: opts.nodeName ?? '', path: url.pathname };
      if (!(await opts.authorize(attrs))) throw new HttpError(403, `Forbidden (user=${user.username}, verb=${verb}, resource=nodes, subresource(s)=[proxy])`);
    }
    return { route, url };
  }

  async function containerLogs(req: IncomingMessage, res: ServerResponse, route: Extract<KubeletRoute, { kind: 'containerLogs' }>, url: URL): Promise<void> {
    const pod = await backend.getPod(route.namespace, route.pod);
    if (!pod) throw new HttpError(404, `pod "${route.pod}" does not exist`);
    if (!podHasContainer(pod, route.container)) throw new HttpError(404, `container "${route.container}" not found in pod "${route.pod}"`);
    const logOpts = parseLogQuery(url.searchParams, new Date());
    if (logOpts instanceof Error) throw new HttpError(400, logOpts.message);
    const which = containerForLogs(pod, route.container, logOpts.previous);
    if ('error' in which) throw new HttpError(400, which.error);
    const status = await backend.runtime.containerStatus(which.id);
    if (!status?.logPath) throw new HttpError(400, `failed to get container status "${which.id}": container not found`);
    const fh = await openLog(status.logPath).catch((e: Error) => {
      throw new HttpError(400, `failed to open log file "${status.logPath}": ${e.message}`);
    });
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    await streamLog(status.logPath, fh, logOpts, (b) => res.write(b), {
      signal: abort.signal,
      pollMs: opts.logPollMs,
      stillRunning: async () => (await backend.runtime.containerStatus(which.id))?.state === 'CONTAINER_RUNNING',
    });
    res.end();
  }

  function request(req: IncomingMessage, res: ServerResponse): void {
    void (async () => {
      const { route, url } = await admit(req);
      if (route.kind !== 'containerLogs') throw new HttpError(400, 'Upgrade request required');
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Method Not Allowed');
      await containerLogs(req, res, route, url);
    })().catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const msg = e instanceof Error ? e.message : String(e);
      if (!(e instanceof HttpError)) log('kubelet request failed', { path: req.url, error: msg });
      if (res.headersSent) return void res.end();
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(msg);
    });
  }

  function spdyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, protocols: string[]): { session: SpdySession; protocol: string; start: () => void } {
    const neg = negotiateStreamProtocol(headerList(req, 'x-stream-protocol-version'), protocols);
    if ('error' in neg) throw new HttpError(403, neg.error);
    taken.add(socket);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${neg.protocol ? `X-Stream-Protocol-Version: ${neg.protocol}\r\n` : ''}\r\n`);
    const session = new SpdySession({ write: (b) => void (socket.writable && socket.write(b)), close: () => socket.end() }, { server: true, onError: (e) => log('spdy session failed', { error: e.message }) });
    const start = () => {
      socket.on('data', (c: Buffer) => session.receive(c));
      socket.on('close', () => session.transportClosed());
      socket.on('error', () => session.transportClosed());
      if (head.length) session.receive(head);
    };
    return { session, protocol: neg.protocol, start };
  }

  function wsUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string | undefined): Promise<WebSocket> {
    if (protocol) {
      chosen.set(req, protocol);
      req.headers['sec-websocket-protocol'] = 'k8ts-chosen';
    } else delete req.headers['sec-websocket-protocol'];
    taken.add(socket);
    return new Promise((resolve, reject) => {
      // ws answers a malformed handshake itself and never calls back: the socket's end says so.
      const gone = () => reject(new Error('websocket handshake failed'));
      socket.once('close', gone);
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('close', gone);
        resolve(ws);
      });
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { route, url } = await admit(req);
    const kind = (req.headers.upgrade ?? '').toLowerCase();
    const isWs = kind === 'websocket';
    if (!isWs && kind !== 'spdy/3.1') throw new HttpError(400, `unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}`);
    if (route.kind === 'containerLogs') throw new HttpError(400, 'logs are not served over an upgraded connection');
    const pod = await backend.getPod(route.namespace, route.pod);
    if (!pod) throw new HttpError(404, 'pod does not exist');
    if (route.uid && pod.metadata?.uid && pod.metadata.uid !== route.uid) throw new HttpError(404, 'pod does not exist');

    if (route.kind === 'portForward') {
      const sandboxId = await backend.sandboxId(pod);
      if (!sandboxId) throw new HttpError(500, `pod not found ("${route.pod}_${route.namespace}")`);
      const target = { sandboxId, podName: route.pod, podUid: pod.metadata?.uid ?? '', runtime: backend.runtime };
      if (isWs) {
        const offered = headerList(req, 'sec-websocket-protocol');
        if (!offered.includes(PORT_FORWARD_WS_PROTOCOL)) throw new HttpError(400, `websocket port-forward needs the subprotocol ${PORT_FORWARD_WS_PROTOCOL}`);
        const ws = await wsUpgrade(req, socket, head, PORT_FORWARD_WS_PROTOCOL);
        const session = new SpdySession({ write: (b) => ws.readyState === ws.OPEN && ws.send(b, { binary: true }), close: () => ws.close(1000) }, { server: true });
        servePortForward(session, target);
        ws.on('message', (d: Buffer | ArrayBuffer | Buffer[]) => session.receive(Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d)));
        ws.on('close', () => session.transportClosed());
        ws.on('error', () => session.transportClosed());
        return;
      }
      const { session, start } = spdyUpgrade(req, socket, head, [PORT_FORWARD_PROTOCOL]);
      servePortForward(session, target);
      start();
      return;
    }

    const cmd = parseRemoteCommandQuery(url.searchParams);
    if (cmd instanceof Error) throw new HttpError(400, cmd.message);
    const containerId = runningContainer(pod, route.container);
    if (!containerId) throw new HttpError(500, `container not found ("${route.container}")`);
    if (isWs) {
      const offered = headerList(req, 'sec-websocket-protocol');
      const protocol = pickProtocol(offered, WS_CHANNEL_PROTOCOLS);
      if (offered.length && !protocol) throw new HttpError(400, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${WS_CHANNEL_PROTOCOLS.join(' ')}]`);
      const ws = await wsUpgrade(req, socket, head, protocol);
      await runRemoteCommand(route.kind, backend.runtime, containerId, cmd, wsCommandStreams(ws, protocol ?? 'channel.k8s.io', cmd));
      return;
    }
    const { session, protocol, start } = spdyUpgrade(req, socket, head, SPDY_COMMAND_PROTOCOLS);
    const collecting = spdyCommandStreams(session, protocol || 'channel.k8s.io', cmd);
    start();
    const streams = await collecting.catch((e: Error) => {
      log('exec streams not created', { error: e.message });
      return undefined;
    });
    if (streams) await runRemoteCommand(route.kind, backend.runtime, containerId, cmd, streams);
  }

  return {
    request,
    upgrade(req, socket, head) {
      socket.on('error', () => undefined);
      upgrade(req, socket, head).catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        const msg = e instanceof Error ? e.message : String(e);
        if (!(e instanceof HttpError)) log('kubelet upgrade failed', { path: req.url, error: msg });
        if (taken.has(socket)) socket.destroy();
        else if (socket.writable) writeRawResponse(socket, status, msg);
      });
    },
  };
}

/** The kubelet's HTTPS server, not yet listening: call listen(port, host). */
export function kubeletServer(opts: KubeletServerOptions): HttpsServer {
  const h = kubeletHandlers(opts);
  const server = createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, h.request);
  server.on('upgrade', h.upgrade);
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_e, socket) => socket.destroy());
  // Follows, exec sessions and port-forwards are long-lived.
  server.requestTimeout = 0;
  return server;
}

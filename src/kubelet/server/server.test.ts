// The kubelet streaming server end to end over real sockets, against a fake backend whose exec
// runs host processes (fine for the protocols: no container is involved) and whose
// port-forward dials 127.0.0.1.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { KubeObject } from '../../api/object.js';
import type { ContainerStatus, RuntimeService, StreamSession } from '../cri/types.js';
import { ensurePki } from '../../apiserver/tls/pki.js';
import { kubeletHandlers, kubeletServer, negotiateStreamProtocol, parseKubeletPath } from './server.js';
import { SpdySession, type SpdyStream } from './spdy-session.js';
import type { StreamingBackend } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'k8tE-'));
const logPath = join(dir, 'c1-0.log');
const prevLogPath = join(dir, 'c1-prev.log');

function pod(): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [{ name: 'c1' }, { name: 'waiting' }] },
    status: {
      containerStatuses: [
        { name: 'c1', containerID: 'k8ts://cid-1', state: { running: {} }, lastState: { terminated: { containerID: 'k8ts://cid-0' } } },
        { name: 'waiting', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} },
      ],
    },
  };
}

function childSession(cmd: string[], opts: { stdin: boolean }): StreamSession {
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  if (!opts.stdin) child.stdin.end();
  return {
    stdin: opts.stdin ? child.stdin : undefined,
    stdout: child.stdout,
    stderr: child.stderr,
    resize: () => undefined,
    exited: new Promise((resolve) => child.on('exit', (code, sig) => resolve(code ?? 128 + (sig === 'SIGKILL' ? 9 : 15)))),
    close: () => child.kill('SIGKILL'),
  };
}

const runtime: StreamingBackend['runtime'] = {
  exec: async (_id, cmd, opts) => childSession(cmd, opts),
  attach: async (id) => {
    if (id !== 'cid-1') throw new Error('no such container');
    return childSession(['sh', '-c', 'echo attached'], { stdin: false });
  },
  portForward: (_sandbox, port) =>
    new Promise<Duplex>((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    }),
  containerStatus: async (id) =>
    ({ id, state: 'CONTAINER_RUNNING', logPath: id === 'cid-1' ? logPath : id === 'cid-0' ? prevLogPath : '' }) as unknown as ContainerStatus,
} satisfies Pick<RuntimeService, 'exec' | 'attach' | 'portForward' | 'containerStatus'>;

const backend: StreamingBackend = {
  getPod: async (ns, name) => (ns === 'default' && name === 'web' ? pod() : undefined),
  sandboxId: async () => 'sandbox-1',
  runtime,
};

let server: Server;
let port = 0;
let echo: TcpServer;
let echoPort = 0;

before(async () => {
  writeFileSync(logPath, ['2024-01-02T03:04:01.5Z stdout F one', '2024-01-02T03:04:02Z stderr F two', '2024-01-02T03:04:03Z stdout P thr', '2024-01-02T03:04:03.1Z stdout F ee', ''].join('\n'));
  writeFileSync(prevLogPath, '2024-01-02T03:00:00Z stdout F previous life\n');
  const h = kubeletHandlers({ backend, authenticate: () => ({ username: 'kube-apiserver-kubelet-client', groups: ['system:masters'] }), logPollMs: 5 });
  server = createServer(h.request);
  server.on('upgrade', h.upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  echo = createTcpServer((s: Socket) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as AddressInfo).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
  echo.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject).end();
  });
}

interface WsResult { protocol: string; stdout: string; stderr: string; status: string }

function wsExec(path: string, send: (ws: WebSocket) => void = () => undefined, protocol = 'v5.channel.k8s.io'): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, [protocol]);
    const out = { protocol: '', stdout: '', stderr: '', status: '' };
    ws.on('open', () => {
      out.protocol = ws.protocol;
      send(ws);
    });
    ws.on('message', (d: Buffer) => {
      const text = d.subarray(1).toString();
      if (d[0] === 1) out.stdout += text;
      else if (d[0] === 2) out.stderr += text;
      else if (d[0] === 3) out.status += text;
    });
    ws.on('close', () => resolve(out));
    ws.on('error', reject);
  });
}

const q = (cmd: string[], flags: string) => `${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

describe('paths and negotiation', () => {
  test('kubelet paths', () => {
    assert.deepEqual(parseKubeletPath('/containerLogs/ns/p/c'), { kind: 'containerLogs', namespace: 'ns', pod: 'p', container: 'c' });
    assert.deepEqual(parseKubeletPath('/exec/ns/p/uid/c'), { kind: 'exec', namespace: 'ns', pod: 'p', uid: 'uid', container: 'c' });
    assert.deepEqual(parseKubeletPath('/portForward/ns/p'), { kind: 'portForward', namespace: 'ns', pod: 'p', uid: undefined });
    assert.equal(parseKubeletPath('/exec/ns/p'), undefined);
    assert.equal(parseKubeletPath('/run/ns/p/c'), undefined);
  });

  test('client order wins; no offer is legacy; no overlap is an error', () => {
    assert.deepEqual(negotiateStreamProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io'], ['v4.channel.k8s.io', 'v5.channel.k8s.io']), { protocol: 'v5.channel.k8s.io' });
    assert.deepEqual(negotiateStreamProtocol([], ['v4.channel.k8s.io']), { protocol: '' });
    assert.deepEqual(negotiateStreamProtocol(['v9'], ['v4.channel.k8s.io']), { error: 'unable to upgrade: unable to negotiate protocol: client supports [v9], server accepts [v4.channel.k8s.io]' });
  });
});

describe('exec over WebSocket', () => {
  test('v5: stdout and stderr channels, Success on channel 3', async () => {
    const r = await wsExec(`/exec/default/web/c1?${q(['sh', '-c', 'echo out; echo err >&2'], 'stdout=1&stderr=1')}`);
    assert.deepEqual(r, { protocol: 'v5.channel.k8s.io', stdout: 'out\n', stderr: 'err\n', status: '{"metadata":{},"status":"Success"}' });
  });

  test('v5: a non-zero exit is a NonZeroExitCode Status with the code as cause', async () => {
    const r = await wsExec(`/exec/default/web/c1?${q(['sh', '-c', 'exit 3'], 'stdout=true&stderr=true')}`);
    assert.deepEqual(JSON.parse(r.status), {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  test('v5: stdin reaches the process and 255,0 ends it; resize messages are accepted', async () => {
    const r = await wsExec(`/exec/default/web/c1?${q(['cat'], 'stdin=1&stdout=1')}`, (ws) => {
      ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":80,"Height":24}')]));
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello ')]));
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('world')]));
      ws.send(Buffer.from([255, 0]));
    });
    assert.equal(r.stdout, 'hello world');
    assert.equal(JSON.parse(r.status).status, 'Success');
  });

  test('v4 base64 text frames', async () => {
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/exec/default/web/c1?${q(['echo', 'b64'], 'stdout=1')}`, ['v4.base64.channel.k8s.io']);
      ws.on('message', (d: Buffer, binary: boolean) => {
        assert.equal(binary, false);
        got.push(`${d.toString()[0]}:${Buffer.from(d.toString().slice(1), 'base64').toString()}`);
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    assert.deepEqual(got, ['1:b64\n', '3:{"metadata":{},"status":"Success"}']);
  });

  test('attach ends with Success', async () => {
    const r = await wsExec('/attach/default/web/c1?stdout=1');
    assert.equal(r.stdout, 'attached\n');
    assert.equal(JSON.parse(r.status).status, 'Success');
  });

  test('errors before the upgrade are plain-text HTTP answers', async () => {
    const upgradeStatus = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, ['v5.channel.k8s.io']);
        ws.on('unexpected-response', (_req, res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        ws.on('error', () => undefined);
      });
    assert.deepEqual(await upgradeStatus('/exec/default/nope/c1?command=ls&stdout=1'), { status: 404, body: 'pod does not exist' });
    assert.deepEqual(await upgradeStatus('/exec/default/web/waiting?command=ls&stdout=1'), { status: 500, body: 'container not found ("waiting")' });
    assert.deepEqual(await upgradeStatus('/exec/default/web/c1?command=ls'), { status: 400, body: 'you must specify at least 1 of stdin, stdout, stderr' });
    assert.deepEqual(await get('/exec/default/web/c1?command=ls&stdout=1'), { status: 400, body: 'Upgrade request required' });
  });
});

/** A bare SPDY client: the HTTP upgrade, then our own framing. */
function spdyConnect(path: string, protocols: string[]): Promise<{ res: IncomingMessage; session: SpdySession; socket: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols } });
    req.on('upgrade', (res, socket, head) => {
      const session = new SpdySession({ write: (b) => socket.write(b), close: () => socket.end() }, { server: false });
      socket.on('data', (c: Buffer) => session.receive(c));
      socket.on('close', () => session.transportClosed());
      if (head.length) session.receive(head);
      resolve({ res, session, socket });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(new Error(`${res.statusCode} ${Buffer.concat(chunks).toString()}`)));
    });
    req.on('error', reject);
    req.end();
  });
}

function readAll(s: SpdyStream): Promise<string> {
  const got: Buffer[] = [];
  return new Promise((resolve) => {
    s.on('data', (c: Buffer) => got.push(c));
    s.once('end', () => resolve(Buffer.concat(got).toString()));
  });
}

describe('exec over SPDY', () => {
  test('v4: streams by streamType, stdin to stdout, status on the error stream', async () => {
    const { res, session } = await spdyConnect(`/exec/default/web/c1?${q(['sh', '-c', 'cat; echo done >&2; exit 2'], 'stdin=1&stdout=1&stderr=1')}`, ['v4.channel.k8s.io', 'v3.channel.k8s.io']);
    assert.equal(res.headers['x-stream-protocol-version'], 'v4.channel.k8s.io');
    assert.equal(res.headers.upgrade, 'SPDY/3.1');
    const error = session.openStream({ streamType: 'error' });
    error.end();
    const stdin = session.openStream({ streamType: 'stdin' });
    const stdout = session.openStream({ streamType: 'stdout' });
    stdout.end();
    const stderr = session.openStream({ streamType: 'stderr' });
    stderr.end();
    const [out, err, status] = [readAll(stdout), readAll(stderr), readAll(error)];
    stdin.end(Buffer.from('over spdy'));
    assert.equal(await out, 'over spdy');
    assert.equal(await err, 'done\n');
    const st = JSON.parse(await status);
    assert.equal(st.reason, 'NonZeroExitCode');
    assert.deepEqual(st.details.causes, [{ reason: 'ExitCode', message: '2' }]);
    // The server ends the connection after the status.
    await assert.rejects(new Promise((_r, j) => (session.closed ? j(new Error('closed')) : session.addCloseListener(() => j(new Error('closed'))))));
  });

  test('v2: failure text on the error stream', async () => {
    const { session } = await spdyConnect(`/exec/default/web/c1?${q(['sh', '-c', 'exit 1'], 'stdout=1')}`, ['v2.channel.k8s.io']);
    const error = session.openStream({ streamType: 'error' });
    const stdout = session.openStream({ streamType: 'stdout' });
    const [, status] = await Promise.all([readAll(stdout), readAll(error)]);
    assert.equal(status, 'command terminated with non-zero exit code: error executing command [sh -c exit 1], exit code 1');
  });

  test('no common protocol: 403 with the accepted list', async () => {
    await assert.rejects(spdyConnect('/exec/default/web/c1?command=ls&stdout=1', ['v9.channel.k8s.io']), /^Error: 403 unable to upgrade: unable to negotiate protocol: client supports \[v9.channel.k8s.io\], server accepts \[v5.channel.k8s.io v4/);
  });
});

/**
 * A WebSocket client offering a subprotocol that is not an HTTP token, as kubectl (gorilla)
 * does; ws's own client refuses to, so the handshake is by hand and ws only frames.
 */
function rawWebSocket(path: string, protocol: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': protocol } });
    req.on('upgrade', (res, socket, head) => {
      assert.equal(res.headers['sec-websocket-protocol'], protocol);
      const ws = new WebSocket(null as unknown as string, undefined, {});
      // A client must mask its frames; ws decides by this flag.
      (ws as unknown as { _isServer: boolean })._isServer = false;
      (ws as unknown as { setSocket(s: Duplex, h: Buffer, o: object): void }).setSocket(socket, head, { maxPayload: 0, skipUTF8Validation: false });
      resolve(ws);
    });
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('port-forward', () => {
  async function roundTrip(session: SpdySession, requestID: string, payload: string): Promise<{ data: string; error: string }> {
    const error = session.openStream({ streamType: 'error', port: String(echoPort), requestID });
    error.end();
    const data = session.openStream({ streamType: 'data', port: String(echoPort), requestID });
    const errText = readAll(error);
    const got: Buffer[] = [];
    await new Promise<void>((resolve) => {
      data.on('data', (c: Buffer) => {
        got.push(c);
        if (Buffer.concat(got).length >= payload.length) resolve();
      });
      data.write(Buffer.from(payload));
    });
    data.end();
    await new Promise<void>((r) => data.once('end', () => r()));
    return { data: Buffer.concat(got).toString(), error: await errText };
  }

  test('tunnelled in a WebSocket (SPDY/3.1+portforward.k8s.io)', async () => {
    const ws = await rawWebSocket('/portForward/default/web', 'SPDY/3.1+portforward.k8s.io');
    const session = new SpdySession({ write: (b) => ws.send(b), close: () => ws.close() }, { server: false });
    ws.on('message', (d: Buffer) => session.receive(d));
    assert.deepEqual(await roundTrip(session, '0', 'hello through the tunnel'), { data: 'hello through the tunnel', error: '' });
    assert.deepEqual(await roundTrip(session, '1', 'second connection'), { data: 'second connection', error: '' });
    await session.ping();
    session.close();
  });

  test('direct SPDY, and a refused port reported on the error stream', async () => {
    const { res, session } = await spdyConnect('/portForward/default/web', ['portforward.k8s.io']);
    assert.equal(res.headers['x-stream-protocol-version'], 'portforward.k8s.io');
    assert.deepEqual(await roundTrip(session, '0', 'direct'), { data: 'direct', error: '' });
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const error = session.openStream({ streamType: 'error', port: String(deadPort), requestID: '7' });
    session.openStream({ streamType: 'data', port: String(deadPort), requestID: '7' });
    assert.match(await readAll(error), new RegExp(`^error forwarding port ${deadPort} to pod web, uid uid-1: connect ECONNREFUSED 127.0.0.1:${deadPort}$`));
    session.close();
  });
});

describe('container logs', () => {
  test('whole log, tail, timestamps, limit', async () => {
    assert.deepEqual(await get('/containerLogs/default/web/c1'), { status: 200, body: 'one\ntwo\nthree\n' });
    assert.deepEqual(await get('/containerLogs/default/web/c1?tailLines=1&timestamps=true'), { status: 200, body: '2024-01-02T03:04:03Z three\n' });
    assert.deepEqual(await get('/containerLogs/default/web/c1?sinceTime=2024-01-02T03:04:02Z'), { status: 200, body: 'two\nthree\n' });
    assert.deepEqual(await get('/containerLogs/default/web/c1?limitBytes=5'), { status: 200, body: 'one\nt' });
    assert.deepEqual(await get('/containerLogs/default/web/c1?previous=true'), { status: 200, body: 'previous life\n' });
  });

  test('errors', async () => {
    assert.deepEqual(await get('/containerLogs/default/nope/c1'), { status: 404, body: 'pod "nope" does not exist' });
    assert.deepEqual(await get('/containerLogs/default/web/zz'), { status: 404, body: 'container "zz" not found in pod "web"' });
    assert.deepEqual(await get('/containerLogs/default/web/waiting'), { status: 400, body: 'container "waiting" in pod "web" is waiting to start: ContainerCreating' });
    assert.deepEqual(await get('/containerLogs/default/web/waiting?previous=1'), { status: 400, body: 'previous terminated container "waiting" in pod "web" not found' });
  });
});

describe('TLS', () => {
  test('client certificates of the CA are users; others are refused', async (t) => {
    const pkiDir = mkdtempSync(join(tmpdir(), 'k8tE-pki-'));
    t.after(() => rmSync(pkiDir, { recursive: true, force: true }));
    const pki = await ensurePki(pkiDir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const seen: string[] = [];
    const srv = kubeletServer({ backend, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert }, authorize: (a) => (seen.push(`${a.user.username} ${a.verb} ${a.subresource}`), true) });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => srv.close());
    const tport = (srv.address() as AddressInfo).port;
    const call = (withCert: boolean) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port: tport, path: '/containerLogs/default/web/c1?tailLines=1', ca: pki.caCert, ...(withCert ? { cert: pki.adminCert, key: pki.adminKey } : {}) }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        }).on('error', reject).end();
      });
    assert.deepEqual(await call(true), { status: 200, body: 'three\n' });
    assert.deepEqual(seen, ['system:admin get proxy']);
    assert.deepEqual(await call(false), { status: 401, body: 'Unauthorized' });
  });
});

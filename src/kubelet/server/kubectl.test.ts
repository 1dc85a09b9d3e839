// The real kubectl (v1.32, on PATH) against the in-process API server and this kubelet server:
// logs, exec over WebSocket v5 and over the SPDY fallback, cp, and port-forward both tunnelled
// in a WebSocket and over direct SPDY. The runtime is a stand-in that runs host processes and
// dials 127.0.0.1 (no container involved): what is under test is the wire.
//
// Until handler.ts and listen.ts route pods/log|exec|attach|portforward to podProxy, this test
// installs the same routing itself (see installProxyRouting); afterwards that part is a no-op
// duplicate of the real wiring.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import type { Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { authenticate, listen, requestUrl } from '../../apiserver/listen.js';
import { parseRequestInfo } from '../../apiserver/request-info.js';
import { isHijacked, podProxy, writeHttpResponse, type KubeletClientConfig, type UpgradableRequest } from '../../apiserver/subresources/pod-proxy.js';
import { ensurePki } from '../../apiserver/tls/pki.js';
import { testServer, type TestServer } from '../../apiserver/testing.js';
import type { ApiHandler } from '../../apiserver/handler.js';
import type { ApiResponse } from '../../apiserver/types.js';
import type { ContainerStatus } from '../cri/types.js';
import { kubeletServer } from './server.js';
import type { StreamingBackend } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'k8tE-kubectl-'));
const logPath = join(dir, 'c.log');
let api: TestServer;
let apiServer: HttpsServer;
let kubelet: HttpsServer;
let echo: TcpServer;
let kubeconfig = '';

const backend = (echoPort: () => number): StreamingBackend => ({
  getPod: async (_ns, name) => ({ metadata: { name, uid: 'u1' }, spec: { containers: [{ name: 'c' }] }, status: { containerStatuses: [{ name: 'c', containerID: 'k8ts://c1', state: { running: {} }, lastState: {} }] } }),
  sandboxId: async () => 's1',
  runtime: {
    exec: async (_id, cmd, o) => {
      const child = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir });
      if (!o.stdin) child.stdin.end();
      return { stdin: o.stdin ? child.stdin : undefined, stdout: child.stdout, stderr: child.stderr, resize: () => undefined, exited: new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1))), close: () => child.kill() };
    },
    // The "main process" of this stand-in container is a fresh shell that writes one line each way.
    attach: async () => {
      const child = spawn('sh', ['-c', 'echo attached; echo to-stderr >&2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      return { stdout: child.stdout, stderr: child.stderr, resize: () => undefined, exited: new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1))), close: () => child.kill() };
    },
    portForward: (_s, port) =>
      new Promise<Duplex>((resolve, reject) => {
        const s = connect(port === 80 ? echoPort() : port, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      }),
    containerStatus: async (id) => ({ id, state: 'CONTAINER_RUNNING', logPath }) as unknown as ContainerStatus,
  },
});

/** pods/log|exec|attach|portforward → podProxy, and upgrade requests into the handler. */
function installProxyRouting(handler: ApiHandler, server: HttpsServer): void {
  const ctx = handler.server;
  const original = handler.handle.bind(handler);
  handler.handle = async (req: UpgradableRequest): Promise<ApiResponse> => {
    if (!/^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/(log|exec|attach|portforward)$/.test(req.url.pathname)) return original(req);
    try {
      const info = parseRequestInfo(req.method, req.url);
      return await podProxy(req, { server: ctx, info, type: ctx.registry.lookup('', 'v1', 'pods')!, user: req.user!, query: req.url.searchParams, warnings: [] });
    } catch (e) {
      return handler.errorResponse(e, req);
    }
  };
  if (server.listenerCount('upgrade') > 0) return;
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = requestUrl(req.url);
      const { user } = await authenticate(req, ctx);
      const abort = new AbortController();
      socket.on('close', () => abort.abort());
      const answer = await handler.handle({ method: req.method ?? 'GET', url: url!, headers: req.headers as Record<string, string>, body: Buffer.alloc(0), user, signal: abort.signal, upgrade: { socket, head } } as UpgradableRequest);
      if (!isHijacked(answer)) writeHttpResponse(socket, answer);
    })().catch(() => socket.destroy());
  });
}

function kubectl(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, ...opts.env }, timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(opts.stdin ?? '');
  });
}

before(async () => {
  writeFileSync(logPath, '2024-01-02T03:04:01Z stdout F hello from log\n2024-01-02T03:04:02Z stderr P part\n2024-01-02T03:04:02.5Z stderr F ial line\n');
  echo = createTcpServer((s) => s.on('data', (d: Buffer) => s.write(Buffer.concat([Buffer.from('echo:'), d]))));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const pki = await ensurePki(join(dir, 'pki'), { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  kubelet = kubeletServer({ backend: backend(() => (echo.address() as AddressInfo).port), tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert } });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  api = await testServer(new MemoryStore());
  const ctx = api.handler.server as typeof api.handler.server & { kubeletClient?: KubeletClientConfig };
  ctx.kubeletClient = { cert: pki.adminCert, key: pki.adminKey, ca: pki.caCert };
  const kport = (kubelet.address() as AddressInfo).port;
  await api.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kport } } } });
  await api.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'x' }] } });
  const pod = (await api.request('GET', '/api/v1/namespaces/default/pods/web')).json() as KubeObject;
  pod.status = { phase: 'Running' };
  assert.equal((await api.request('PUT', '/api/v1/namespaces/default/pods/web/status', pod)).status, 200);
  apiServer = await listen(api.handler, api.handler.server, { host: '127.0.0.1', port: 0, cert: pki.serverCert, key: pki.serverKey, clientCa: pki.caCert }, () => undefined);
  installProxyRouting(api.handler, apiServer);
  const port = (apiServer.address() as AddressInfo).port;
  kubeconfig = join(dir, 'kubeconfig');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: k',
    `clusters: [{name: k, cluster: {server: "https://127.0.0.1:${port}", certificate-authority-data: ${b64(pki.caCert)}}}]`,
    `users: [{name: k, user: {client-certificate-data: ${b64(pki.adminCert)}, client-key-data: ${b64(pki.adminKey)}}}]`,
    'contexts: [{name: k, context: {cluster: k, user: k}}]', '',
  ].join('\n'));
});

after(() => {
  apiServer?.closeAllConnections();
  apiServer?.close();
  kubelet?.closeAllConnections();
  kubelet?.close();
  echo?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('real kubectl through the API server to the kubelet server', () => {
  test('logs, with --timestamps --tail and --previous refused', async () => {
    assert.deepEqual(await kubectl(['logs', 'web']), { code: 0, stdout: 'hello from log\npartial line\n', stderr: '' });
    assert.equal((await kubectl(['logs', 'web', '--timestamps', '--tail=1'])).stdout, '2024-01-02T03:04:02Z partial line\n');
    const prev = await kubectl(['logs', 'web', '--previous']);
    assert.equal(prev.code, 1);
    assert.equal(prev.stderr, 'Error from server (BadRequest): previous terminated container "c" in pod "web" not found\n');
  });

  for (const [name, env] of [['WebSocket v5', {}], ['SPDY fallback', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }]] as const) {
    test(`exec over ${name}: output, stdin, exit code`, async () => {
      const r = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { env });
      assert.deepEqual(r, { code: 3, stdout: 'out\n', stderr: 'err\ncommand terminated with exit code 3\n' });
      assert.deepEqual(await kubectl(['exec', '-i', 'web', '--', 'cat'], { stdin: 'piped in', env }), { code: 0, stdout: 'piped in', stderr: '' });
    });
  }

  test('a megabyte each way over SPDY and WebSocket (more than any flow-control window)', async () => {
    const big = 'x'.repeat(1024 * 1024);
    for (const env of [{ KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }, {}] as Record<string, string>[]) {
      const r = await kubectl(['exec', '-i', 'web', '--', 'sh', '-c', 'wc -c; head -c 1000000 /dev/zero'], { stdin: big, env });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(`${big.length}\n`));
      assert.equal(r.stdout.length, String(big.length).length + 1 + 1000000);
    }
  });

  test('attach', async () => {
    for (const env of [{}, { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }] as Record<string, string>[]) {
      assert.deepEqual(await kubectl(['attach', '-q', 'web'], { env }), { code: 0, stdout: 'attached\n', stderr: 'to-stderr\n' });
    }
  });

  test('cp both ways (tar over exec)', async () => {
    writeFileSync(join(dir, 'src.txt'), 'copied content\n');
    assert.equal((await kubectl(['cp', join(dir, 'src.txt'), 'web:dst.txt'])).code, 0);
    assert.equal(readFileSync(join(dir, 'dst.txt'), 'utf8'), 'copied content\n');
    assert.equal((await kubectl(['cp', 'web:dst.txt', join(dir, 'back.txt')])).code, 0);
    assert.equal(readFileSync(join(dir, 'back.txt'), 'utf8'), 'copied content\n');
  });

  for (const [name, env] of [['tunnelled in a WebSocket', {}], ['over direct SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }]] as const) {
    test(`port-forward ${name}`, async (t) => {
      const free = createTcpServer();
      await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
      const local = (free.address() as AddressInfo).port;
      await new Promise<void>((r) => free.close(() => r()));
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'port-forward', '--address', '127.0.0.1', 'pod/web', `${local}:80`], { env: { ...process.env, ...env } });
      t.after(() => child.kill());
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Forwarding from')) resolve();
        });
        child.once('exit', (c) => reject(new Error(`kubectl exited ${c}`)));
      });
      for (const msg of ['first', 'second']) {
        const got = await new Promise<string>((resolve, reject) => {
          const s = connect(local, '127.0.0.1', () => s.write(msg));
          let buf = '';
          s.on('data', (d: Buffer) => {
            buf += d.toString();
            if (buf.length >= msg.length + 5) s.end();
          });
          s.on('close', () => resolve(buf));
          s.on('error', reject);
        });
        assert.equal(got, `echo:${msg}`);
      }
    });
  }
});

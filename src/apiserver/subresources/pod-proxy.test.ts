// pods/log|exec|portforward through the API server half: option validation, container choice,
// node address, kubelet error mapping, and the proxy itself against a real kubelet server (TLS,
// cluster CA client certificate) whose fake runtime runs host processes.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server as HttpsServer } from 'node:https';
import { WebSocket } from 'ws';
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import type { ContainerStatus } from '../../kubelet/cri/types.js';
import { kubeletServer } from '../../kubelet/server/server.js';
import type { StreamingBackend } from '../../kubelet/server/types.js';
import type { RequestContext } from '../context.js';
import { parseRequestInfo } from '../request-info.js';
import { ensurePki } from '../tls/pki.js';
import { testServer, type TestServer } from '../testing.js';
import type { ApiResponse } from '../types.js';
import { chooseContainer, isHijacked, kubeletAddress, kubeletError, podLogQuery, podProxy, streamQuery, writeHttpResponse, type KubeletClientConfig, type UpgradableRequest } from './pod-proxy.js';

const pod = (containers: string[], init: string[] = []): KubeObject => ({ metadata: { name: 'web' }, spec: { containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) } });

function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('no error');
}

describe('pod-proxy rules', () => {
  test('container choice', () => {
    assert.equal(chooseContainer(pod(['a']), '', 'log'), 'a');
    assert.equal(chooseContainer(pod(['a', 'b']), 'b', 'exec'), 'b');
    assert.equal(chooseContainer(pod(['a', 'b'], ['i']), 'i', 'log'), 'i');
    const cases: [KubeObject, string, 'log' | 'exec', string][] = [
      [pod(['a', 'b']), '', 'log', 'a container name must be specified for pod web, choose one of: [a b]'],
      [pod(['a', 'b'], ['i']), '', 'log', 'a container name must be specified for pod web, choose one of: [i a b]'],
      [pod(['a', 'b'], ['i']), '', 'exec', 'a container name must be specified for pod web, choose one of: [a b] or one of the init containers: [i]'],
      [pod(['a']), 'zz', 'exec', 'container zz is not valid for pod web'],
      [pod([]), '', 'log', 'a container name must be specified for pod web'],
    ];
    for (const [p, c, kind, msg] of cases) assert.deepEqual(statusOf(() => chooseContainer(p, c, kind)), { code: 400, reason: 'BadRequest', message: msg });
  });

  test('log options validation and the kubelet query', () => {
    assert.equal(podLogQuery(new URLSearchParams('container=a&follow=true&tailLines=3&timestamps=1&sinceSeconds=60'), 'web').toString(), 'follow=true&timestamps=true&sinceSeconds=60&tailLines=3');
    const invalid: [string, string][] = [
      ['tailLines=-1', 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
      ['limitBytes=0', 'PodLogOptions "web" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      ['sinceSeconds=0', 'PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'],
      ['sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z', 'PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
    ];
    for (const [qs, msg] of invalid) assert.deepEqual(statusOf(() => podLogQuery(new URLSearchParams(qs), 'web')), { code: 422, reason: 'Invalid', message: msg }, qs);
    assert.equal(statusOf(() => podLogQuery(new URLSearchParams('tailLines=x'), 'web')).code, 400);
  });

  test('exec query: commands and "1" flags', () => {
    assert.equal(streamQuery(new URLSearchParams('command=sh&command=-c&command=ls&stdin=true&stdout=true&tty=true&container=c'), 'exec').toString(), 'command=sh&command=-c&command=ls&stdin=1&stdout=1&tty=1');
    assert.equal(streamQuery(new URLSearchParams('command=x&stdout=true'), 'attach').toString(), 'stdout=1');
  });

  test('kubelet address', () => {
    const node = (addresses: { type: string; address: string }[], port?: number): KubeObject => ({ metadata: { name: 'n' }, status: { addresses, ...(port ? { daemonEndpoints: { kubeletEndpoint: { Port: port } } } : {}) } });
    assert.deepEqual(kubeletAddress(node([{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.5' }], 11250)), { host: '10.0.0.5', port: 11250 });
    assert.deepEqual(kubeletAddress(node([{ type: 'Hostname', address: 'n1' }])), { host: 'n1', port: 10250 });
    assert.throws(() => kubeletAddress(node([])), /no preferred addresses found/);
  });

  test('kubelet errors become API errors as upstream maps them', () => {
    assert.deepEqual(kubeletError(400, 'container "c" in pod "web" is waiting to start: ContainerCreating', 'pods/log', 'web').toStatus(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'container "c" in pod "web" is waiting to start: ContainerCreating', reason: 'BadRequest', code: 400 });
    const nf = kubeletError(404, 'pod "web" does not exist', 'pods/log', 'web');
    assert.equal(nf.message, 'the server could not find the requested resource ( pods/log web)');
    assert.equal(nf.reason, 'NotFound');
  });
});

describe('pod-proxy to a kubelet', () => {
  let api: TestServer;
  let kubelet: HttpsServer;
  let front: Server;
  let frontPort = 0;
  let kc: KubeletClientConfig;
  const dir = mkdtempSync(join(tmpdir(), 'k8tE-'));
  const logPath = join(dir, 'c.log');

  const backend: StreamingBackend = {
    getPod: async (_ns, name) => (name === 'web' ? { metadata: { name: 'web', uid: 'u1' }, spec: { containers: [{ name: 'c' }] }, status: { containerStatuses: [{ name: 'c', containerID: 'k8ts://c1', state: { running: {} } }] } } : undefined),
    sandboxId: async () => 's1',
    runtime: {
      exec: async (_id, cmd) => {
        const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
        return { stdout: child.stdout, stderr: child.stderr, resize: () => undefined, exited: new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1))), close: () => child.kill() };
      },
      attach: async () => {
        throw new Error('not in this test');
      },
      portForward: async () => {
        throw new Error('not in this test');
      },
      containerStatus: async (id) => ({ id, state: 'CONTAINER_RUNNING', logPath }) as unknown as ContainerStatus,
    },
  };

  function rcFor(method: string, path: string): RequestContext {
    const url = new URL(path, 'https://api');
    const info = parseRequestInfo(method, url);
    const server = api.handler.server;
    return { server, info, type: server.registry.lookup('', 'v1', 'pods')!, user: { username: 'admin', groups: ['system:masters'] }, query: url.searchParams, warnings: [] };
  }

  function apiReq(method: string, path: string, extra: Partial<UpgradableRequest> = {}): UpgradableRequest {
    return { method, url: new URL(path, 'https://api'), headers: {}, body: Buffer.alloc(0), signal: new AbortController().signal, ...extra };
  }

  async function body(res: ApiResponse): Promise<string> {
    if (!res.streamBody) return String(res.body ?? '');
    const chunks: Buffer[] = [];
    await res.streamBody.stream((c) => chunks.push(Buffer.from(c)), new AbortController().signal);
    return Buffer.concat(chunks).toString();
  }

  before(async () => {
    writeFileSync(logPath, '2024-01-02T03:04:01Z stdout F hello\n2024-01-02T03:04:02Z stdout F world\n');
    const pki = await ensurePki(join(dir, 'pki'), { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    kubelet = kubeletServer({ backend, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert }, authorize: (a) => a.user.groups.includes('system:masters') });
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
    const kport = (kubelet.address() as AddressInfo).port;
    kc = { cert: pki.adminCert, key: pki.adminKey, ca: pki.caCert };
    api = await testServer(new MemoryStore());
    (api.handler.server as { kubeletClient?: KubeletClientConfig }).kubeletClient = kc;
    await api.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kport } } } });
    const created = await api.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'x' }] } });
    assert.equal(created.status, 201, String(created.body));
    // The listener's upgrade path, as it is to be wired in listen.ts.
    front = createServer();
    front.on('upgrade', (req, socket, head) => {
      const path = req.url ?? '/';
      const r = apiReq(req.method ?? 'GET', path, { headers: req.headers as Record<string, string>, upgrade: { socket, head } });
      podProxy(r, rcFor(r.method, path))
        .catch((e: StatusError) => ({ status: e.code, headers: { 'content-type': 'application/json' }, body: JSON.stringify(e.toStatus()) }) as ApiResponse)
        .then((answer) => {
          if (!isHijacked(answer)) writeHttpResponse(socket, answer);
        });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    frontPort = (front.address() as AddressInfo).port;
  });

  after(() => {
    front?.closeAllConnections();
    front?.close();
    kubelet?.closeAllConnections();
    kubelet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('logs stream through, options passed on', async () => {
    assert.equal(await body(await podProxy(apiReq('GET', '/api/v1/namespaces/default/pods/web/log'), rcFor('GET', '/api/v1/namespaces/default/pods/web/log'))), 'hello\nworld\n');
    const p = '/api/v1/namespaces/default/pods/web/log?tailLines=1&timestamps=true';
    assert.equal(await body(await podProxy(apiReq('GET', p), rcFor('GET', p))), '2024-01-02T03:04:02Z world\n');
  });

  test('kubelet refusals and missing nodes are API errors', async () => {
    const p = '/api/v1/namespaces/default/pods/web/log?previous=true';
    await assert.rejects(podProxy(apiReq('GET', p), rcFor('GET', p)), (e: StatusError) => e.code === 400 && e.message === 'previous terminated container "c" in pod "web" not found');
    const e = '/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true';
    await assert.rejects(podProxy(apiReq('GET', e), rcFor('GET', e)), (err: StatusError) => err.code === 400 && err.message === 'Upgrade request required');
  });

  test('exec: the WebSocket upgrade is proxied to the kubelet and back', async () => {
    const url = `ws://127.0.0.1:${frontPort}/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=echo%20via%20proxy%3B%20exit%205&stdout=true&stderr=true`;
    const got = await new Promise<{ protocol: string; out: string; status: string }>((resolve, reject) => {
      const ws = new WebSocket(url, ['v5.channel.k8s.io']);
      const r = { protocol: '', out: '', status: '' };
      ws.on('open', () => (r.protocol = ws.protocol));
      ws.on('message', (d: Buffer) => {
        if (d[0] === 1) r.out += d.subarray(1).toString();
        if (d[0] === 3) r.status += d.subarray(1).toString();
      });
      ws.on('close', () => resolve(r));
      ws.on('error', reject);
    });
    assert.equal(got.protocol, 'v5.channel.k8s.io');
    assert.equal(got.out, 'via proxy\n');
    assert.deepEqual(JSON.parse(got.status).details, { causes: [{ reason: 'ExitCode', message: '5' }] });
  });

  test('exec into a pod without a node: 400 before any proxying', async () => {
    await api.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/api/v1/namespaces/default/pods/pending/exec?command=ls&stdout=true`, ['v5.channel.k8s.io']);
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => undefined);
    });
    assert.equal(status, 400);
    // Logs of a pod no node runs yet: no location, so upstream answers 204 with nothing.
    const lp = '/api/v1/namespaces/default/pods/pending/log';
    const res = await podProxy(apiReq('GET', lp), rcFor('GET', lp));
    assert.deepEqual([res.status, res.body], [204, '']);
  });
});

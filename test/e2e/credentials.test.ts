// Bad credentials are refused everywhere: only a request that presents none is anonymous (and may
// read the public health and version paths). An invalid bearer token or a client certificate
// from another CA gets 401 even on /livez, /readyz, /healthz and /version, as upstream.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { Cluster } from './harness.js';

const PUBLIC = ['/livez', '/readyz', '/healthz', '/version'];
const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

describe('credentials on public paths', () => {
  const c = new Cluster();
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cred-'));
  let ca = '';
  let evil: { cert: string; key: string } = { cert: '', key: '' };

  const get = (path: string, opts: { cert?: string; key?: string; authorization?: string } = {}): Promise<{ status: number; body: string }> =>
    new Promise((res, rej) => {
      const headers: Record<string, string> = opts.authorization ? { authorization: opts.authorization } : {};
      const r = request({ host: '127.0.0.1', port: c.port, path, ca, cert: opts.cert, key: opts.key, headers }, (m) => {
        let body = '';
        m.on('data', (d: Buffer) => (body += d.toString()));
        m.on('end', () => res({ status: m.statusCode ?? 0, body }));
      });
      r.on('error', rej);
      r.end();
    });

  before(async () => {
    await c.start();
    ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(readFileSync(c.kubeconfig, 'utf8'))![1], 'base64').toString();
    const key = join(dir, 'evil.key');
    const crt = join(dir, 'evil.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=evil/O=system:masters', '-days', '1'], { stdio: 'ignore' });
    evil = { cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
  });
  after(async () => {
    await c.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('no credentials: public paths answer, the API does not', async () => {
    for (const p of PUBLIC) assert.equal((await get(p)).status, 200, p);
    assert.equal((await get('/api')).status, 401);
  });

  test('an invalid bearer token gets 401 on every path', async () => {
    for (const p of [...PUBLIC, '/api']) {
      const r = await get(p, { authorization: 'Bearer not-a-token' });
      assert.equal(r.status, 401, p);
      assert.deepEqual(JSON.parse(r.body), UNAUTHORIZED, p);
    }
  });

  test('a client certificate from another CA gets 401 on every path', async () => {
    for (const p of [...PUBLIC, '/api']) assert.equal((await get(p, evil)).status, 401, p);
  });

  test('a header that carries no bearer token is no credential', async () => {
    assert.equal((await get('/version', { authorization: 'Basic dXNlcjpwYXNz' })).status, 200);
  });

  test('kubectl with a bad token is told to log in, even for the server version', async () => {
    const kc = join(dir, 'bad.kubeconfig');
    writeFileSync(join(dir, 'ca.crt'), ca);
    writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters:\n- name: k8ts\n  cluster:\n    server: https://127.0.0.1:${c.port}\n    certificate-authority: ${join(dir, 'ca.crt')}\nusers:\n- name: bad\n  user:\n    token: not-a-token\ncontexts:\n- name: bad\n  context: {cluster: k8ts, user: bad}\ncurrent-context: bad\n`);
    let stderr = '';
    try {
      execFileSync('kubectl', ['--kubeconfig', kc, '--cache-dir', join(dir, 'cache'), 'version'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    } catch (e) {
      stderr = String((e as { stderr?: Buffer }).stderr ?? '');
    }
    assert.match(stderr, /error: You must be logged in to the server \(the server has asked for the client to provide credentials\)/);
  });
});

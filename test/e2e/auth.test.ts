// Workshop section 6 (security) with the real kubectl: HTTPS-only access, service account tokens,
// RBAC granted additively by Roles and ClusterRoles, access reviews, impersonation and the
// pod subresources kubectl drives. Messages are upstream's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { Cluster, type KubectlResult } from './harness.js';

const BOT = 'system:serviceaccount:default:bot';

describe('workshop section 6: authentication and RBAC', () => {
  const c = new Cluster();
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-auth-'));
  let ca = '';
  let token = '';

  /** kubectl as a token holder, through its own kubeconfig, as a pod or a user would. */
  const withToken = (tok: string, args: string[]): Promise<KubectlResult> => {
    const kc = join(dir, 'bot.kubeconfig');
    writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters:\n- name: k8ts\n  cluster:\n    server: https://127.0.0.1:${c.port}\n    certificate-authority: ${join(dir, 'ca.crt')}\nusers:\n- name: bot\n  user:\n    token: ${tok}\ncontexts:\n- name: bot\n  context: {cluster: k8ts, user: bot, namespace: default}\ncurrent-context: bot\n`);
    return new Promise((res) => {
      execFile('kubectl', ['--kubeconfig', kc, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
        res({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
      });
    });
  };
  const bot = (args: string[]) => withToken(token, args);

  /** A raw HTTPS request with whatever credentials are given (none by default). */
  const https = (path: string, opts: { cert?: string; key?: string; token?: string } = {}): Promise<{ status: number; body: string }> =>
    new Promise((res, rej) => {
      const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
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
    const kc = readFileSync(c.kubeconfig, 'utf8');
    ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kc)![1], 'base64').toString();
    writeFileSync(join(dir, 'ca.crt'), ca);
  });
  after(async () => {
    await c.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the admin kubeconfig is system:admin in system:masters', async () => {
    const out = await c.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(out, 'system:admin ["system:masters","system:authenticated"]');
  });

  test('the API is HTTPS only: plain HTTP on the port gets no API answer', async () => {
    const r = await new Promise<string>((res) => {
      execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${c.port}/api`], (_e, stdout) => res(stdout));
    });
    assert.notEqual(r, '200');
  });

  test('no credentials: 401 Status, except the public health and version paths', async () => {
    const r = await https('/api/v1/namespaces');
    assert.equal(r.status, 401);
    assert.deepEqual(JSON.parse(r.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    for (const p of ['/livez', '/readyz', '/healthz', '/version']) assert.equal((await https(p)).status, 200, p);
    assert.equal((await https('/api', { token: 'not-a-token' })).status, 401);
  });

  test('a client certificate from another CA is rejected', async () => {
    const key = join(dir, 'evil.key');
    const crt = join(dir, 'evil.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=evil/O=system:masters', '-days', '1'], { stdio: 'ignore' });
    const r = await https('/api/v1/namespaces', { cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') });
    assert.equal(r.status, 401);
  });

  test('create serviceaccount and token; the token is the service account', async () => {
    assert.equal((await c.ok(['create', 'serviceaccount', 'bot'])).trim(), 'serviceaccount/bot created');
    token = (await c.ok(['create', 'token', 'bot'])).trim();
    assert.match(token, /^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    const who = await bot(['auth', 'whoami']);
    assert.equal(who.code, 0, who.stderr);
    assert.match(who.stdout, new RegExp(`Username\\s+${BOT}\\n`));
    assert.match(who.stdout, /Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]/);
    assert.match(who.stdout, /Extra: authentication.kubernetes.io\/credential-id\s+\[JTI=[0-9a-f-]{36}\]/);
  });

  test('create token --duration, --audience and --bound-object-kind Pod', async () => {
    const short = await c.kubectl(['create', 'token', 'bot', '--duration=5m']);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    const req = JSON.parse(await c.ok(['create', 'token', 'bot', '--duration=20m', '--audience=vault', '-o', 'json'])) as { spec: { audiences: string[]; expirationSeconds: number }; status: { token: string } };
    assert.deepEqual(req.spec.audiences, ['vault']);
    assert.equal(req.spec.expirationSeconds, 1200);
    // A token for another audience is no API credential.
    assert.match((await withToken(req.status.token, ['get', 'pods'])).stderr, /You must be logged in to the server/);
    await c.ok(['run', 'botpod', '--image=nginx', '--overrides={"spec":{"serviceAccountName":"bot"}}']);
    const podToken = (await c.ok(['create', 'token', 'bot', '--bound-object-kind=Pod', '--bound-object-name=botpod'])).trim();
    assert.match((await withToken(podToken, ['auth', 'whoami'])).stdout, /authentication.kubernetes.io\/pod-name\s+\[botpod\]/);
    const wrong = await c.kubectl(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=botpod']);
    assert.match(wrong.stderr, /cannot bind token for serviceaccount "default" to pod running with different serviceaccount name\./);
    await c.ok(['delete', 'pod', 'botpod', '--grace-period=0', '--force']);
    assert.match((await withToken(podToken, ['get', 'pods'])).stderr, /error: You must be logged in to the server/);
  });

  test('without bindings the service account is Forbidden, with upstream\'s message', async () => {
    const r = await bot(['get', 'pods']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `Error from server (Forbidden): pods is forbidden: User "${BOT}" cannot list resource "pods" in API group "" in the namespace "default"`);
    const can = await bot(['auth', 'can-i', 'list', 'pods']);
    assert.deepEqual([can.code, can.stdout.trim()], [1, 'no']);
    // Discovery works: api-resources needs /api and /apis (system:discovery).
    const res = await bot(['api-resources', '--api-group=apps', '-o', 'name']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^deployments\.apps$/m);
  });

  test('a Role and RoleBinding allow in their namespace only', async () => {
    await c.ok(['create', 'namespace', 'other']);
    assert.match(await c.ok(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods']), /role.rbac.authorization.k8s.io\/pod-reader created/);
    await c.ok(['create', 'rolebinding', 'bot-reads', '--role=pod-reader', '--serviceaccount=default:bot']);
    const r = await bot(['get', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No resources found in default namespace\./);
    assert.equal((await bot(['auth', 'can-i', 'list', 'pods'])).stdout.trim(), 'yes');
    assert.equal((await bot(['auth', 'can-i', 'delete', 'pods'])).stdout.trim(), 'no');
    const other = await bot(['get', 'pods', '-n', 'other']);
    assert.equal(other.stderr.trim(), `Error from server (Forbidden): pods is forbidden: User "${BOT}" cannot list resource "pods" in API group "" in the namespace "other"`);
  });

  test('a ClusterRole and ClusterRoleBinding grant across namespaces, additively', async () => {
    await c.ok(['create', 'clusterrole', 'cm-reader', '--verb=get,list', '--resource=configmaps']);
    await c.ok(['create', 'clusterrolebinding', 'bot-cm', '--clusterrole=cm-reader', '--serviceaccount=default:bot']);
    assert.equal((await bot(['auth', 'can-i', 'list', 'configmaps', '-n', 'other'])).stdout.trim(), 'yes');
    assert.equal((await bot(['get', 'configmaps', '-A'])).code, 0);
    assert.equal((await bot(['auth', 'can-i', 'list', 'pods'])).stdout.trim(), 'yes');
    assert.equal((await bot(['auth', 'can-i', 'list', 'pods', '-n', 'other'])).stdout.trim(), 'no');
  });

  test('auth can-i --list as the service account prints its rules', async () => {
    const r = await bot(['auth', 'can-i', '--list']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(lines[0], ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    assert.ok(lines.some((l) => l.join('|') === 'pods|[]|[]|[get list]'), r.stdout);
    assert.ok(lines.some((l) => l.join('|') === 'configmaps|[]|[]|[get list]'), r.stdout);
    assert.ok(lines.some((l) => l.join('|') === 'selfsubjectaccessreviews.authorization.k8s.io|[]|[]|[create]'), r.stdout);
    assert.ok(lines.some((l) => l.join('|') === '[/apis/*]|[]|[get]'), r.stdout);
  });

  test('the admin can act as the service account (--as)', async () => {
    assert.equal((await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'other', `--as=${BOT}`])).stdout.trim(), 'no');
    assert.equal((await c.kubectl(['auth', 'can-i', 'list', 'pods', `--as=${BOT}`])).stdout.trim(), 'yes');
    const r = await c.kubectl(['get', 'secrets', `--as=${BOT}`]);
    assert.match(r.stderr, new RegExp(`secrets is forbidden: User "${BOT}" cannot list resource "secrets"`));
    const denied = await bot(['get', 'pods', '--as=system:admin']);
    assert.match(denied.stderr, new RegExp(`Error from server \\(Forbidden\\): users "system:admin" is forbidden: User "${BOT}" cannot impersonate resource "users" in API group "" at the cluster scope`));
  });

  test('a TokenReview of the token returns the user', async () => {
    const review = JSON.parse(await c.ok(['create', '--validate=false', '-f', '-', '-o', 'json'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }))) as { status: { authenticated: boolean; user: { username: string; groups: string[] } } };
    assert.equal(review.status.authenticated, true);
    assert.equal(review.status.user.username, BOT);
  });

  test('deleting the service account invalidates its token (401)', async () => {
    await c.ok(['delete', 'serviceaccount', 'bot']);
    const r = await bot(['get', 'pods']);
    assert.equal(r.code, 1);
    // "(Unauthorized)" from a request's Status, or client-go's generic 401 text when discovery fails first.
    assert.match(r.stderr, /error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/);
  });
});

describe('workshop section 6: subresources kubectl drives', () => {
  const c = new Cluster();
  before(() => c.start());
  after(() => c.cleanup());

  test('scale --current-replicas mismatch, then scale', async () => {
    await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    const r = await c.kubectl(['scale', 'deployment', 'web', '--replicas=3', '--current-replicas=5']);
    assert.deepEqual([r.code, r.stderr.trim()], [1, 'error: Expected replicas to be 5, was 2']);
    assert.equal((await c.ok(['scale', 'deployment', 'web', '--replicas=3', '--current-replicas=2'])).trim(), 'deployment.apps/web scaled');
    assert.equal(await c.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']), '3');
  });

  test('logs, exec and port-forward of an unscheduled pod', async () => {
    await c.ok(['run', 'p', '--image=nginx']);
    // Upstream's LogLocation has no location for an unscheduled pod: 204, and kubectl prints nothing.
    assert.deepEqual(await c.kubectl(['logs', 'p']), { code: 0, stdout: '', stderr: '' });
    assert.match((await c.kubectl(['exec', 'p', '--', 'ls'])).stderr, /pod p does not have a host assigned/);
  });

  test('namespace lifecycle', async () => {
    assert.equal((await c.kubectl(['delete', 'namespace', 'default'])).stderr.trim(), 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
    assert.equal((await c.kubectl(['delete', 'namespace', 'kube-system'])).stderr.trim(), 'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted');
    assert.equal((await c.kubectl(['run', 'x', '-n', 'nope', '--image=nginx'])).stderr.trim(), 'Error from server (NotFound): namespaces "nope" not found');
    await c.ok(['create', 'namespace', 'doomed']);
    await c.ok(['create', 'configmap', 'keep', '-n', 'doomed']);
    await c.kubectl(['delete', 'namespace', 'doomed', '--wait=false']);
    const r = await c.kubectl(['create', 'configmap', 'c', '-n', 'doomed']);
    assert.match(r.stderr, /configmaps "c" is forbidden: unable to create new content in namespace doomed because it is being terminated/);
  });
});

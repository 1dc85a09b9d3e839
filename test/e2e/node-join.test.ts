// `k8ts agent --server URL --token TOKEN` joins a running server as a node (the token pins the
// cluster CA), and a server on a machine that cannot run pods says what is missing and goes on
// serving the API.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorkshopRegistry, type WorkshopRegistry } from '../fixtures/registry/workshop-registry.js';
import { BIN, Cluster, eventually, freePort } from './harness.js';

describe('k8ts agent joins a server', () => {
  let registry: WorkshopRegistry;
  const c = new Cluster(['--cluster-cidr', '10.199.7.0/24']);
  const agentDir = mkdtempSync(join(tmpdir(), 'k8ts-agent-'));
  let agent: ChildProcess | undefined;
  let agentLog = '';
  before(async () => {
    registry = await startWorkshopRegistry();
    writeFileSync(join(agentDir, 'registries.yaml'), registry.registriesYaml);
    await c.start();
  });
  after(async () => {
    if (agent && agent.exitCode === null) await new Promise((r) => { agent!.once('exit', r); agent!.kill('SIGKILL'); });
    await new Promise((r) => execFile(BIN, ['killall', '--data-dir', agentDir], r));
    rmSync(agentDir, { recursive: true, force: true });
    await c.cleanup();
    await registry?.stop();
  });

  const startAgent = async (token: string) => {
    const proc = spawn(BIN, ['agent', '--server', `https://127.0.0.1:${c.port}`, '--token', token, '--data-dir', agentDir, '--node-name', 'joiner', '--node-ip', '127.0.0.1', '--kubelet-port', String(await freePort()), '--private-registry', join(agentDir, 'registries.yaml'), '--disable-default-registry-endpoint'], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => (agentLog += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (agentLog += d.toString()));
    return proc;
  };

  test('a token whose CA hash does not match is refused', async () => {
    const token = readFileSync(join(c.dataDir, 'server', 'node-token'), 'utf8').trim();
    const forged = token.replace(/^K10[0-9a-f]{4}/, 'K100000');
    const proc = await startAgent(forged);
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    assert.equal(code, 1);
    assert.match(agentLog, /presents a CA whose hash does not match the token/);
  });

  test('the node token joins a node that runs pods, and logs reach it through the API server', async () => {
    const token = readFileSync(join(c.dataDir, 'server', 'node-token'), 'utf8').trim();
    assert.match(token, /^K10[0-9a-f]{64}::ey/);
    agent = await startAgent(token);
    await eventually('node joiner Ready', async () => /^joiner\s+Ready\s/m.test((await c.kubectl(['get', 'nodes', '--no-headers'])).stdout));
    await c.ok(['run', 'hello', '--image=busybox', '--restart=Never', '--', 'echo', 'hello from joiner']);
    await eventually('hello Completed', async () => (await c.ok(['get', 'pod', 'hello', '--no-headers'])).includes('Completed'));
    assert.equal((await c.ok(['logs', 'hello'])).trim(), 'hello from joiner');
    assert.equal(await c.ok(['get', 'pod', 'hello', '-o', 'jsonpath={.spec.nodeName}']), 'joiner');
  });
});

describe('a server where pods cannot run', () => {
  // Not root: the agent cannot make namespaces, mounts or cgroups.
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-nonroot-'));
  chownSync(dataDir, 65534, 65534);
  const c = new Cluster([], dataDir, { agent: true });
  let server: ChildProcess | undefined;
  after(async () => {
    if (server && server.exitCode === null) await new Promise((r) => { server!.once('exit', r); server!.kill('SIGKILL'); });
    await c.cleanup();
  });

  test('says what is missing and keeps serving the API and controllers', async () => {
    c.port = await freePort();
    let logs = '';
    server = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', BIN, 'server', '--data-dir', dataDir, '--https-listen-port', String(c.port), '--kubelet-port', String(await freePort())], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dataDir } });
    server.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
    await eventually('the message on stderr', async () => /the node agent cannot run pods here; missing: root/.test(logs), 30_000);
    await eventually('the server ready', async () => logs.includes('k8ts is ready'), 30_000);
    assert.match(await c.ok(['get', 'namespaces']), /kube-system\s+Active/);
    await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await eventually('the ReplicaSet made 2 pods', async () => (await c.ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2);
  });
});

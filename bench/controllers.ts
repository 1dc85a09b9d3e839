// Controller and scheduler figures for `npm run bench`: drives the built bin/k8ts with simulated
// nodes over HTTPS on loopback and writes bench/results/controllers.json (and prints it).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, freePort } from '../test/e2e/harness.js';
import { pct, rssMb, saveResults } from './common.js';

interface Reply { status: number; body: string }

interface Server {
  port: number;
  pid: number;
  kubeconfig: string;
  req(method: string, path: string, body?: unknown, contentType?: string): Promise<Reply>;
  /** Streams a watch; `onLine` gets each raw event line with the time it arrived. */
  watch(path: string, onLine: (line: string, at: number) => void): Promise<ClientRequest>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => +x.toFixed(d);


async function startServer(simulatedNodes: number, extraArgs: string[] = []): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-ctl-'));
  const port = await freePort();
  // BENCH_SERVER_PROF=<dir> writes a CPU profile of the server (for finding where time goes).
  const prof = process.env.BENCH_SERVER_PROF;
  const cmd = prof ? process.execPath : BIN;
  const pre = prof ? ['--cpu-prof', '--cpu-prof-dir', prof, BIN] : [];
  // A /14 holds a /24 for each of 1,000 nodes (the default /16 holds 256), as a real cluster of that size needs.
  const proc = spawn(cmd, [...pre, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--simulated-nodes', String(simulatedNodes), '--cluster-cidr', '10.64.0.0/14', '--disable-agent', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
  // A benchmark that fails half-way must not leave its server running.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const probe = new Agent({ rejectUnauthorized: false });
  const t0 = performance.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ok = await new Promise<boolean>((res) => {
      const r = request({ host: '127.0.0.1', port, path: '/readyz', agent: probe }, (resp) => {
        resp.resume();
        res(resp.statusCode === 200);
      });
      r.on('error', () => res(false));
      r.end();
    });
    if (ok) break;
    await sleep(20);
    if (performance.now() - t0 > 60_000) throw new Error(`not ready after 60 s: ${stderr}`);
  }
  probe.destroy();
  const kc = readFileSync(join(dataDir, 'kubeconfig.yaml'), 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(kc)![1], 'base64').toString();
  const tls = { ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') };
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ...tls });
  const watchAgent = new Agent({ keepAlive: false, ...tls });
  const server: Server = {
    port,
    pid: proc.pid!,
    kubeconfig: join(dataDir, 'kubeconfig.yaml'),
    req(method, path, body, contentType = 'application/json') {
      const data = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((res, rej) => {
        const r = request({ host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': contentType, ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) } }, (resp) => {
          const chunks: Buffer[] = [];
          resp.on('data', (c: Buffer) => chunks.push(c));
          resp.on('end', () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        r.on('error', rej);
        r.end(data);
      });
    },
    watch(path, onLine) {
      return new Promise((res, rej) => {
        const r = request({ host: '127.0.0.1', port, path, agent: watchAgent }, (resp) => {
          if (resp.statusCode !== 200) rej(new Error(`watch ${path}: ${resp.statusCode}`));
          let buf = '';
          resp.on('data', (d: Buffer) => {
            const at = performance.now();
            buf += d.toString();
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              onLine(buf.slice(0, i), at);
              buf = buf.slice(i + 1);
            }
          });
          resp.on('error', () => undefined);
          res(r);
        });
        r.on('error', () => undefined);
        r.end();
      });
    },
    async stop() {
      // BENCH_METRICS=<file> keeps the server's request counts (which requests a pod costs).
      if (process.env.BENCH_METRICS) writeFileSync(process.env.BENCH_METRICS, (await server.req('GET', '/metrics')).body);
      agent.destroy();
      watchAgent.destroy();
      if (proc.exitCode === null) {
        await new Promise<void>((res) => {
          proc.once('exit', () => res());
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

async function ok(s: Server, method: string, path: string, body?: unknown, want = [200, 201]): Promise<Reply> {
  const r = await s.req(method, path, body);
  if (!want.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
  return r;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Waits until `count` nodes report Ready, so the figures do not include node registration. */
async function nodesReady(s: Server, count: number): Promise<number> {
  const t0 = performance.now();
  await until(`${count} Ready nodes`, async () => {
    const r = await ok(s, 'GET', '/api/v1/nodes');
    const items = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items;
    return items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= count;
  }, 120_000, 250);
  return round(performance.now() - t0);
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function resourceVersion(s: Server, path: string): Promise<string> {
  return (JSON.parse((await ok(s, 'GET', `${path}?limit=1`)).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

/** The scheduling benches' pods in namespace sched: s-0..s-N, each asking for a little CPU and memory. */
async function createPods(s: Server, pods: number, concurrency: number): Promise<void> {
  await pool(pods, concurrency, async (i) => {
    await ok(s, 'POST', '/api/v1/namespaces/sched/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `s-${i}`, labels: { app: 'sched' } },
      spec: { containers: [{ name: 'main', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    });
  });
}

/** When each sched pod was first seen bound, and Running, from a watch started now. */
async function watchBindings(s: Server): Promise<{ boundAt: Map<string, number>; runningAt: Map<string, number>; watch: ClientRequest }> {
  const boundAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const rv = await resourceVersion(s, '/api/v1/namespaces/sched/pods');
  // Regexes instead of JSON.parse: the measuring client shares the 2 cores with the server.
  const watch = await s.watch(`/api/v1/namespaces/sched/pods?watch=true&resourceVersion=${rv}`, (line, at) => {
    if (!line.includes('"nodeName":"')) return;
    const name = /"name":"(s-\d+)"/.exec(line)?.[1];
    if (!name) return;
    if (!boundAt.has(name)) boundAt.set(name, at);
    if (!runningAt.has(name) && line.includes('"phase":"Running"')) runningAt.set(name, at);
  });
  return { boundAt, runningAt, watch };
}

// 1. Bare pods against 1,000 simulated nodes; a pods watch timestamps each pod's first event that
// carries spec.nodeName, so binding throughput can be told apart from creation throughput.
async function schedulingThroughput(nodes: number, pods: number, concurrency: number): Promise<Record<string, unknown>> {
  const s = await startServer(nodes);
  try {
    const nodesReadyMs = await nodesReady(s, nodes);
    await ok(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sched' } });
    const { boundAt, runningAt, watch: w } = await watchBindings(s);
    const t0 = performance.now();
    await createPods(s, pods, concurrency);
    const created = performance.now();
    const boundAtCreateEnd = boundAt.size;
    await until(`${pods} bound pods`, () => boundAt.size >= pods, 240_000, 50);
    await until(`${pods} running pods`, () => runningAt.size >= pods, 240_000, 50);
    w.destroy();
    const times = [...boundAt.values()].sort((a, b) => a - b);
    const first = times[0];
    const last = times[times.length - 1];
    const createSec = (created - t0) / 1000;
    const tailSec = (last - created) / 1000;
    return {
      nodes,
      pods,
      nodesReadyMs,
      createConcurrency: concurrency,
      createPodsPerSec: round(pods / createSec),
      boundWhileCreating: boundAtCreateEnd,
      // First create to last binding: the user-visible figure (bounded by creation if the scheduler keeps up).
      endToEndPodsPerSec: round(pods / ((last - t0) / 1000)),
      // First binding to last: the scheduler's own pace while pods keep arriving.
      bindPodsPerSec: round(pods / ((last - first) / 1000)),
      // Pods left unbound when creation finished, over the time to bind them: the pure backlog rate.
      backlogPodsPerSec: tailSec > 0.05 ? round((pods - boundAtCreateEnd) / tailSec) : null,
      createSec: round(createSec, 2),
      lastBindAfterCreateEndMs: round(last - created),
      // The simulated kubelets' side: first create to the last pod reported Running.
      allRunningAfterFirstCreateMs: round(Math.max(...runningAt.values()) - t0),
      serverRssMb: rssMb(s.pid),
      target: '>= 300 pods/s',
    };
  } finally {
    await s.stop();
  }
}

// 1b. The "10,000 pending pods": the server runs without its scheduler while the pods are
// created, then `k8ts scheduler --kubeconfig` (upstream's layout: its own process) starts against
// the backlog. Scheduling starts when that process is spawned; it includes its start-up and the
// initial list of 10,000 pods, so the first-to-last-binding rate is reported too.
async function backlogThroughput(nodes: number, pods: number, concurrency: number): Promise<Record<string, unknown>> {
  const s = await startServer(nodes, ['--disable-scheduler']);
  let sched: ReturnType<typeof spawn> | undefined;
  try {
    const nodesReadyMs = await nodesReady(s, nodes);
    await ok(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sched' } });
    const t0 = performance.now();
    await createPods(s, pods, concurrency);
    const createSec = (performance.now() - t0) / 1000;
    const { boundAt, runningAt, watch: w } = await watchBindings(s);
    const prof = process.env.BENCH_SERVER_PROF;
    const t1 = performance.now();
    sched = spawn(prof ? process.execPath : BIN, [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof, BIN] : []), 'scheduler', '--kubeconfig', s.kubeconfig], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
    await until(`${pods} bound pods (standalone scheduler)`, () => boundAt.size >= pods, 240_000, 50);
    await until(`${pods} running pods`, () => runningAt.size >= pods, 240_000, 50);
    w.destroy();
    const times = [...boundAt.values()].sort((a, b) => a - b);
    const first = times[0];
    const last = times[times.length - 1];
    return {
      nodes,
      pods,
      nodesReadyMs,
      createConcurrency: concurrency,
      createPodsPerSec: round(pods / createSec),
      scheduler: 'k8ts scheduler --kubeconfig (own process), started once all pods were pending',
      // Scheduler spawn to last binding: what a user waits for.
      podsPerSec: round(pods / ((last - t1) / 1000)),
      firstBindAfterStartMs: round(first - t1),
      bindPodsPerSec: round(pods / ((last - first) / 1000)),
      allBoundMs: round(last - t1),
      // The simulated kubelets' side: every pod reported Running (their status writes load the
      // same API server), from the scheduler's start.
      allRunningMs: round(Math.max(...runningAt.values()) - t1),
      runningPodsPerSec: round(pods / ((Math.max(...runningAt.values()) - t1) / 1000)),
      serverRssMb: rssMb(s.pid),
      target: '>= 300 pods/s',
    };
  } finally {
    if (sched && sched.exitCode === null) {
      const p = sched;
      await new Promise<void>((res) => {
        p.once('exit', () => res());
        p.kill('SIGTERM');
        setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
      });
    }
    await s.stop();
  }
}


// 2 and 3 share one server: a 1,000-replica Deployment, then a ReplicaSet whose pods are deleted.
async function deploymentAndReaction(nodes: number, replicas: number, deletions: number): Promise<Record<string, unknown>> {
  const s = await startServer(nodes);
  try {
    const nodesReadyMs = await nodesReady(s, nodes);
    // 2. POST deployment → status.availableReplicas == replicas, seen on a deployments watch.
    await ok(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'deploy' } });
    const drv = await resourceVersion(s, '/apis/apps/v1/namespaces/deploy/deployments');
    let availableAt = 0;
    let lastAvailable = 0;
    const dw = await s.watch(`/apis/apps/v1/namespaces/deploy/deployments?watch=true&resourceVersion=${drv}`, (line, at) => {
      const m = /"availableReplicas":(\d+)/.exec(line);
      if (!m) return;
      lastAvailable = Number(m[1]);
      if (lastAvailable >= replicas && !availableAt) availableAt = at;
    });
    const labels = { app: 'big' };
    const t0 = performance.now();
    await ok(s, 'POST', '/apis/apps/v1/namespaces/deploy/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big' },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } },
    });
    await until(`deployment availableReplicas=${replicas} (at ${lastAvailable})`, () => availableAt > 0, 120_000, 20);
    dw.destroy();
    const deployment = { replicas, nodes, nodesReadyMs, fullyAvailableMs: round(availableAt - t0), simulatedStartupDelayMs: 500, target: '< 10000 ms' };

    // 3. Delete one ReplicaSet pod at a time; the replacement's ADDED event ends each sample.
    await ok(s, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'react' } });
    const rsLabels = { app: 'react' };
    await ok(s, 'POST', '/apis/apps/v1/namespaces/react/replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs' },
      spec: { replicas: 10, selector: { matchLabels: rsLabels }, template: { metadata: { labels: rsLabels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
    });
    const listPods = async () => (JSON.parse((await ok(s, 'GET', '/api/v1/namespaces/react/pods')).body) as { items: { metadata: { name: string; deletionTimestamp?: string } }[] }).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
    await until('10 ReplicaSet pods', async () => (await listPods()).length >= 10, 30_000);
    const prv = await resourceVersion(s, '/api/v1/namespaces/react/pods');
    let waiter: ((at: number) => void) | undefined;
    const pw = await s.watch(`/api/v1/namespaces/react/pods?watch=true&resourceVersion=${prv}`, (line, at) => {
      if (line.startsWith('{"type":"ADDED"') && waiter) waiter(at);
    });
    const latencies: number[] = [];
    let names = await listPods();
    for (let i = 0; i < deletions; i++) {
      const victim = names[i % names.length];
      const added = new Promise<number>((res) => (waiter = res));
      const timeout = sleep(5000).then(() => -1);
      // Default grace period, as `kubectl delete pod` does: the ReplicaSet controller stops
      // counting a pod once it has a deletionTimestamp, so the replacement does not wait for the node.
      await ok(s, 'DELETE', `/api/v1/namespaces/react/pods/${victim}`, undefined, [200, 202]);
      const t = performance.now();
      const at = await Promise.race([added, timeout]);
      waiter = undefined;
      if (at < 0) throw new Error(`no replacement pod after deleting ${victim}`);
      latencies.push(Math.max(0, at - t));
      await sleep(20);
      names = await listPods();
    }
    pw.destroy();
    const reaction = {
      replicas: 10,
      deletions,
      p50Ms: pct(latencies, 50, 2),
      p99Ms: pct(latencies, 99, 2),
      maxMs: round(Math.max(...latencies), 2),
      measuredFrom: 'DELETE response to ADDED event of the replacement on a pods watch',
      target: 'p99 < 100 ms',
    };
    return { deployment, reaction };
  } finally {
    await s.stop();
  }
}

export async function controllersBench(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version } };
  // BENCH_ONLY=backlog|scheduling|deployment runs one part (for profiling); its results are printed, not saved.
  const only = process.env.BENCH_ONLY;
  const nodes = Number(process.env.BENCH_NODES ?? 1000);
  const pods = Number(process.env.BENCH_SCHED_PODS ?? 10_000);
  // The figure: a backlog of pending pods for a scheduler that starts on it (BENCH_BACKLOG=0 skips it).
  if (only === 'backlog' || (!only && process.env.BENCH_BACKLOG !== '0')) results.schedulingBacklog = await backlogThroughput(nodes, pods, 16);
  if (!only || only === 'scheduling') results.scheduling = await schedulingThroughput(nodes, pods, 16);
  if (!only || only === 'deployment') Object.assign(results, await deploymentAndReaction(Number(process.env.BENCH_DEPLOY_NODES ?? 100), Number(process.env.BENCH_REPLICAS ?? 1000), 50));
  if (only) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    return results;
  }
  saveResults('controllers', results);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await controllersBench();

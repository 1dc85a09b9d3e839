// `npm run bench`: measures the built bin/k8ts as a user meets it (over HTTPS on loopback) and
// writes the figures as JSON to bench/results/apiserver.json (and prints them).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, freePort } from '../test/e2e/harness.js';
import { pct, rssMb, saveResults } from './common.js';
import { agentPreconditions } from '../src/roles/agent.js';
import { nodeBench } from './node.js';
import { controllersBench } from './controllers.js';

interface Client {
  req(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
}

function client(port: number, kubeconfig: string): Client {
  const kc = readFileSync(kubeconfig, 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(kc)![1], 'base64').toString();
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') });
  return {
    req(method, path, body) {
      const data = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((res, rej) => {
        const r = request({ host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': 'application/json', ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) } }, (resp) => {
          const chunks: Buffer[] = [];
          resp.on('data', (c: Buffer) => chunks.push(c));
          resp.on('end', () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        r.on('error', rej);
        r.end(data);
      });
    },
  };
}


async function startServer(dataDir: string, port: number): Promise<{ pid: number; readyMs: number; stop(): Promise<void> }> {
  const t0 = performance.now();
  // BENCH_SERVER_PROF=<dir> writes CPU profiles of the server's threads (for finding where time goes).
  const prof = process.env.BENCH_SERVER_PROF;
  const pre = prof ? ['--cpu-prof', '--cpu-prof-dir', prof, BIN] : [];
  const proc = spawn(prof ? process.execPath : BIN, [...pre, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--disable-agent'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K8TS_LOG_LEVEL: 'warn' } });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // A benchmark that fails half-way must not leave its server running.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  proc.once('exit', () => process.off('exit', killOnExit));
  const agent = new Agent({ rejectUnauthorized: false });
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ok = await new Promise<boolean>((res) => {
      const r = request({ host: '127.0.0.1', port, path: '/readyz', agent }, (resp) => {
        resp.resume();
        res(resp.statusCode === 200);
      });
      r.on('error', () => res(false));
      r.end();
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
    if (performance.now() - t0 > 30_000) throw new Error(`not ready after 30 s: ${stderr}`);
  }
  const readyMs = performance.now() - t0;
  return {
    pid: proc.pid!,
    readyMs,
    stop: () => new Promise((res) => {
      proc.once('exit', () => res());
      proc.kill('SIGTERM');
    }),
  };
}


function pod(i: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
    spec: { containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

async function inBatches<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

/** Writes the server has answered so far, from its own /metrics (the bench's own included). */
async function writesServed(c: Client): Promise<number> {
  const m = (await c.req('GET', '/metrics')).body;
  let n = 0;
  for (const line of m.split('\n')) if (line.startsWith('apiserver_request_total{') && /verb="(POST|PUT|PATCH|DELETE)"/.test(line)) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

/**
 * Waits until the cluster's own components stop writing (no write for a second): the scheduler
 * answers each of the bench's pods (there are no nodes, so with a FailedScheduling status), and
 * the single-client figures should measure the API server with the pods stored, not behind that
 * backlog. Returns how long it took.
 */
async function settle(c: Client): Promise<number> {
  const t0 = performance.now();
  let last = await writesServed(c);
  for (let quiet = 0; quiet < 4 && performance.now() - t0 < 120_000; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await writesServed(c);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return +(performance.now() - t0).toFixed(0);
}

async function watchLatency(port: number, kubeconfig: string, c: Client, watchers: number, updates: number): Promise<{ latencies: number[]; warmupMaxMs: number }> {
  const kc = readFileSync(kubeconfig, 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(kc)![1], 'base64').toString();
  const agent = new Agent({ keepAlive: true, maxSockets: watchers + 8, ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') });
  const list = JSON.parse((await c.req('GET', '/api/v1/namespaces/default/pods?limit=1')).body) as { metadata: { resourceVersion: string } };
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const warmup: number[] = [];
  const requests: ReturnType<typeof request>[] = [];
  let ready = 0;
  await new Promise<void>((resolve) => {
    for (let w = 0; w < watchers; w++) {
      const r = request({ host: '127.0.0.1', port, agent, path: `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${list.metadata.resourceVersion}&fieldSelector=metadata.name%3Dbench-0` }, (resp) => {
        let buf = '';
        resp.on('data', (d: Buffer) => {
          buf += d.toString();
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            // Find the mark without parsing the whole event: the measuring client should cost
            // as little as possible, since it shares the machine with the server.
            const mark = /"mark":"(warmup|m\d+)"/.exec(line)?.[1];
            const t = mark && sentAt.get(mark);
            if (t) (mark === 'warmup' ? warmup : latencies).push(performance.now() - t);
          }
        });
        if (++ready === watchers) resolve();
      });
      r.end();
      requests.push(r);
    }
  });
  // Update -1 is a warm-up whose latency is reported apart: the first event after 100 fresh
  // watches also pays one-time costs (lazy code paths, first TLS record on each stream).
  for (let u = -1; u < updates; u++) {
    const mark = u < 0 ? 'warmup' : `m${u}`;
    sentAt.set(mark, performance.now());
    const body = JSON.stringify({ metadata: { annotations: { mark } } });
    await new Promise<void>((res, rej) => {
      const r = request({ host: '127.0.0.1', port, agent, method: 'PATCH', path: '/api/v1/namespaces/default/pods/bench-0', headers: { 'content-type': 'application/merge-patch+json', 'content-length': Buffer.byteLength(body) } }, (resp) => {
        resp.resume();
        resp.on('end', () => res());
      });
      r.on('error', rej);
      r.end(body);
    });
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 5000;
  while (latencies.length < watchers * updates && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const r of requests) r.destroy();
  agent.destroy();
  return { latencies, warmupMaxMs: +Math.max(...warmup).toFixed(1) };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version } };
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  try {
    // Cold start: a fresh data dir (first start also makes the CA), then a restart on it.
    const port = await freePort();
    const first = await startServer(dir, port);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = rssMb(first.pid);
    await first.stop();
    const second = await startServer(dir, port);
    results.coldStartFirstMs = +first.readyMs.toFixed(1);
    results.coldStartMs = +second.readyMs.toFixed(1);
    results.idleRssMb = idleRss;

    const kubeconfig = join(dir, 'kubeconfig.yaml');
    const c = client(port, kubeconfig);
    const N = Number(process.env.BENCH_PODS ?? 10_000);
    const createMs = await inBatches(N, 8, async (i) => {
      const t = performance.now();
      const r = await c.req('POST', '/api/v1/namespaces/default/pods', pod(i));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.body}`);
      return performance.now() - t;
    });
    results.pods = N;
    results.createUnderLoadMs = { p50: pct(createMs, 50, 3), p99: pct(createMs, 99, 3), concurrency: 8 };
    results.settledAfterCreatesMs = await settle(c);
    // Latency as one client sees it, with the 10,000 pods stored: create 1,000 more, one at a time.
    const seqCreateMs = await inBatches(1000, 1, async (i) => {
      const t = performance.now();
      const r = await c.req('POST', '/api/v1/namespaces/default/pods', pod(N + i));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.body}`);
      return performance.now() - t;
    });
    results.createMs = { p50: pct(seqCreateMs, 50, 3), p99: pct(seqCreateMs, 99, 3) };
    for (let i = 0; i < 1000; i++) await c.req('DELETE', `/api/v1/namespaces/default/pods/bench-${N + i}`);
    await settle(c);
    const getMs = await inBatches(2000, 1, async (i) => {
      const t = performance.now();
      const r = await c.req('GET', `/api/v1/namespaces/default/pods/bench-${(i * 7919) % N}`);
      if (r.status !== 200) throw new Error(`get failed: ${r.status}`);
      return performance.now() - t;
    });
    results.getMs = { p50: pct(getMs, 50, 3), p99: pct(getMs, 99, 3) };
    // Request sent to last byte received; the client's own JSON.parse is timed apart.
    const listRuns: number[] = [];
    let parseMs = 0;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = await c.req('GET', '/api/v1/pods');
      listRuns.push(performance.now() - t);
      const p0 = performance.now();
      if (r.status !== 200 || (JSON.parse(r.body) as { items: unknown[] }).items.length !== N) throw new Error('list failed');
      parseMs = performance.now() - p0;
      bytes = Buffer.byteLength(r.body);
    }
    results.listAllPodsMs = { best: +Math.min(...listRuns).toFixed(1), runs: listRuns.map((x) => +x.toFixed(1)), responseMB: +(bytes / 1e6).toFixed(1), clientParseMs: +parseMs.toFixed(1) };
    const { latencies: lat, warmupMaxMs } = await watchLatency(port, kubeconfig, c, 100, 50);
    results.watchDelivery = { watchers: 100, updates: 50, delivered: lat.length, p50Ms: pct(lat, 50, 3), p99Ms: pct(lat, 99, 3), firstEventMaxMs: warmupMaxMs, measuredFrom: 'PATCH sent' };
    results.rssAfterLoadMb = rssMb(second.pid);
    await second.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  saveResults('apiserver', results);
}

await main();
// BENCH_ONLY=api stops after the API server figures.
if (process.env.BENCH_ONLY === 'api') process.exit(0);
// Controller and scheduler figures (bench/controllers.ts) → bench/results/controllers.json.
await controllersBench();
// Real pods on the node agent (bench/node.ts) → bench/results/node.json; needs root and runc.
const missing = agentPreconditions();
if (missing.length) process.stderr.write(`bench: node agent figures not measured, this machine lacks: ${missing.join(', ')}\n`);
else await nodeBench();

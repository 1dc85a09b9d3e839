// Starts the built bin/k8ts on a free loopback port with its own data dir, and runs the real
// kubectl against it with a fresh discovery cache, as a user would.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:https';
import { freePort } from '../fixtures/registry/registry.js';
import { startWorkshopRegistry, type WorkshopRegistry } from '../fixtures/registry/workshop-registry.js';

/** The checkout: the nearest folder above this file with bin/k8ts (works from src and dist). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'k8ts'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the k8ts checkout');
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const BIN = join(ROOT, 'bin', 'k8ts');

// Re-exported: e2e tests and bench/ take their ports from here.
export { freePort };

/** Polls `check` until it returns something truthy (returned), or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Cluster {
  proc?: ChildProcess;
  readonly dataDir: string;
  readonly cacheDir: string;
  port = 0;
  logs = '';

  /** Arguments that give an agent-running cluster host-wide names of its own (set on first start). */
  private agentArgs?: string[];

  /** The stand-in image registry this cluster started (opts.images). */
  registry?: WorkshopRegistry;

  /**
   * `agent`: run the real node agent (root, runc). Its pod network gets a /24 of its own, derived
   * from the API port, so clusters of parallel test files never share addresses; its kubelet
   * serves on 127.0.0.1 (tests only talk to loopback). Without it the cluster runs no agent.
   * `images`: pull through a loopback registry of the workshop's stand-in images, started with the
   * cluster and stopped by cleanup().
   */
  constructor(readonly extraArgs: string[] = [], dataDir?: string, readonly opts: { agent?: boolean; images?: boolean } = {}) {
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
    this.cacheDir = mkdtempSync(join(tmpdir(), 'k8ts-kcache-'));
  }

  get kubeconfig(): string {
    return join(this.dataDir, 'kubeconfig.yaml');
  }

  async start(port?: number): Promise<void> {
    this.port = port ?? (this.port || (await freePort()));
    this.logs = '';
    if (!this.opts.agent) this.agentArgs = ['--disable-agent'];
    if (!this.agentArgs) {
      const registries = join(this.dataDir, 'registries.yaml');
      if (this.opts.images) {
        this.registry = await startWorkshopRegistry();
        writeFileSync(registries, this.registry.registriesYaml);
      }
      const cidr = `10.${200 + ((this.port >> 8) % 50)}.${this.port & 255}.0/24`;
      this.agentArgs = ['--node-ip', '127.0.0.1', '--kubelet-port', String(await freePort()), '--cluster-cidr', cidr, '--private-registry', registries, '--disable-default-registry-endpoint'];
    }
    const proc = spawn(BIN, ['server', '--data-dir', this.dataDir, '--https-listen-port', String(this.port), '--bind-address', '127.0.0.1', ...this.agentArgs, ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, K8TS_LOG_LEVEL: 'warn' },
    });
    this.proc = proc;
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`k8ts did not become ready in 30s:\n${this.logs}`)), 30_000);
      const onData = (d: Buffer) => {
        this.logs += d.toString();
        if (this.logs.includes('k8ts is ready')) {
          clearTimeout(timer);
          res();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (d: Buffer) => (this.logs += d.toString()));
      proc.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`k8ts exited with ${code}:\n${this.logs}`));
      });
    });
  }

  /** SIGKILL, as a crash would. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return Promise.resolve();
    return new Promise((res) => {
      p.once('exit', () => res());
      p.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }

  async cleanup(): Promise<void> {
    await this.kill('SIGKILL');
    // Pods outlive their agent: stop them and remove their namespaces, links and mounts.
    if (this.opts.agent) await this.killAll();
    await this.registry?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.cacheDir, { recursive: true, force: true });
  }

  /** `k8ts killall` for this cluster's data dir. */
  killAll(): Promise<string> {
    return new Promise((res, rej) => {
      execFile(BIN, ['killall', '--data-dir', this.dataDir], { timeout: 120_000 }, (err, stdout, stderr) => (err ? rej(new Error(`k8ts killall failed: ${stderr}`)) : res(stdout)));
    });
  }

  kubectl(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((res) => {
      const child = execFile('kubectl', ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], { timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, KUBECONFIG: this.kubeconfig } }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        res({ code, stdout, stderr });
      });
      if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
      else child.stdin!.end();
    });
  }

  /** Asserts kubectl succeeds and returns its stdout. */
  async ok(args: string[], stdin?: string): Promise<string> {
    const r = await this.kubectl(args, { stdin });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** A raw HTTPS request with the admin certificate (or none), for what kubectl cannot send. */
  raw(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}, asAdmin = true): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const kc = readFileSync(this.kubeconfig, 'utf8');
    const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(kc)![1], 'base64').toString();
    return new Promise((res, rej) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, method, path, headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) }, ca: field('certificate-authority-data'), ...(asAdmin ? { cert: field('client-certificate-data'), key: field('client-key-data') } : {}) },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', rej);
      req.end(body);
    });
  }
}

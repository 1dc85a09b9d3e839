// Test fixtures for the runtime: a busybox image layer built from the host's static busybox (a
// stand-in for a pulled image), an image-service stub, a loopback-only pod network, CRI config
// builders, and a cleanup that removes everything a test made even when the test failed.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync, symlinkSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerConfig, Image, ImageConfig, ImageService, PodSandboxConfig } from '../cri/types.js';
import { run } from './command.js';
import { runtimeMissing } from './preconditions.js';
import type { PodNetworkProvider, PodNetworkResult } from './sandbox.js';

export const BUSYBOX = '/usr/bin/busybox';

export function checkPreconditions(): void {
  const missing = runtimeMissing();
  if (!existsSync(BUSYBOX)) missing.push(`${BUSYBOX} (busybox-static)`);
  if (missing.length > 0) throw new Error(`runtime tests need: ${missing.join(', ')} (see scripts/ensure-deps.sh)`);
}

/** One unpacked layer: busybox with its applets, users root/app(1000)/nobody, /www/index.html. */
export function buildBusyboxLayer(dir: string): void {
  for (const d of ['bin', 'etc', 'tmp', 'www', 'proc', 'sys', 'dev', 'root', 'home/app']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\napp:x:1000:\nwheel:x:10:app\nnogroup:x:65534:\n');
  writeFileSync(join(dir, 'www/index.html'), 'hello from k8ts runtime test\n');
}

/** An image service serving fixed images over one layer directory. */
/** `extraLayers` maps an image ref to layers stacked above the base layer (bottom first). */
export function imagesStub(layer: string, configs: Record<string, ImageConfig>, extraLayers: Record<string, string[]> = {}): Pick<ImageService, 'imageStatus' | 'layerDirs'> {
  const images = new Map<string, Image>();
  for (const [ref, config] of Object.entries(configs)) {
    const hex = Buffer.from(ref).toString('hex').padEnd(64, '0').slice(0, 64);
    images.set(ref, { id: `sha256:${hex}`, repoTags: [ref], repoDigests: [`${ref.split(':')[0]}@sha256:${hex}`], size: 1, config });
  }
  const find = (r: string): Image | undefined => images.get(r) ?? [...images.values()].find((i) => i.id === r);
  return {
    imageStatus: async (ref) => find(ref),
    layerDirs: async (id) => [layer, ...(extraLayers[[...images.entries()].find(([, i]) => i.id === id)?.[0] ?? ''] ?? [])],
  };
}

/** A pod network with only loopback: `ip netns add <prefix><id>`, lo up. */
export class LoopbackNetwork implements PodNetworkProvider {
  readonly made = new Set<string>();
  constructor(private readonly prefix: string) {}
  name(id: string): string { return `${this.prefix}${id.slice(0, 12)}`; }
  async setUp(id: string): Promise<PodNetworkResult> {
    const n = this.name(id);
    this.made.add(n);
    await run('ip', ['netns', 'add', n]);
    await run('ip', ['-n', n, 'link', 'set', 'lo', 'up']);
    return { netnsPath: `/var/run/netns/${n}`, ip: '', gateway: '', prefixLength: 0 };
  }
  async tearDown(id: string): Promise<void> {
    const n = this.name(id);
    if (existsSync(`/var/run/netns/${n}`)) await run('ip', ['netns', 'del', n]);
  }
}

export function sandboxConfig(name: string, logDirectory: string, cgroupParent: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 },
    hostname: name,
    logDirectory,
    labels: { app: name },
    annotations: {},
    cgroupParent,
    dnsConfig: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
    ...extra,
  };
}

export function containerConfig(name: string, image: string, over: Partial<ContainerConfig> = {}, sc: ContainerConfig['linux']['securityContext'] = {}, res: ContainerConfig['linux']['resources'] = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image,
    command: [],
    args: [],
    workingDir: '',
    envs: [],
    mounts: [],
    labels: { container: name },
    annotations: {},
    logPath: `${name}/0.log`,
    stdin: false,
    stdinOnce: false,
    tty: false,
    linux: { resources: res, securityContext: sc },
    ...over,
  };
}

export interface TestEnv { tmp: string; runDir: string; runcRoot: string; stateDir: string; cgroupParentBase: string; layer: string; netPrefix: string }

export function makeTestEnv(): TestEnv {
  const rand = Math.random().toString(16).slice(2, 10);
  const tmp = mkdtempSync(join(tmpdir(), 'k8tB-'));
  const layer = join(tmp, 'layer');
  buildBusyboxLayer(layer);
  const runDir = `/run/k8ts-test-b/${rand}`;
  return { tmp, runDir, runcRoot: join(runDir, 'runc'), stateDir: join(tmp, 'agent'), cgroupParentBase: `k8ts-test-b/${rand}`, layer, netPrefix: `k8b-${rand.slice(0, 3)}` };
}

/** Removes whatever is left: containers, mounts, netns, cgroups, files. Safe to call twice. */
export async function cleanupTestEnv(env: TestEnv, net: LoopbackNetwork): Promise<void> {
  const list = await run('runc', ['--root', env.runcRoot, 'list', '-q']);
  for (const id of list.stdout.split('\n').filter(Boolean)) await run('runc', ['--root', env.runcRoot, 'delete', '--force', id]);
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(env.tmp) || m.startsWith(env.runDir)).reverse();
  for (const m of mounts) await run('umount', ['-l', m]);
  for (const n of net.made) if (existsSync(`/var/run/netns/${n}`)) await run('ip', ['netns', 'del', n]);
  for (const ctl of readdirSync('/sys/fs/cgroup')) {
    const base = join('/sys/fs/cgroup', ctl, env.cgroupParentBase);
    if (existsSync(base)) removeCgroupTree(base);
    try { rmdirSync(join('/sys/fs/cgroup', ctl, 'k8ts-test-b')); } catch { /* others' still there */ }
  }
  rmSync(env.tmp, { recursive: true, force: true });
  rmSync(env.runDir, { recursive: true, force: true });
  try { rmdirSync('/run/k8ts-test-b'); } catch { /* another run's */ }
}

function removeCgroupTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroupTree(join(dir, e.name));
  try { rmdirSync(dir); } catch { /* busy: a process we did not kill */ }
}

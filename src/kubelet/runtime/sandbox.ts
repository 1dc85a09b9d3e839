// Pod sandboxes without a pause process: the pod's network namespace comes from the network module,
// its IPC and UTS namespaces are kept alive as bind-mounted ns files (hostname set once, there), and
// the pod's /etc/hosts, /etc/hostname, /etc/resolv.conf and /dev/shm live beside them. Records persist
// on disk so a restarted agent finds the same sandboxes.

import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PodSandboxConfig, PodSandboxState } from '../cri/types.js';
import { run, runOk } from './command.js';
import { hostnameFile, hostsFile, resolvConf } from './pod-files.js';

export interface PodNetworkResult { netnsPath: string; ip: string; gateway: string; prefixLength: number }

/** What the runtime needs from the pod network module (src/kubelet/network/pod-network.ts). */
export interface PodNetworkProvider {
  setUp(sandboxId: string): Promise<PodNetworkResult>;
  tearDown(sandboxId: string): Promise<void>;
}

export interface SandboxRecord {
  id: string;
  config: PodSandboxConfig;
  /** Nanoseconds since the epoch, as a decimal string (JSON has no bigint). */
  createdAt: string;
  state: PodSandboxState;
  /** Empty for hostNetwork pods. */
  netnsPath: string;
  ip: string;
}

export interface SandboxPaths {
  dir: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
  ipc: string;
  uts: string;
  shm: string;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

let tmpSeq = 0;

/** Unique temp names: two saves of the same record may overlap. */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.${++tmpSeq}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

/** A bind-mounted nsfs file lives on a different device than the directory holding it. */
function isMountedFile(path: string): boolean {
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

async function umountIfMounted(path: string): Promise<void> {
  if (!existsSync(path)) return;
  // Lazy unmount: a container still starting may hold it; the last user releases it.
  if (isMountedFile(path)) await run('umount', ['-l', path]);
}

export class SandboxManager {
  private readonly records = new Map<string, SandboxRecord>();
  private loaded = false;

  constructor(private readonly opts: {
    /** Persistent records: <stateDir>/sandboxes. */
    dir: string;
    /** Volatile state (ns files, shm): <runDir>/sandboxes. */
    runDir: string;
    network: PodNetworkProvider;
  }) {}

  paths(id: string): SandboxPaths {
    const dir = join(this.opts.dir, id);
    const rdir = join(this.opts.runDir, id);
    return {
      dir,
      hosts: join(dir, 'hosts'),
      hostname: join(dir, 'hostname'),
      resolvConf: join(dir, 'resolv.conf'),
      ipc: join(rdir, 'ipc'),
      uts: join(rdir, 'uts'),
      shm: join(rdir, 'shm'),
    };
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let names: string[] = [];
    try { names = await readdir(this.opts.dir); } catch { /* none yet */ }
    for (const id of names) {
      try {
        const rec = JSON.parse(await readFile(join(this.opts.dir, id, 'sandbox.json'), 'utf8')) as SandboxRecord;
        this.records.set(id, rec);
      } catch { /* half-created: ignored, removable by id */ }
    }
  }

  private async save(rec: SandboxRecord): Promise<void> {
    this.records.set(rec.id, rec);
    await writeFileAtomic(join(this.opts.dir, rec.id, 'sandbox.json'), JSON.stringify(rec));
  }

  async create(id: string, config: PodSandboxConfig): Promise<SandboxRecord> {
    await this.load();
    const p = this.paths(id);
    await mkdir(p.dir, { recursive: true, mode: 0o700 });
    await mkdir(dirname(p.ipc), { recursive: true, mode: 0o711 });
    const rec: SandboxRecord = { id, config, createdAt: nowNs().toString(), state: 'SANDBOX_NOTREADY', netnsPath: '', ip: '' };
    await this.save(rec);
    try {
      const nsSetup = (async () => {
        await writeFile(p.ipc, '');
        await writeFile(p.uts, '');
        await runOk('unshare', [`--ipc=${p.ipc}`, `--uts=${p.uts}`, 'hostname', config.hostname || 'localhost']);
        await mkdir(p.shm, { recursive: true, mode: 0o1777 });
        await runOk('mount', ['-t', 'tmpfs', '-o', 'nosuid,nodev,noexec,mode=1777,size=65536k', 'shm', p.shm]);
      })();
      const netSetup = config.hostNetwork ? Promise.resolve(undefined) : this.opts.network.setUp(id);
      const [, net] = await Promise.all([nsSetup, netSetup]);
      if (net) {
        rec.netnsPath = net.netnsPath;
        rec.ip = net.ip;
      }
      const hostHosts = config.hostNetwork ? await readFile('/etc/hosts', 'utf8').catch(() => '') : '';
      const hostResolv = config.dnsConfig ? '' : await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
      // Readable by container users other than root.
      await writeFileAtomic(p.hosts, hostsFile(config, rec.ip, hostHosts), 0o644);
      await writeFileAtomic(p.hostname, hostnameFile(config.hostname), 0o644);
      await writeFileAtomic(p.resolvConf, resolvConf(config.dnsConfig, hostResolv), 0o644);
      rec.state = 'SANDBOX_READY';
      await this.save(rec);
      return rec;
    } catch (e) {
      await this.remove(id).catch(() => undefined);
      throw e;
    }
  }

  async get(id: string): Promise<SandboxRecord | undefined> {
    await this.load();
    const rec = this.records.get(id);
    if (!rec) return undefined;
    // After a reboot the records survive but the namespaces do not.
    if (rec.state === 'SANDBOX_READY' && !isMountedFile(this.paths(id).ipc)) return { ...rec, state: 'SANDBOX_NOTREADY' };
    return rec;
  }

  async list(): Promise<SandboxRecord[]> {
    await this.load();
    const out: SandboxRecord[] = [];
    for (const id of this.records.keys()) {
      const r = await this.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  /** Frees the network; the IPC/UTS namespaces and files stay until remove (containers may still be deleted). */
  async stop(id: string): Promise<void> {
    await this.load();
    const rec = this.records.get(id);
    if (!rec) return;
    if (!rec.config.hostNetwork) await this.opts.network.tearDown(id);
    if (rec.state !== 'SANDBOX_NOTREADY') await this.save({ ...rec, state: 'SANDBOX_NOTREADY' });
  }

  async remove(id: string): Promise<void> {
    await this.load();
    const rec = this.records.get(id);
    if (rec && !rec.config.hostNetwork) await this.opts.network.tearDown(id).catch(() => undefined);
    const p = this.paths(id);
    for (const f of [p.ipc, p.uts, p.shm]) await umountIfMounted(f);
    await rm(dirname(p.ipc), { recursive: true, force: true });
    await rm(p.dir, { recursive: true, force: true });
    this.records.delete(id);
  }
}

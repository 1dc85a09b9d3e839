// The container runtime (the part containerd/CRI-O play): sandboxes from sandbox.ts, containers as runc
// bundles over an overlayfs rootfs, each watched by its own conmon. Everything it knows is on disk
// (<stateDir>/containers/<id>/, conmon's exit and oom files, runc's state), so a new instance after an
// agent restart sees the same containers in the same states and never starts anything twice.

import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type {
  ContainerConfig, ContainerState, ContainerStatus, ExecSyncResponse, ImageService, PodSandboxConfig,
  PodSandboxStatus, RuntimeService, StreamOptions, StreamSession,
} from '../cri/types.js';
import { attachBridgeAvailable, conmonAttachSession, conmonCtl } from './attach.js';
import { run, runOk, whichSync } from './command.js';
import { startConmon } from './conmon.js';
import { buildOciSpec, capabilitiesFromMask } from './oci-spec.js';
import { nowNs, SandboxManager, writeFileAtomic, type PodNetworkProvider, type SandboxRecord } from './sandbox.js';
import { logAttachSession, netnsConnect, runcExecSession, runcExecSync } from './streams.js';
import { resolveUser } from './user.js';

export interface RuncRuntimeOptions {
  /** <dataDir>/agent: sandboxes/ and containers/ go below it. */
  stateDir: string;
  images: Pick<ImageService, 'imageStatus' | 'layerDirs'>;
  network: PodNetworkProvider;
  /** Volatile state (namespace files, exit files, attach sockets). Default /run/k8ts. */
  runDir?: string;
  /** runc --root. Default <runDir>/runc. */
  runcRoot?: string;
  /** Where the cgroup v1 hierarchies are mounted. Default /sys/fs/cgroup. */
  cgroupRoot?: string;
  runcPath?: string;
  conmonPath?: string;
  /** Per-container log size cap (conmon truncates beyond it). Default 40 MiB. */
  logSizeMax?: number;
  log?: (msg: string) => void;
}

type Phase = 'created' | 'started' | 'exited';

/** What is persisted per container (containers/<id>/container.json). */
interface ContainerRecord {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  image: string;
  imageRef: string;
  stopSignal?: string;
  logPath: string;
  cgroupsPath: string;
  phase: Phase;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
  message: string;
}

const TERMINATION_MESSAGE_MAX = 4096;

function newId(): string {
  return randomBytes(32).toString('hex');
}

function labelsMatch(labels: Record<string, string>, selector?: Record<string, string>): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isMountPoint(path: string): boolean {
  try {
    return statSync(path).dev !== statSync(dirname(path)).dev;
  } catch {
    return false;
  }
}

/** Reads a small regular file inside a rootfs, refusing symlinks (they would resolve on the host). */
function readImageFile(rootfs: string, rel: string): string | undefined {
  let p = rootfs;
  try {
    for (const part of rel.split('/').filter(Boolean)) {
      if (part === '..') return undefined;
      p = join(p, part);
      if (lstatSync(p).isSymbolicLink()) return undefined;
    }
    const st = lstatSync(p);
    if (!st.isFile() || st.size > 1 << 20) return undefined;
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

export class RuncRuntime implements RuntimeService {
  private readonly stateDir: string;
  private readonly runDir: string;
  private readonly runcRoot: string;
  private readonly cgroupRoot: string;
  private readonly runc: string;
  private readonly conmon: string;
  private readonly logSizeMax: number;
  private readonly sandboxes: SandboxManager;
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly inflight = new Map<string, Promise<void>>();
  private loaded: Promise<void> | undefined;
  private readonly log: (msg: string) => void;
  private readonly nofile = hostNofileLimit();
  private readonly capabilities = capabilitiesFromMask(/^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSafe('/proc/self/status') ?? '')?.[1] ?? '1ffffffffff');

  constructor(private readonly opts: RuncRuntimeOptions) {
    this.stateDir = opts.stateDir;
    this.runDir = opts.runDir ?? '/run/k8ts';
    this.runcRoot = opts.runcRoot ?? join(this.runDir, 'runc');
    this.cgroupRoot = opts.cgroupRoot ?? '/sys/fs/cgroup';
    this.runc = whichSync(opts.runcPath ?? 'runc');
    this.conmon = whichSync(opts.conmonPath ?? 'conmon');
    // A backstop: the kubelet rotates at 10 MiB; conmon truncates only a log that outgrew that fourfold.
    this.logSizeMax = opts.logSizeMax ?? 40 * 1024 * 1024;
    this.log = opts.log ?? (() => undefined);
    this.sandboxes = new SandboxManager({
      dir: join(this.stateDir, 'sandboxes'),
      runDir: join(this.runDir, 'sandboxes'),
      network: opts.network,
    });
  }

  // ---- paths and persistence ----

  private cdir(id: string): string { return join(this.stateDir, 'containers', id); }
  private bundle(id: string): string { return join(this.cdir(id), 'bundle'); }
  private get exitDir(): string { return join(this.runDir, 'exits'); }
  private get socketDir(): string { return join(this.runDir, 'sockets'); }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      let ids: string[] = [];
      try { ids = await readdir(join(this.stateDir, 'containers')); } catch { /* none */ }
      for (const id of ids) {
        try {
          const rec = JSON.parse(await readFile(join(this.cdir(id), 'container.json'), 'utf8')) as ContainerRecord;
          this.containers.set(id, rec);
        } catch { /* creation never finished: removable by id */ }
      }
    })();
    return this.loaded;
  }

  private async save(rec: ContainerRecord): Promise<void> {
    this.containers.set(rec.id, rec);
    const f = join(this.cdir(rec.id), 'container.json');
    await writeFileAtomic(f, JSON.stringify(rec));
  }

  private runcArgs(...args: string[]): string[] {
    return ['--root', this.runcRoot, ...args];
  }

  // ---- version ----

  async version(): Promise<{ runtimeName: string; runtimeVersion: string }> {
    const out = await runOk(this.runc, ['--version']);
    const m = /runc version (\S+)/.exec(out);
    return { runtimeName: 'runc', runtimeVersion: (m?.[1] ?? 'unknown').split('+')[0]! };
  }

  // ---- sandboxes ----

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = newId();
    await this.sandboxes.create(id, config);
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.load();
    for (const c of [...this.containers.values()].filter((c) => c.sandboxId === podSandboxId)) {
      await this.stopContainer(c.id, 0);
    }
    await this.sandboxes.stop(podSandboxId);
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.load();
    for (const c of [...this.containers.values()].filter((c) => c.sandboxId === podSandboxId)) {
      await this.removeContainer(c.id);
    }
    const sb = await this.sandboxes.get(podSandboxId);
    await this.sandboxes.remove(podSandboxId);
    // runc creates the pod-level cgroup as a parent of the containers' but never removes it.
    if (sb) await this.removePodCgroup(sb.config.cgroupParent);
  }

  private async removePodCgroup(parent: string): Promise<void> {
    const rel = parent.replace(/^\/+|\/+$/g, '');
    if (!rel) return;
    let ctls: string[] = [];
    try { ctls = await readdir(this.cgroupRoot); } catch { return; }
    for (const ctl of ctls) await rmdir(join(this.cgroupRoot, ctl, rel)).catch(() => undefined);
  }

  private sandboxStatus(r: SandboxRecord): PodSandboxStatus {
    return {
      id: r.id,
      metadata: r.config.metadata,
      state: r.state,
      createdAt: BigInt(r.createdAt),
      network: { ip: r.ip, additionalIps: [] },
      netnsPath: r.netnsPath,
      labels: r.config.labels,
      annotations: r.config.annotations,
    };
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus | undefined> {
    const r = await this.sandboxes.get(podSandboxId);
    return r && this.sandboxStatus(r);
  }

  async listPodSandbox(filter?: { labelSelector?: Record<string, string> }): Promise<PodSandboxStatus[]> {
    const all = await this.sandboxes.list();
    return all.filter((r) => labelsMatch(r.config.labels, filter?.labelSelector)).map((r) => this.sandboxStatus(r));
  }

  // ---- containers ----

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    await this.load();
    const sb = await this.sandboxes.get(podSandboxId);
    if (!sb) throw new Error(`pod sandbox ${podSandboxId} not found`);
    if (sb.state !== 'SANDBOX_READY') throw new Error(`pod sandbox ${podSandboxId} is not ready`);
    const image = await this.opts.images.imageStatus(config.image);
    if (!image) throw new Error(`image ${config.image} not found`);
    const layers = await this.opts.images.layerDirs(image.id);

    const id = newId();
    const dir = this.cdir(id);
    const bundle = this.bundle(id);
    const rootfs = join(bundle, 'rootfs');
    const logPath = join(sandboxConfig.logDirectory, config.logPath);
    await mkdir(rootfs, { recursive: true, mode: 0o700 });
    await mkdir(join(dir, 'upper'), { mode: 0o755 });
    await mkdir(join(dir, 'work'), { mode: 0o700 });
    await mkdir(dirname(logPath), { recursive: true, mode: 0o750 });
    await mkdir(this.exitDir, { recursive: true, mode: 0o700 });
    await mkdir(this.socketDir, { recursive: true, mode: 0o700 });

    try {
      let lower = [...layers].reverse();
      if (lower.length === 0) {
        await mkdir(join(dir, 'empty'));
        lower = [join(dir, 'empty')];
      }
      await runOk('mount', ['-t', 'overlay', 'overlay', '-o',
        `lowerdir=${lower.join(':')},upperdir=${join(dir, 'upper')},workdir=${join(dir, 'work')}`, rootfs]);

      const sc = config.linux.securityContext;
      const user = resolveUser(sc, image.config.user, readImageFile(rootfs, 'etc/passwd'), readImageFile(rootfs, 'etc/group'));
      const sbPaths = this.sandboxes.paths(podSandboxId);
      const spec = buildOciSpec({
        containerId: id,
        config,
        sandbox: sandboxConfig,
        image: image.config,
        user,
        namespaces: { ...(sb.netnsPath ? { net: sb.netnsPath } : {}), ipc: sbPaths.ipc, uts: sbPaths.uts },
        sandboxFiles: { hosts: sbPaths.hosts, hostname: sbPaths.hostname, resolvConf: sbPaths.resolvConf, shm: sbPaths.shm },
        nofile: this.nofile,
        availableCapabilities: this.capabilities,
        swapAccounting: existsSync(join(this.cgroupRoot, 'memory', 'memory.memsw.limit_in_bytes')),
      });
      await writeFile(join(bundle, 'config.json'), JSON.stringify(spec), { mode: 0o600 });

      const rec: ContainerRecord = {
        id,
        sandboxId: podSandboxId,
        config,
        image: image.id,
        imageRef: image.repoDigests[0] ?? image.id,
        ...(image.config.stopSignal ? { stopSignal: image.config.stopSignal } : {}),
        logPath,
        cgroupsPath: spec.linux.cgroupsPath,
        phase: 'created',
        createdAt: nowNs().toString(),
        startedAt: '0',
        finishedAt: '0',
        exitCode: 0,
        reason: '',
        message: '',
      };
      await this.save(rec);
      await startConmon({
        conmonPath: this.conmon,
        runcPath: this.runc,
        runcRoot: this.runcRoot,
        containerId: id,
        name: `${sandboxConfig.metadata.namespace}_${sandboxConfig.metadata.name}_${config.metadata.name}`,
        bundle,
        logPath,
        logSizeMax: this.logSizeMax,
        exitDir: this.exitDir,
        persistDir: dir,
        socketDir: this.socketDir,
        containerPidFile: join(bundle, 'pidfile'),
        conmonPidFile: join(dir, 'conmon.pid'),
        tty: config.tty,
        stdin: config.stdin,
        stdinOnce: config.stdinOnce,
      });
      return id;
    } catch (e) {
      await this.cleanupContainer(id).catch(() => undefined);
      throw e;
    }
  }

  async startContainer(containerId: string): Promise<void> {
    const rec = await this.record(containerId);
    await this.refresh(rec);
    if (rec.phase !== 'created') throw new Error(`container ${containerId} is not in created state`);
    // Saved before `runc start`, so a crash in between is read back as started (the exit file decides).
    rec.phase = 'started';
    rec.startedAt = nowNs().toString();
    await this.save(rec);
    const r = await run(this.runc, this.runcArgs('start', containerId));
    if (r.code !== 0) {
      const msg = r.stderr.trim() || `runc start exited with ${r.code}`;
      await run(this.runc, this.runcArgs('kill', containerId, 'KILL'));
      Object.assign(rec, { phase: 'exited', exitCode: 128, reason: 'StartError', message: msg, finishedAt: nowNs().toString() });
      await this.save(rec);
      throw new Error(`failed to start container ${containerId}: ${msg}`);
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.load();
    const rec = this.containers.get(containerId);
    if (!rec) return;
    await this.refresh(rec);
    if (rec.phase === 'exited') return;
    if (timeoutSeconds > 0) {
      await run(this.runc, this.runcArgs('kill', containerId, rec.stopSignal ?? 'SIGTERM'));
      if (await this.waitExit(containerId, timeoutSeconds * 1000)) return void (await this.refresh(rec));
    }
    await run(this.runc, this.runcArgs('kill', containerId, 'KILL'));
    if (!(await this.waitExit(containerId, 10_000))) this.log(`container ${containerId} did not exit after SIGKILL`);
    await this.refresh(rec);
  }

  private async waitExit(id: string, ms: number): Promise<boolean> {
    const f = join(this.cdir(id), 'exit');
    const deadline = Date.now() + ms;
    for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
      if (existsSync(f) || !this.conmonAlive(id)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(delay);
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.load();
    const rec = this.containers.get(containerId);
    if (rec) {
      await this.refresh(rec);
      if (rec.phase !== 'exited') await this.stopContainer(containerId, 0);
    }
    await this.cleanupContainer(containerId);
  }

  private async cleanupContainer(id: string): Promise<void> {
    await run(this.runc, this.runcArgs('delete', '--force', id));
    const rootfs = join(this.bundle(id), 'rootfs');
    if (isMountPoint(rootfs)) await runOk('umount', [rootfs]).catch(() => run('umount', ['-l', rootfs]));
    await rm(this.cdir(id), { recursive: true, force: true });
    await rm(join(this.exitDir, id), { force: true });
    this.containers.delete(id);
  }

  async listContainers(filter?: { podSandboxId?: string; labelSelector?: Record<string, string> }): Promise<ContainerStatus[]> {
    await this.load();
    const out: ContainerStatus[] = [];
    for (const rec of [...this.containers.values()]) {
      if (filter?.podSandboxId && rec.sandboxId !== filter.podSandboxId) continue;
      if (!labelsMatch(rec.config.labels, filter?.labelSelector)) continue;
      // A concurrent removeContainer may delete the record under us: skip it rather than fail the list.
      await this.refresh(rec).catch((e: unknown) => this.log(`refresh ${rec.id}: ${String(e)}`));
      if (this.containers.has(rec.id)) out.push(this.status(rec));
    }
    return out;
  }

  async containerStatus(containerId: string): Promise<ContainerStatus | undefined> {
    await this.load();
    const rec = this.containers.get(containerId);
    if (!rec) return undefined;
    await this.refresh(rec).catch((e: unknown) => this.log(`refresh ${rec.id}: ${String(e)}`));
    return this.containers.has(containerId) ? this.status(rec) : undefined;
  }

  private status(rec: ContainerRecord): ContainerStatus {
    const state: ContainerState = rec.phase === 'created' ? 'CONTAINER_CREATED' : rec.phase === 'started' ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED';
    const st: ContainerStatus = {
      id: rec.id,
      podSandboxId: rec.sandboxId,
      metadata: rec.config.metadata,
      state,
      createdAt: BigInt(rec.createdAt),
      startedAt: BigInt(rec.startedAt),
      finishedAt: BigInt(rec.finishedAt),
      exitCode: rec.exitCode,
      image: rec.image,
      imageRef: rec.imageRef,
      reason: rec.reason,
      message: rec.message,
      labels: rec.config.labels,
      annotations: rec.config.annotations,
      logPath: rec.logPath,
    };
    if (rec.phase === 'started') {
      const pid = Number(readFileSafe(join(this.bundle(rec.id), 'pidfile')));
      if (pid > 0) st.pid = pid;
    }
    return st;
  }

  private async record(id: string): Promise<ContainerRecord> {
    await this.load();
    const rec = this.containers.get(id);
    if (!rec) throw new Error(`container ${id} not found`);
    return rec;
  }

  /** conmon writes its pid file; its command line names the container, which guards against pid reuse. */
  private conmonAlive(id: string): boolean {
    const pid = Number(readFileSafe(join(this.cdir(id), 'conmon.pid')));
    if (!(pid > 0)) return false;
    const cmdline = readFileSafe(`/proc/${pid}/cmdline`);
    return cmdline !== undefined && cmdline.includes(id);
  }

  /** Brings a record up to date with conmon's files; the one place a container becomes exited. */
  private refresh(rec: ContainerRecord): Promise<void> {
    if (rec.phase === 'exited') return Promise.resolve();
    const running = this.inflight.get(rec.id);
    if (running) return running;
    const p = this.doRefresh(rec).finally(() => this.inflight.delete(rec.id));
    this.inflight.set(rec.id, p);
    return p;
  }

  private async doRefresh(rec: ContainerRecord): Promise<void> {
    const dir = this.cdir(rec.id);
    const exitFile = join(dir, 'exit');
    let code = readFileSafe(exitFile);
    if (code === undefined) {
      if (this.conmonAlive(rec.id)) return;
      // conmon writes the exit file just before it exits: look once more.
      code = readFileSafe(exitFile);
      if (code === undefined) {
        // No pid file yet: conmon is still starting (it writes the file before the container can run).
        if (!existsSync(join(dir, 'conmon.pid'))) return;
        Object.assign(rec, {
          phase: 'exited', exitCode: 255, reason: 'Error', finishedAt: nowNs().toString(),
          message: 'container monitor (conmon) is gone; exit status unknown',
        });
        await this.save(rec);
        await run(this.runc, this.runcArgs('delete', '--force', rec.id));
        return;
      }
    }
    const exitCode = Number(code.trim());
    const oom = existsSync(join(dir, 'oom')) || this.cgroupOomKilled(rec.cgroupsPath);
    let finishedAt = nowNs();
    try { finishedAt = BigInt(Math.floor(statSync(exitFile).mtimeMs)) * 1_000_000n; } catch { /* keep now */ }
    rec.phase = 'exited';
    rec.exitCode = Number.isFinite(exitCode) ? exitCode : 255;
    rec.finishedAt = finishedAt.toString();
    rec.reason = oom ? 'OOMKilled' : rec.exitCode === 0 ? 'Completed' : 'Error';
    const tm = this.terminationMessage(rec);
    if (tm !== undefined) rec.message = tm;
    await this.save(rec);
    // Frees the cgroup (read above) and runc's state; the rootfs stays until removeContainer.
    await run(this.runc, this.runcArgs('delete', '--force', rec.id));
  }

  private cgroupOomKilled(cgroupsPath: string): boolean {
    const text = readFileSafe(join(this.cgroupRoot, 'memory', cgroupsPath, 'memory.oom_control'));
    const m = text && /^oom_kill (\d+)/m.exec(text);
    return !!m && Number(m[1]) > 0;
  }

  /**
   * The file at terminationMessagePath as the container left it in its own writable layer. When the
   * kubelet bind-mounts a host file there, it reads that file itself and this finds nothing.
   */
  private terminationMessage(rec: ContainerRecord): string | undefined {
    const p = rec.config.terminationMessagePath;
    if (!p || rec.config.mounts.some((m) => m.containerPath === p)) return undefined;
    const text = readImageFile(join(this.cdir(rec.id), 'upper'), p.replace(/^\/+/, ''));
    return text === undefined ? undefined : text.slice(0, TERMINATION_MESSAGE_MAX);
  }

  /** After the kubelet renamed a container's log file to rotate it, conmon reopens the path and writes a fresh file there. */
  async reopenContainerLog(containerId: string): Promise<void> {
    await this.requireRunning(containerId);
    await conmonCtl(this.bundle(containerId), '2 0 0\n'); // REOPEN_LOGS_EVENT
  }

  // ---- exec, attach, port-forward ----

  private async requireRunning(id: string): Promise<ContainerRecord> {
    const rec = await this.record(id);
    await this.refresh(rec);
    if (rec.phase !== 'started') throw new Error(`container ${id} is not running`);
    return rec;
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    await this.requireRunning(containerId);
    return runcExecSync(this.runc, this.runcRoot, containerId, cmd, timeoutSeconds);
  }

  async exec(containerId: string, cmd: string[], opts: StreamOptions): Promise<StreamSession> {
    await this.requireRunning(containerId);
    return runcExecSession(this.runc, this.runcRoot, containerId, cmd, opts);
  }

  async attach(containerId: string, opts: StreamOptions): Promise<StreamSession> {
    const rec = await this.requireRunning(containerId);
    if (attachBridgeAvailable()) return conmonAttachSession(this.bundle(containerId), opts, rec.config.tty);
    // Without python3: output only, followed from the log file.
    const session = logAttachSession(rec.logPath, { ...opts, tty: rec.config.tty }, () => {
      void this.refresh(rec);
      return rec.phase === 'exited';
    });
    return session;
  }

  async portForward(podSandboxId: string, port: number): Promise<Duplex> {
    const sb = await this.sandboxes.get(podSandboxId);
    if (!sb || sb.state !== 'SANDBOX_READY') throw new Error(`pod sandbox ${podSandboxId} is not ready`);
    return netnsConnect(sb.netnsPath, port);
  }
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * 1048576 like containerd, but never above fs.nr_open, nor above our own hard limit when we lack
 * CAP_SYS_RESOURCE (as in some sandboxes): runc could not raise it and would fail every create.
 */
function hostNofileLimit(): number {
  let limit = Math.min(1048576, Number(readFileSafe('/proc/sys/fs/nr_open')) || 1048576);
  const capEff = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSafe('/proc/self/status') ?? '');
  const hasSysResource = capEff ? (BigInt(`0x${capEff[1]}`) >> 24n) & 1n : 1n;
  if (!hasSysResource) {
    const m = /^Max open files\s+\S+\s+(\d+)/m.exec(readFileSafe('/proc/self/limits') ?? '');
    if (m) limit = Math.min(limit, Number(m[1]));
  }
  return limit;
}

// The pod-level work of the kubelet (kubelet.go SyncPod / SyncTerminatingPod /
// SyncTerminatedPod with kuberuntime_manager.go SyncPod and kuberuntime_container.go): reads
// what the runtime has for the pod, writes the status, sets up volumes, then carries out the
// computed actions: a sandbox, init containers in order, containers with crash-loop back-off,
// image pulls, postStart/preStop hooks, kills with the grace period, and the final teardown.

import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientSet } from '../client/clientset.js';
import { isNotFound } from '../client/informer.js';
import type { Clock } from '../client/workqueue.js';
import type { Log } from '../controllers/framework/controller.js';
import { podQosClass } from '../apiserver/strategies.js';
import type { ContainerStatus as CriContainerStatus, ImageService, PodSandboxConfig, RuntimeService } from './cri/types.js';
import { Backoff, goDuration } from './backoff.js';
import { apiTime, isRestartableInit, latestContainer, type WaitingReason } from './container-status.js';
import { ImagePuller } from './image-puller.js';
import { generateContainerConfig } from './kuberuntime/container-config.js';
import { podDnsConfig, type DnsInput } from './kuberuntime/dns.js';
import { ContainerConfigError, type EnvSources } from './kuberuntime/env.js';
import { containerHash, POD_UID, PRESTOP_HANDLER, sandboxLabels, shortId, TERMINATION_MESSAGE_HOST_PATH, TERMINATION_MESSAGE_POLICY, toRuntimeContainer } from './kuberuntime/labels.js';
import { runLifecycleHandler } from './kuberuntime/lifecycle.js';
import { computePodActions } from './kuberuntime/pod-actions.js';
import { authsForImage } from './kuberuntime/pull-secrets.js';
import { podDesc } from './kuberuntime/security-context.js';
import type { SyncResult, PodSyncer } from './pod-workers.js';
import { generatePodStatus, stampStatus } from './pod-status.js';
import type { ProbeManager } from './prober/manager.js';
import type { StatusManager } from './status-manager.js';
import type { Container, LifecycleHandler, MountedVolume, Pod, PodStatus, RuntimeContainer, RuntimePodStatus, VolumeHost } from './types.js';

export type PodEvent = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export interface PodSyncDeps {
  nodeName: string;
  runtime: RuntimeService;
  images: ImageService;
  volumes: VolumeHost;
  clients: ClientSet;
  clock: Clock;
  log: Log;
  event: PodEvent;
  status: StatusManager;
  probes: ProbeManager;
  /** <dataDir>/agent */
  agentDir: string;
  dns(): DnsInput;
  hostIPs(): string[];
  allocatable(): Record<string, string>;
  memoryCapacity(): number;
  runtimeName(): string;
  /** Resolves once the node has a pod CIDR (pods on the pod network wait for it). */
  networkReady(): boolean;
}

const MIN_GRACE_SECONDS = 2;
const MAX_TERMINATION_MESSAGE = 4096;
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

/** The last lines of a CRI-format log file ("<time> <stream> <P|F> <text>"), as the container wrote them. */
export function tailCriLog(text: string, maxLines: number, maxBytes: number): string {
  const out: string[] = [];
  let partial = '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^\S+ (?:stdout|stderr) ([PF]) ?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'P') partial += m[2];
    else {
      out.push(partial + m[2]);
      partial = '';
    }
  }
  let s = out.slice(-maxLines).join('\n');
  if (out.length) s += '\n';
  const buf = Buffer.from(s);
  return buf.length > maxBytes ? buf.subarray(buf.length - maxBytes).toString() : s;
}

function sandboxHostname(pod: Pod): string {
  let h = pod.spec.hostname || pod.metadata.name;
  if (h.length > 63) h = h.slice(0, 63).replace(/[-.]+$/, '');
  return h;
}

export class PodSync implements PodSyncer {
  readonly crashBackoff: Backoff;
  readonly puller: ImagePuller;
  /** The reason cache: why the last start of a container failed, by pod uid and container name. */
  private readonly reasons = new Map<string, Map<string, WaitingReason>>();
  private readonly volumes = new Map<string, Map<string, MountedVolume>>();
  private readonly terminationMessages = new Map<string, string>();

  constructor(private readonly d: PodSyncDeps) {
    this.crashBackoff = new Backoff(d.clock);
    this.puller = new ImagePuller(d.images, d.clock);
  }

  podDir(uid: string): string {
    return join(this.d.agentDir, 'pods', uid);
  }

  private reasonsOf(uid: string): Map<string, WaitingReason> {
    let m = this.reasons.get(uid);
    if (!m) this.reasons.set(uid, (m = new Map()));
    return m;
  }

  // ---- runtime state ----

  async runtimeStatus(pod: Pick<Pod, 'metadata'>): Promise<RuntimePodStatus> {
    const uid = pod.metadata.uid;
    const [sandboxes, containers] = await Promise.all([this.d.runtime.listPodSandbox({ labelSelector: { [POD_UID]: uid } }), this.d.runtime.listContainers({ labelSelector: { [POD_UID]: uid } })]);
    sandboxes.sort((a, b) => (b.createdAt > a.createdAt ? 1 : b.createdAt < a.createdAt ? -1 : 0));
    const rcs: RuntimeContainer[] = [];
    for (const c of containers) {
      const rc = toRuntimeContainer(c);
      if (rc.state === 'exited') rc.message = await this.terminationMessage(c, rc);
      rcs.push(rc);
    }
    rcs.sort((a, b) => b.createdAt - a.createdAt || b.restartCount - a.restartCount);
    const ready = sandboxes.find((s) => s.state === 'SANDBOX_READY');
    const ips = ready && ready.network.ip ? [ready.network.ip, ...ready.network.additionalIps] : [];
    return { uid, name: pod.metadata.name, namespace: pod.metadata.namespace, sandboxes, containers: rcs, ips };
  }

  /** The runtime's message enriched with what the container wrote at terminationMessagePath (or its last log lines). */
  private async terminationMessage(c: CriContainerStatus, rc: RuntimeContainer): Promise<string> {
    const cached = this.terminationMessages.get(c.id);
    if (cached !== undefined) return cached;
    let msg = '';
    const file = c.annotations[TERMINATION_MESSAGE_HOST_PATH];
    if (file) {
      try {
        const fh = await open(file, 'r');
        try {
          const buf = Buffer.alloc(MAX_TERMINATION_MESSAGE);
          const { bytesRead } = await fh.read(buf, 0, MAX_TERMINATION_MESSAGE, 0);
          msg = buf.subarray(0, bytesRead).toString();
        } finally {
          await fh.close();
        }
      } catch {
        msg = '';
      }
    }
    const fallback = c.annotations[TERMINATION_MESSAGE_POLICY] === 'FallbackToLogsOnError' && rc.exitCode !== 0 && rc.reason !== 'ContainerCannotRun';
    if (!msg && fallback && c.logPath) msg = tailCriLog(await readFile(c.logPath, 'utf8').catch(() => ''), FALLBACK_LOG_LINES, FALLBACK_LOG_BYTES);
    const full = msg ? (rc.message ? `${rc.message}: ${msg}` : msg) : rc.message;
    this.terminationMessages.set(c.id, full);
    return full;
  }

  // ---- status ----

  private generate(pod: Pod, rt: RuntimePodStatus, podIsTerminal: boolean): PodStatus {
    const old = this.d.status.get(pod.metadata.uid) ?? pod.status;
    const sandboxReady = rt.sandboxes[0]?.state === 'SANDBOX_READY' && (pod.spec.hostNetwork === true || !!rt.sandboxes[0]?.network.ip);
    const s = generatePodStatus({
      pod,
      runtime: rt,
      oldStatus: old,
      podIsTerminal,
      reasons: this.reasonsOf(pod.metadata.uid),
      probes: this.d.probes,
      hostIPs: this.d.hostIPs(),
      runtimeName: this.d.runtimeName(),
      sandboxReady,
    });
    return stampStatus(s, old, apiTime(this.d.clock.now()));
  }

  private async writeStatus(pod: Pod, rt: RuntimePodStatus, podIsTerminal = false): Promise<PodStatus> {
    const s = this.generate(pod, rt, podIsTerminal);
    await this.d.status.set(pod, s);
    return s;
  }

  // ---- syncing ----

  async syncPod(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata.uid;
    let rt = await this.runtimeStatus(pod);
    let status = this.generate(pod, rt, false);
    // activeDeadlineSeconds (active_deadline.go): the pod fails once it has been active that long.
    const deadline = pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined && status.phase !== 'Succeeded' && status.phase !== 'Failed' && status.startTime && this.d.clock.now() - Date.parse(status.startTime) >= deadline * 1000) {
      const message = 'Pod was active on the node longer than the specified deadline';
      this.d.event(pod, 'Normal', 'DeadlineExceeded', message);
      status = { ...status, phase: 'Failed', reason: 'DeadlineExceeded', message };
    }
    await this.d.status.set(pod, status);
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return { terminal: true };
    const deadlineIn = deadline !== undefined && status.startTime ? Date.parse(status.startTime) + deadline * 1000 - this.d.clock.now() : undefined;

    if (!pod.spec.hostNetwork && !this.d.networkReady()) {
      this.d.event(pod, 'Warning', 'NetworkNotReady', 'network is not ready: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized');
      return { terminal: false, requeueAfterMs: 2000 };
    }

    await mkdir(join(this.podDir(uid), 'logs'), { recursive: true, mode: 0o750 });
    let volumes: Map<string, MountedVolume>;
    try {
      volumes = await this.d.volumes.setUpVolumes(pod);
      this.volumes.set(uid, volumes);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.d.event(pod, 'Warning', 'FailedMount', msg);
      return { terminal: false, requeueAfterMs: 2000 };
    }
    this.d.probes.addPod(pod);

    const actions = computePodActions(pod, rt, this.d.probes.resultsFor(uid));
    let requeue: number | undefined;
    const soonest = (ms: number | undefined) => {
      if (ms !== undefined && ms > 0) requeue = requeue === undefined ? ms : Math.min(requeue, ms);
    };

    if (actions.killPod) {
      if (actions.createSandbox && actions.sandboxId && rt.containers.length) this.d.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.killPod(pod, rt, undefined);
    } else {
      await Promise.all([...actions.containersToKill].map(([id, k]) => this.killContainer(pod, id, k.name, k.message, k.reason, undefined, rt)));
    }

    let sandboxId = actions.sandboxId;
    let attempt = actions.attempt;
    if (actions.createSandbox) {
      const cfg = this.sandboxConfig(pod, actions.attempt);
      try {
        sandboxId = await this.d.runtime.runPodSandbox(cfg);
        attempt = actions.attempt;
      } catch (e) {
        this.d.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
      rt = await this.runtimeStatus(pod);
    } else if (actions.killPod) {
      rt = await this.runtimeStatus(pod);
      await this.writeStatus(pod, rt);
      return { terminal: false };
    }
    if (!sandboxId) return { terminal: false };
    const podIP = rt.ips[0] ?? (pod.spec.hostNetwork ? this.d.hostIPs()[0] ?? '' : '');
    const sandboxConfig = this.sandboxConfig(pod, attempt);

    const inits = pod.spec.initContainers ?? [];
    for (const idx of actions.initContainersToStart) {
      const c = inits[idx];
      const r = await this.startWithBackoff(pod, c, rt, sandboxId, sandboxConfig, podIP, volumes);
      soonest(r.retryMs);
      // A regular init container that did not start blocks the ones after it.
      if (!r.started && !isRestartableInit(c)) break;
    }
    for (const idx of actions.containersToStart) {
      const r = await this.startWithBackoff(pod, pod.spec.containers[idx], rt, sandboxId, sandboxConfig, podIP, volumes);
      soonest(r.retryMs);
    }

    rt = await this.runtimeStatus(pod);
    await this.writeStatus(pod, rt);
    await this.pruneContainers(rt);
    soonest(deadlineIn);
    return { terminal: false, requeueAfterMs: requeue };
  }

  sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
    const dns = podDnsConfig(pod, this.d.dns());
    return {
      metadata: { name: pod.metadata.name, uid: pod.metadata.uid, namespace: pod.metadata.namespace, attempt },
      hostname: sandboxHostname(pod),
      logDirectory: join(this.podDir(pod.metadata.uid), 'logs'),
      dnsConfig: dns.config,
      hostAliases: (pod.spec.hostAliases ?? []).map((h) => ({ ip: h.ip, hostnames: h.hostnames ?? [] })),
      labels: sandboxLabels(pod),
      annotations: { ...(pod.metadata.annotations ?? {}) },
      cgroupParent: `k8ts/pod${pod.metadata.uid}`,
      hostNetwork: pod.spec.hostNetwork ?? false,
      sysctls: Object.fromEntries((pod.spec.securityContext?.sysctls ?? []).map((s) => [s.name, s.value])),
    };
  }

  /** CrashLoopBackOff (kuberuntime_manager.go doBackOff): is a restart of this container still held back? */
  private crashLoop(pod: Pod, c: Container, rt: RuntimePodStatus): { inBackOff: boolean; retryMs?: number } {
    const latest = latestContainer(rt, c.name);
    if (!latest || latest.state !== 'exited') return { inBackOff: false };
    const ts = latest.finishedAt || this.d.clock.now();
    const key = `${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid}_${c.name}_${containerHash(c)}`;
    if (this.crashBackoff.isInBackOffSince(key, ts)) {
      const wait = this.crashBackoff.get(key);
      const message = `back-off ${goDuration(wait)} restarting failed container=${c.name} pod=${podDesc(pod)}`;
      this.d.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podDesc(pod)}`);
      this.reasonsOf(pod.metadata.uid).set(c.name, { reason: 'CrashLoopBackOff', message });
      return { inBackOff: true, retryMs: Math.max(1, ts + wait - this.d.clock.now()) };
    }
    this.crashBackoff.next(key, ts);
    return { inBackOff: false };
  }

  private async startWithBackoff(pod: Pod, c: Container, rt: RuntimePodStatus, sandboxId: string, sandboxConfig: PodSandboxConfig, podIP: string, volumes: Map<string, MountedVolume>): Promise<{ started: boolean; retryMs?: number }> {
    const b = this.crashLoop(pod, c, rt);
    if (b.inBackOff) return { started: false, retryMs: b.retryMs };
    return this.startContainer(pod, c, rt, sandboxId, sandboxConfig, podIP, volumes);
  }

  private async restartCountOf(pod: Pod, c: Container, rt: RuntimePodStatus): Promise<number> {
    const latest = latestContainer(rt, c.name);
    if (latest) return latest.restartCount + 1;
    // Containers may have been removed: the log files still count the attempts.
    try {
      const files = await readdir(join(this.podDir(pod.metadata.uid), 'logs', c.name));
      let max = -1;
      for (const f of files) {
        const m = /^(\d+)\.log$/.exec(f);
        if (m) max = Math.max(max, Number(m[1]));
      }
      return max + 1;
    } catch {
      return 0;
    }
  }

  private fail(pod: Pod, c: Container, reason: string, message: string, event = true): { started: false } {
    if (event) this.d.event(pod, 'Warning', 'Failed', `Error: ${message}`);
    this.reasonsOf(pod.metadata.uid).set(c.name, { reason, message });
    return { started: false };
  }

  /** startContainer: image, config, create, start, postStart. */
  private async startContainer(pod: Pod, c: Container, rt: RuntimePodStatus, sandboxId: string, sandboxConfig: PodSandboxConfig, podIP: string, volumes: Map<string, MountedVolume>): Promise<{ started: boolean; retryMs?: number }> {
    const uid = pod.metadata.uid;
    const secrets = await this.pullSecrets(pod);
    const pull = await this.puller.ensureImageExists(pod, c, authsForImage(c.image ?? '', secrets), (type, reason, message) => this.d.event(pod, type, reason, message));
    if (!pull.ok) {
      this.d.event(pod, 'Warning', 'Failed', `Error: ${pull.reason}`);
      this.reasonsOf(uid).set(c.name, { reason: pull.reason, message: pull.message });
      // Come back while the back-off still holds (the status then says ImagePullBackOff), and again when it ends.
      const key = `${uid}_${c.image ?? ''}`;
      const b = this.puller.backoff;
      const left = Math.max(1000, (b.until(key, 0) ?? 10_000) - (this.d.clock.now() - this.lastPullFailure(key)));
      if (pull.reason === 'ErrImagePull') return { started: false, retryMs: Math.min(2000, left) };
      if (pull.reason === 'ImagePullBackOff') return { started: false, retryMs: left };
      return { started: false };
    }
    const restartCount = await this.restartCountOf(pod, c, rt);
    const tmDir = join(this.podDir(uid), 'containers', c.name);
    const tmFile = join(tmDir, shortId(`${uid}/${c.name}/${restartCount}/${this.d.clock.now()}`));
    let config;
    try {
      await mkdir(tmDir, { recursive: true, mode: 0o750 });
      await writeFile(tmFile, '', { mode: 0o666 });
      config = await generateContainerConfig({
        pod,
        container: c,
        image: pull.image,
        restartCount,
        qosClass: podQosClass(pod),
        memoryCapacity: this.d.memoryCapacity(),
        terminationMessageHostPath: tmFile,
        env: {
          podIPs: rt.ips.length ? rt.ips : podIP ? [podIP] : [],
          hostIPs: this.d.hostIPs(),
          nodeName: this.d.nodeName,
          allocatable: this.d.allocatable(),
          sources: this.envSources(),
          onSkippedKeys: (m) => this.d.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', m),
        },
        mounts: (env) => this.d.volumes.containerMounts(pod, c, volumes, env),
      });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      return this.fail(pod, c, e instanceof ContainerConfigError ? 'CreateContainerConfigError' : 'CreateContainerConfigError', msg);
    }
    let id: string;
    try {
      id = await this.d.runtime.createContainer(sandboxId, config, sandboxConfig);
    } catch (e) {
      return this.fail(pod, c, 'CreateContainerError', e instanceof Error ? e.message : String(e));
    }
    this.d.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
    try {
      await this.d.runtime.startContainer(id);
    } catch (e) {
      return this.fail(pod, c, 'RunContainerError', e instanceof Error ? e.message : String(e));
    }
    this.d.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    if (c.lifecycle?.postStart) {
      const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
      const err = await runLifecycleHandler(this.d.runtime, pod, c, id, podIP, c.lifecycle.postStart, grace);
      if (err) {
        this.d.event(pod, 'Warning', 'FailedPostStartHook', err);
        await this.killContainer(pod, id, c.name, 'FailedPostStartHook', '', undefined, rt);
        return this.fail(pod, c, 'PostStartHookError', err, false);
      }
    }
    this.reasonsOf(uid).delete(c.name);
    return { started: true };
  }

  private lastPullFailure(key: string): number {
    return this.puller.lastFailureAt.get(key) ?? this.d.clock.now();
  }

  private async pullSecrets(pod: Pod): Promise<Record<string, string>[]> {
    const out: Record<string, string>[] = [];
    for (const ref of pod.spec.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      const data = await this.envSources().secret(pod.metadata.namespace, ref.name);
      if (data) out.push(data);
    }
    return out;
  }

  envSources(): EnvSources {
    const get = async (resource: 'configmaps' | 'secrets', ns: string, name: string) => {
      try {
        return await this.d.clients.resource(resource).get(ns, name);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    };
    return {
      configMap: async (ns, name) => {
        const cm = await get('configmaps', ns, name);
        if (!cm) return undefined;
        const out: Record<string, string> = { ...((cm.data as Record<string, string> | undefined) ?? {}) };
        for (const [k, v] of Object.entries((cm.binaryData as Record<string, string> | undefined) ?? {})) out[k] = Buffer.from(v, 'base64').toString();
        return out;
      },
      secret: async (ns, name) => {
        const s = await get('secrets', ns, name);
        if (!s) return undefined;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries((s.data as Record<string, string> | undefined) ?? {})) out[k] = Buffer.from(v, 'base64').toString();
        for (const [k, v] of Object.entries((s.stringData as Record<string, string> | undefined) ?? {})) out[k] = v;
        return out;
      },
    };
  }

  // ---- killing ----

  /** killContainer: Killing event, preStop within the grace period, then stop (SIGTERM, SIGKILL after grace). */
  async killContainer(pod: Pod, id: string, name: string, message: string, reason: string, graceOverride: number | undefined, rt?: RuntimePodStatus): Promise<void> {
    const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === name);
    let grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const probe = reason === 'LivenessProbe' ? spec?.livenessProbe : reason === 'StartupProbe' ? spec?.startupProbe : undefined;
    if (probe?.terminationGracePeriodSeconds !== undefined) grace = probe.terminationGracePeriodSeconds;
    this.d.event(pod, 'Normal', 'Killing', message || `Stopping container ${name}`);
    const rc = rt?.containers.find((c) => c.id === id);
    let preStop: LifecycleHandler | undefined = spec?.lifecycle?.preStop;
    if (!preStop && rc?.cri.annotations[PRESTOP_HANDLER]) {
      try {
        preStop = JSON.parse(rc.cri.annotations[PRESTOP_HANDLER]) as LifecycleHandler;
      } catch {
        preStop = undefined;
      }
    }
    if (preStop && grace > 0 && (!rc || rc.state === 'running')) {
      const start = this.d.clock.now();
      const c: Container = spec ?? { name };
      const err = await Promise.race([runLifecycleHandler(this.d.runtime, pod, c, id, rt?.ips[0] ?? '', preStop, grace), new Promise<string | undefined>((r) => setTimeout(() => r(undefined), grace * 1000).unref())]);
      if (err) this.d.event(pod, 'Warning', 'FailedPreStopHook', err);
      grace -= Math.floor((this.d.clock.now() - start) / 1000);
    }
    if (grace < MIN_GRACE_SECONDS) grace = MIN_GRACE_SECONDS;
    if (graceOverride !== undefined) grace = graceOverride;
    try {
      await this.d.runtime.stopContainer(id, grace);
    } catch (e) {
      this.d.log('warn', 'failed to stop container', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, container: name, error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** Stops every running container (regular ones first, then sidecars in reverse order) and the sandboxes. */
  async killPod(pod: Pod, rt: RuntimePodStatus, graceOverride: number | undefined): Promise<void> {
    const running = (names: Set<string>) => rt.containers.filter((c) => (c.state === 'running' || c.state === 'created' || c.state === 'unknown') && names.has(c.name));
    const regular = new Set([...pod.spec.containers.map((c) => c.name), ...(pod.spec.initContainers ?? []).filter((c) => !isRestartableInit(c)).map((c) => c.name)]);
    const known = new Set([...regular, ...(pod.spec.initContainers ?? []).map((c) => c.name)]);
    const strays = rt.containers.filter((c) => !known.has(c.name)).map((c) => c.name);
    await Promise.all(running(new Set([...regular, ...strays])).map((c) => this.killContainer(pod, c.id, c.name, '', '', graceOverride, rt)));
    const sidecars = (pod.spec.initContainers ?? []).filter(isRestartableInit).reverse();
    for (const s of sidecars) await Promise.all(running(new Set([s.name])).map((c) => this.killContainer(pod, c.id, c.name, '', '', graceOverride, rt)));
    for (const sb of rt.sandboxes) if (sb.state === 'SANDBOX_READY') await this.d.runtime.stopPodSandbox(sb.id);
  }

  async syncTerminatingPod(pod: Pod, gracePeriodSeconds: number | undefined): Promise<void> {
    this.d.probes.stopLivenessAndStartup(pod.metadata.uid);
    let rt = await this.runtimeStatus(pod);
    await this.killPod(pod, rt, gracePeriodSeconds === 0 ? MIN_GRACE_SECONDS : undefined);
    rt = await this.runtimeStatus(pod);
    await this.writeStatus(pod, rt, true);
    this.d.probes.removePod(pod.metadata.uid);
  }

  async syncTerminatedPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid;
    await this.d.volumes.tearDownVolumes(uid);
    this.volumes.delete(uid);
    const rt = await this.runtimeStatus(pod);
    await this.writeStatus(pod, rt, true);
    if (pod.metadata.deletionTimestamp) {
      await this.removeRuntimeObjects(uid);
      await this.d.status.deletePod(pod);
    }
  }

  private async removeRuntimeObjects(uid: string): Promise<void> {
    const [containers, sandboxes] = await Promise.all([this.d.runtime.listContainers({ labelSelector: { [POD_UID]: uid } }), this.d.runtime.listPodSandbox({ labelSelector: { [POD_UID]: uid } })]);
    for (const c of containers) {
      if (c.state === 'CONTAINER_RUNNING') await this.d.runtime.stopContainer(c.id, 0);
      await this.d.runtime.removeContainer(c.id);
      this.terminationMessages.delete(c.id);
    }
    for (const s of sandboxes) {
      await this.d.runtime.stopPodSandbox(s.id);
      await this.d.runtime.removePodSandbox(s.id);
    }
  }

  async cleanupPod(uid: string): Promise<void> {
    await this.removeRuntimeObjects(uid);
    await this.d.volumes.tearDownVolumes(uid);
    await rm(this.podDir(uid), { recursive: true, force: true });
    this.reasons.delete(uid);
    this.volumes.delete(uid);
    this.d.probes.removePod(uid);
    this.d.status.forget(uid);
  }

  /** Container GC: dead instances beyond the two newest of each container are removed. */
  private async pruneContainers(rt: RuntimePodStatus): Promise<void> {
    const seen = new Map<string, number>();
    for (const c of rt.containers) {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      if (n > 2 && c.state === 'exited') {
        await this.d.runtime.removeContainer(c.id).catch(() => undefined);
        this.terminationMessages.delete(c.id);
      }
    }
  }
}

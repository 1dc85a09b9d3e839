// The node agent (pkg/kubelet): registers the Node and keeps its status and Lease fresh, takes
// the node's pod CIDR, watches the pods bound to this node and drives each through its pod
// worker, notices container changes by relisting the runtime every second (the PLEG), and
// tears down sandboxes whose pod is gone. Stopping it leaves containers running: the next start
// adopts them from the runtime's labels.

import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { VERSION } from '../apiserver/handler.js';
import type { ClientSet } from '../client/clientset.js';
import { eventRecorder, type EventRecorder } from '../client/events.js';
import { Informer, isAlreadyExists, isNotFound } from '../client/informer.js';
import { realClock, type Clock } from '../client/workqueue.js';
import type { Log } from '../controllers/framework/controller.js';
import type { ContainerStatus as CriContainerStatus, ImageService, RuntimeService } from './cri/types.js';
import { parseResolvConf } from './kuberuntime/dns.js';
import { POD_UID } from './kuberuntime/labels.js';
import { garbageCollectImages } from './image-gc.js';
import { NodeLease } from './lease.js';
import { DEFAULT_LOG_ROTATION, rotateContainerLogs } from './log-rotation.js';
import { capacityOf, collectMachineInfo, nodeConditions, nodeLabels, nodeStatus, nodeStatusChanged, type MachineInfo, type NodeCondition } from './node-status.js';
import { PodSync } from './pod-sync.js';
import { PodWorkers } from './pod-workers.js';
import { ProbeManager } from './prober/manager.js';
import { StatusManager } from './status-manager.js';
import type { Pod, VolumeHost } from './types.js';

export interface KubeletOptions {
  nodeName: string;
  /** Clients with the node's credentials (field manager "kubelet" is set here). */
  clients: ClientSet;
  runtime: RuntimeService;
  images: ImageService;
  /** The k8ts data dir; the agent keeps its state under <dataDir>/agent. */
  dataDir: string;
  volumes: VolumeHost;
  log: Log;
  clock?: Clock;
  /** Used when node IPAM has not assigned node.spec.podCIDR within podCidrWaitMs. */
  podCidrFallback?: string;
  podCidrWaitMs?: number;
  /** Told the pod CIDR once known (for the network plugin). */
  onPodCIDR?(cidr: string): void;
  clusterDns?: string[];
  clusterDomain?: string;
  /** InternalIP of the node; default: the first non-loopback IPv4 address, else 127.0.0.1. */
  nodeIP?: string;
  kubeletPort?: number;
  maxPods?: number;
  /** Labels added at registration (e.g. node-role.kubernetes.io/control-plane). */
  nodeLabels?: Record<string, string>;
  kubeletVersion?: string;
  /** Intervals (ms): node status 10 s, lease 10 s, relist 1 s, housekeeping 2 s. */
  nodeStatusUpdateMs?: number;
  nodeStatusReportMs?: number;
  leaseRenewMs?: number;
  relistMs?: number;
  housekeepingMs?: number;
  /** The node's resolver configuration for dnsPolicy Default (default: /etc/resolv.conf). */
  resolvConf?: string;
}

export function defaultNodeIP(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (/^(lo|k8ts|veth|cni|docker|br-)/.test(name)) continue;
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

type PodLike = Pod;

/** Whether a pod changed beyond its status (podsDifferSemantically). */
export function podChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = p.metadata as unknown as Record<string, unknown>;
    return JSON.stringify({ meta, spec: p.spec });
  };
  return strip(a) !== strip(b);
}

export class Kubelet {
  readonly clock: Clock;
  readonly status: StatusManager;
  readonly probes: ProbeManager;
  readonly sync: PodSync;
  readonly workers: PodWorkers;
  readonly pods: Informer<PodLike>;
  readonly recorder: EventRecorder;
  readonly nodeIP: string;
  podCIDR?: string;
  private machine?: MachineInfo;
  private runtimeName = 'k8ts';
  private runtimeVersion = '';
  private nodeUid?: string;
  private lastStatus?: Record<string, unknown>;
  private lastReportAt = 0;
  private runtimeDown?: string;
  private startedAt = 0;
  private hostDns = parseResolvConf('');
  private readonly lease: NodeLease;
  private readonly podFingerprints = new Map<string, string>();
  private readonly cleaning = new Set<string>();
  private signal?: AbortSignal;

  constructor(readonly o: KubeletOptions) {
    this.clock = o.clock ?? realClock;
    const clients = o.clients.fieldManager ? o.clients : o.clients.as('kubelet');
    this.nodeIP = o.nodeIP ?? defaultNodeIP();
    this.recorder = eventRecorder(clients, 'kubelet', () => new Date(this.clock.now()), undefined, { qps: 50, burst: 100 });
    this.status = new StatusManager(clients, o.log);
    this.pods = new Informer<PodLike>(clients.resource<PodLike>('pods'), { fieldSelector: `spec.nodeName=${o.nodeName}`, retryDelayMs: 1000, onError: (e) => o.log('debug', 'pod watch failed', { error: String(e) }) });
    const byUid = (uid: string) => this.pods.list().find((p) => p.metadata.uid === uid);
    this.probes = new ProbeManager({
      runtime: o.runtime,
      clock: this.clock,
      podStatus: (uid) => this.status.get(uid),
      pod: byUid,
      event: (pod, _c, type, reason, message) => this.recorder.event(pod, type, reason, message),
      onChange: (uid) => this.workers.requeue(uid),
    });
    this.sync = new PodSync({
      nodeName: o.nodeName,
      runtime: o.runtime,
      images: o.images,
      volumes: o.volumes,
      clients,
      clock: this.clock,
      log: o.log,
      event: (pod, type, reason, message) => this.recorder.event(pod, type, reason, message),
      status: this.status,
      probes: this.probes,
      agentDir: join(o.dataDir, 'agent'),
      dns: () => ({ clusterDns: o.clusterDns ?? [], clusterDomain: o.clusterDomain ?? 'cluster.local', host: this.hostDns }),
      hostIPs: () => [this.nodeIP],
      allocatable: () => (this.machine ? capacityOf(this.machine, o.maxPods ?? 110).allocatable : {}),
      memoryCapacity: () => this.machine?.memoryBytes ?? 0,
      runtimeName: () => this.runtimeName,
      networkReady: () => this.podCIDR !== undefined,
    });
    this.workers = new PodWorkers({ syncer: this.sync, clock: this.clock, log: o.log });
    this.lease = new NodeLease(clients, o.nodeName, () => this.nodeUid);
    this.pods.addHandler({
      add: (p) => this.workers.update(p),
      // The kubelet's own status writes come back as updates: only spec and metadata changes need a sync.
      update: (old, p) => {
        if (!podChanged(old, p)) return this.workers.setPod(p);
        this.workers.update(p);
      },
      delete: (p) => this.workers.remove(p.metadata.uid),
    });
  }

  private get clients(): ClientSet {
    return this.o.clients.fieldManager ? this.o.clients : this.o.clients.as('kubelet');
  }

  private nodeRef(): KubeObject {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.o.nodeName, uid: this.o.nodeName } };
  }

  private nodeEvent(reason: string, message: string): void {
    this.recorder.event(this.nodeRef(), 'Normal', reason, message);
  }

  /** Runs until the signal aborts; containers keep running afterwards. */
  async run(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    this.startedAt = this.clock.now();
    this.machine = await collectMachineInfo(this.o.dataDir);
    this.hostDns = parseResolvConf(await readFile(this.o.resolvConf ?? '/etc/resolv.conf', 'utf8').catch(() => ''));
    await this.refreshRuntimeVersion();
    this.nodeEvent('Starting', 'Starting kubelet.');
    await this.retry(() => this.registerNode(), signal);
    if (signal.aborted) return;
    await this.updateNodeStatus(true).catch((e) => this.o.log('warn', 'node status update failed', { error: String(e) }));
    this.nodeEvent('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    this.every(this.o.leaseRenewMs ?? 10_000, () => this.lease.renew(this.clock.now()), true);
    this.every(this.o.nodeStatusUpdateMs ?? 10_000, () => this.updateNodeStatus(false));
    await this.waitForPodCIDR(signal);
    void this.pods.run(signal);
    await Promise.race([this.pods.synced, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
    if (signal.aborted) return;
    this.every(this.o.relistMs ?? 1000, () => this.relist());
    this.every(this.o.housekeepingMs ?? 2000, () => this.housekeeping());
    // Upstream's image GC runs every 5 minutes.
    this.every(5 * 60_000, async () => {
      const removed = await garbageCollectImages(this.o.runtime, this.o.images, join(this.o.dataDir, 'agent'));
      if (removed.length) this.o.log('info', 'removed unused images under disk pressure', { images: removed.map((i) => i.repoTags[0] ?? i.id) });
    });
    // Upstream's container log manager checks every 10 s.
    this.every(10_000, () => rotateContainerLogs(this.o.runtime, { ...DEFAULT_LOG_ROTATION, now: () => new Date(this.clock.now()) }));
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    this.workers.stop();
  }

  private every(ms: number, fn: () => Promise<void>, now = false): void {
    const tick = () => {
      if (this.signal?.aborted) return;
      fn()
        .catch((e) => this.o.log('debug', 'periodic kubelet task failed', { error: e instanceof Error ? e.message : String(e) }))
        .finally(() => {
          if (!this.signal?.aborted) this.clock.setTimeout(tick, ms);
        });
    };
    if (now) tick();
    else this.clock.setTimeout(tick, ms);
  }

  private async retry(fn: () => Promise<void>, signal: AbortSignal): Promise<void> {
    let delay = 500;
    while (!signal.aborted) {
      try {
        return await fn();
      } catch (e) {
        this.o.log('warn', 'kubelet: retrying', { error: e instanceof Error ? e.message : String(e) });
        await new Promise<void>((r) => this.clock.setTimeout(() => r(), delay));
        delay = Math.min(delay * 2, 7000);
      }
    }
  }

  private async refreshRuntimeVersion(): Promise<void> {
    try {
      const v = await this.o.runtime.version();
      this.runtimeName = v.runtimeName;
      this.runtimeVersion = v.runtimeVersion;
      this.runtimeDown = undefined;
    } catch (e) {
      this.runtimeDown = `container runtime is down: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  // ---- node ----

  private buildStatus(prev: NodeCondition[] | undefined, images: Awaited<ReturnType<ImageService['listImages']>>): Record<string, unknown> {
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    let notReady = this.runtimeDown;
    if (!notReady && this.podCIDR === undefined && this.startedAt && this.podCIDRWaitOver()) notReady = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
    return nodeStatus({
      machine: this.machine!,
      nodeIP: this.nodeIP,
      kubeletPort: this.o.kubeletPort ?? 10250,
      maxPods: this.o.maxPods ?? 110,
      kubeletVersion: this.o.kubeletVersion ?? VERSION.gitVersion,
      containerRuntimeVersion: `${this.runtimeName}://${this.runtimeVersion}`,
      conditions: nodeConditions(prev, now, { notReadyMessage: notReady }),
      images,
    });
  }

  private podCIDRWaitOver(): boolean {
    return this.clock.now() - this.startedAt > (this.o.podCidrWaitMs ?? 5000) && !this.o.podCidrFallback;
  }

  private async registerNode(): Promise<void> {
    const nodes = this.clients.resource('nodes');
    const labels = { ...nodeLabels(this.o.nodeName, this.machine!.architecture), ...(this.o.nodeLabels ?? {}) };
    // As upstream's initial node: no conditions yet; the first status update sets them (and records the Node* events).
    const { conditions: _c, ...status } = this.buildStatus(undefined, await this.o.images.listImages().catch(() => []));
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.o.nodeName, labels, annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
      spec: {},
      status,
    };
    try {
      const created = await nodes.create(body);
      this.nodeUid = created.metadata?.uid;
      this.adoptNode(created);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const cur = await nodes.get(undefined, this.o.nodeName);
      this.nodeUid = cur.metadata?.uid;
      const missing = Object.entries(labels).filter(([k, v]) => cur.metadata?.labels?.[k] !== v);
      if (missing.length) await nodes.patch(undefined, this.o.nodeName, 'strategic', { metadata: { labels: Object.fromEntries(missing) } });
      this.adoptNode(cur);
    }
  }

  private adoptNode(node: KubeObject): void {
    const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
    if (cidr && cidr !== this.podCIDR) {
      this.podCIDR = cidr;
      this.o.onPodCIDR?.(cidr);
    }
  }

  private async waitForPodCIDR(signal: AbortSignal): Promise<void> {
    const start = this.clock.now();
    while (!signal.aborted && this.podCIDR === undefined) {
      try {
        this.adoptNode(await this.clients.resource('nodes').get(undefined, this.o.nodeName));
      } catch (e) {
        if (isNotFound(e)) await this.registerNode().catch(() => undefined);
      }
      if (this.podCIDR !== undefined) break;
      if (this.clock.now() - start >= (this.o.podCidrWaitMs ?? 5000)) {
        if (this.o.podCidrFallback) {
          this.podCIDR = this.o.podCidrFallback;
          this.o.onPodCIDR?.(this.podCIDR);
        }
        // Without a CIDR pods on the pod network wait; the status loop keeps looking.
        return;
      }
      await new Promise<void>((r) => this.clock.setTimeout(() => r(), 250));
    }
  }

  private async updateNodeStatus(force: boolean): Promise<void> {
    await this.refreshRuntimeVersion();
    const nodes = this.clients.resource('nodes');
    let node: KubeObject;
    try {
      node = await nodes.get(undefined, this.o.nodeName);
    } catch (e) {
      // Deleted: a kubelet registers its node again.
      if (isNotFound(e)) return this.registerNode();
      throw e;
    }
    this.nodeUid = node.metadata?.uid;
    this.adoptNode(node);
    const prev = (node.status as { conditions?: NodeCondition[] } | undefined)?.conditions;
    const next = this.buildStatus(prev, await this.o.images.listImages().catch(() => []));
    const now = this.clock.now();
    const changed = nodeStatusChanged(this.lastStatus, next) || nodeStatusChanged(node.status as Record<string, unknown>, next);
    if (!force && !changed && now - this.lastReportAt < (this.o.nodeStatusReportMs ?? 300_000)) return;
    await nodes.patch(undefined, this.o.nodeName, 'strategic', { status: next }, { subresource: 'status' });
    const before = new Map((prev ?? []).map((c) => [c.type, c.status]));
    const events: Record<string, [string, string]> = { MemoryPressure: ['NodeHasSufficientMemory', 'NodeHasInsufficientMemory'], DiskPressure: ['NodeHasNoDiskPressure', 'NodeHasDiskPressure'], PIDPressure: ['NodeHasSufficientPID', 'NodeHasInsufficientPID'], Ready: ['NodeNotReady', 'NodeReady'] };
    for (const c of next.conditions as NodeCondition[]) {
      if (before.get(c.type) === c.status) continue;
      const [f, t] = events[c.type] ?? [];
      const reason = c.status === 'True' ? t : f;
      if (reason) this.nodeEvent(reason, `Node ${this.o.nodeName} status is now: ${reason}`);
    }
    this.lastStatus = next;
    this.lastReportAt = now;
  }

  // ---- pods ----

  /** The PLEG: relists the runtime and syncs the pods whose containers or sandboxes changed. */
  async relist(): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.o.runtime.listPodSandbox(), this.o.runtime.listContainers()]);
    const prints = new Map<string, string[]>();
    const add = (uid: string | undefined, s: string) => {
      if (!uid) return;
      let l = prints.get(uid);
      if (!l) prints.set(uid, (l = []));
      l.push(s);
    };
    for (const s of sandboxes) add(s.labels[POD_UID], `s:${s.id}:${s.state}`);
    for (const c of containers) add(c.labels[POD_UID], `c:${c.id}:${c.state}`);
    const seen = new Set<string>();
    for (const [uid, l] of prints) {
      seen.add(uid);
      const fp = l.sort().join(',');
      if (this.podFingerprints.get(uid) !== fp) {
        this.podFingerprints.set(uid, fp);
        this.workers.requeue(uid);
      }
    }
    for (const uid of [...this.podFingerprints.keys()]) {
      if (seen.has(uid)) continue;
      this.podFingerprints.delete(uid);
      this.workers.requeue(uid);
    }
  }

  /** HandlePodCleanups: whatever the runtime runs for a pod this node no longer has is torn down. */
  async housekeeping(): Promise<void> {
    const known = new Set(this.pods.list().map((p) => p.metadata.uid));
    const [sandboxes, containers] = await Promise.all([this.o.runtime.listPodSandbox(), this.o.runtime.listContainers()]);
    const uids = new Set<string>();
    for (const s of sandboxes) if (s.labels[POD_UID]) uids.add(s.labels[POD_UID]);
    for (const c of containers) if (c.labels[POD_UID]) uids.add(c.labels[POD_UID]);
    for (const uid of uids) {
      if (known.has(uid) || this.workers.has(uid) || this.cleaning.has(uid)) continue;
      this.cleaning.add(uid);
      this.o.log('info', 'removing orphaned pod', { uid });
      await this.sync.cleanupPod(uid).finally(() => this.cleaning.delete(uid));
    }
    this.sync.crashBackoff.gc();
  }

  /**
   * The runtime's container for kubectl logs/exec/attach: the newest instance of the named
   * container of the pod, or with previous the one before it (the lastState instance).
   */
  async containerFor(namespace: string, podName: string, containerName: string, previous = false): Promise<CriContainerStatus | undefined> {
    const pod = this.pods.getByName(namespace, podName);
    if (!pod) return undefined;
    const rt = await this.sync.runtimeStatus(pod);
    const instances = rt.containers.filter((c) => c.name === containerName);
    return instances[previous ? 1 : 0]?.cri;
  }

  /** The pod with this namespace and name on this node, if any. */
  podByName(namespace: string, name: string): Pod | undefined {
    return this.pods.getByName(namespace, name);
  }
}

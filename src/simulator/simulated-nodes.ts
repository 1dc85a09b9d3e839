// Simulated nodes (as kwok does): registers N Nodes, renews a Lease per node in kube-node-lease,
// and plays the kubelet for pods bound to them — ContainerCreating, then Running and Ready after
// a delay; pods of Jobs complete after a run time; images listed as failing report ErrImagePull
// and ImagePullBackOff; deleted pods are stopped and then removed. One shared pod informer serves
// all nodes; each pod is reconciled from the cache by key, so restarts pick up where they were.

import { NodeLease } from '../kubelet/lease.js';
import type { KubeObject } from '../api/object.js';
import { isAlreadyExists, isConflict, isNotFound, objectKey } from '../client/informer.js';
import { WorkQueue } from '../client/workqueue.js';
import { eventRecorder } from '../client/events.js';
import { runWorkers, type Controller, type ControllerContext } from '../controllers/framework/controller.js';
import { pullPolicyOf } from '../kubelet/kuberuntime/image-ref.js';
import { pullErrorMessage } from './images.js';
import { nodeAddress, nodeObject, readyConditions, syntheticPodCidr } from './node-object.js';
import { podStatus, type PullFailure, type Stage } from './pod-status.js';

export interface SimulatedNodesOptions {
  count: number;
  /** Node names are prefix + index (default "sim-node-"). */
  namePrefix?: string;
  /** First index (to add more nodes next to earlier ones); default 0. */
  startIndex?: number;
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  /** From binding to Running and Ready (default 500 ms); 0 skips the ContainerCreating write. */
  startupDelayMs?: number;
  /** How long Job pods (and pods annotated with k8ts.io/simulated-run-ms) run before completing (default 2000 ms). */
  jobRunMs?: number;
  /** Images that fail to pull (exact spelling as in the pod spec, or normalized). */
  failingImages?: string[];
  /** How long a failed pull shows ErrImagePull before ImagePullBackOff (default 1000 ms); later back-offs double from 10 s to 5 min. */
  imagePullErrorMs?: number;
  leaseRenewMs?: number;
  leaseDurationSeconds?: number;
  /** Record kubelet events (Pulling, Pulled, Created, Started, Killing, Failed, BackOff); default true. */
  events?: boolean;
  /** Events per second across all simulated nodes (default 100, burst 200); the excess is dropped. */
  eventQps?: number;
  workers?: number;
}

/** Pod annotations the simulated kubelet honours (there is no process to run). */
export const ANNOTATION_RUN_MS = 'k8ts.io/simulated-run-ms';
export const ANNOTATION_EXIT_CODE = 'k8ts.io/simulated-exit-code';

interface PodLike extends KubeObject {
  spec?: {
    nodeName?: string;
    restartPolicy?: string;
    containers?: { name: string; image?: string; imagePullPolicy?: string }[];
    initContainers?: { name: string; image?: string; imagePullPolicy?: string; restartPolicy?: string }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    startTime?: string;
    containerStatuses?: { name: string; state?: { running?: { startedAt?: string }; waiting?: { reason?: string } } }[];
    conditions?: { type: string; status: string }[];
  };
}

interface SimNode {
  name: string;
  index: number;
  address: string;
  cidrBase: string;
  usedIps: Set<number>;
  pulled: Set<string>;
  uid?: string;
  heartbeat?: NodeLease;
}

interface PodState {
  uid: string;
  node: SimNode;
  ip?: number;
  seenAt: number;
  pullAttempts: number;
  nextPullAt: number;
  lastFailure?: PullFailure;
  eventsStarted: boolean;
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function cidrBase(cidr: string): string {
  const ip = cidr.split('/')[0].split('.');
  return `${ip[0]}.${ip[1]}.${ip[2]}.`;
}

export class SimulatedNodes {
  readonly nodes = new Map<string, SimNode>();
  private readonly podState = new Map<string, PodState>();
  private readonly queue: WorkQueue;
  private readonly failing: Set<string>;
  private readonly o: Required<Omit<SimulatedNodesOptions, 'labels' | 'taints' | 'failingImages'>> & Pick<SimulatedNodesOptions, 'labels' | 'taints'>;
  private signal?: AbortSignal;

  constructor(
    private readonly ctx: ControllerContext,
    opts: SimulatedNodesOptions,
  ) {
    this.o = {
      count: opts.count,
      namePrefix: opts.namePrefix ?? 'sim-node-',
      startIndex: opts.startIndex ?? 0,
      cpu: opts.cpu ?? '4',
      memory: opts.memory ?? '16Gi',
      pods: opts.pods ?? 110,
      labels: opts.labels,
      taints: opts.taints,
      startupDelayMs: opts.startupDelayMs ?? 500,
      jobRunMs: opts.jobRunMs ?? 2000,
      imagePullErrorMs: opts.imagePullErrorMs ?? 1000,
      leaseRenewMs: opts.leaseRenewMs ?? 10000,
      leaseDurationSeconds: opts.leaseDurationSeconds ?? 40,
      events: opts.events ?? true,
      eventQps: opts.eventQps ?? 100,
      // Each real kubelet writes its own pods' status in parallel with every other node's; a few
      // workers for a thousand nodes would hold writes back behind each other's round trips.
      workers: opts.workers ?? Math.min(64, Math.max(8, opts.count)),
    };
    this.failing = new Set(opts.failingImages ?? []);
    this.queue = new WorkQueue(ctx.clock);
    for (let i = 0; i < this.o.count; i++) {
      const index = this.o.startIndex + i;
      const name = `${this.o.namePrefix}${index}`;
      this.nodes.set(name, { name, index, address: nodeAddress(index), cidrBase: cidrBase(syntheticPodCidr(index)), usedIps: new Set(), pulled: new Set() });
    }
    const pods = ctx.informers.informer<PodLike>('pods');
    const onPod = (p: PodLike) => {
      const n = p.spec?.nodeName;
      if (n && this.nodes.has(n)) this.queue.add(objectKey(p));
    };
    pods.addHandler({ add: onPod, update: (_o, p) => onPod(p), delete: (p) => this.forget(objectKey(p)) });
    const nodes = ctx.informers.informer('nodes');
    nodes.addHandler({
      update: (_o, n) => this.onNodeUpdate(n),
      delete: (n) => {
        const sim = this.nodes.get(n.metadata?.name ?? '');
        // A kubelet whose Node is deleted registers it again.
        if (sim && this.signal && !this.signal.aborted) void this.register(sim).catch(() => undefined);
      },
    });
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  private isFailing(image: string): boolean {
    if (this.failing.size === 0) return false;
    if (this.failing.has(image)) return true;
    for (const f of this.failing) if (f.includes(':') ? false : image === `${f}:latest`) return true;
    return false;
  }

  // ---- nodes and leases ----

  private async register(sim: SimNode): Promise<void> {
    const nodes = this.ctx.clients.resource('nodes');
    const body = nodeObject({ name: sim.name, index: sim.index, cpu: this.o.cpu, memory: this.o.memory, pods: this.o.pods, labels: this.o.labels, taints: this.o.taints }, formatTime(this.now()));
    try {
      const created = await nodes.create(body);
      sim.uid = created.metadata?.uid;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      // Registering again after a restart: the node exists; report it ready.
      const cur = await nodes.get(undefined, sim.name);
      sim.uid = cur.metadata?.uid;
      await this.postReady(cur);
    }
  }

  private async postReady(node: KubeObject): Promise<void> {
    const status = { ...((node.status as Record<string, unknown>) ?? {}), conditions: readyConditions(formatTime(this.now())) };
    await this.ctx.clients.resource('nodes').patch(undefined, node.metadata!.name!, 'strategic', { status }, { subresource: 'status' });
  }

  private onNodeUpdate(n: KubeObject): void {
    const sim = this.nodes.get(n.metadata?.name ?? '');
    if (!sim) return;
    const spec = (n.spec ?? {}) as { podCIDR?: string };
    if (spec.podCIDR && spec.podCIDR.includes('.')) sim.cidrBase = cidrBase(spec.podCIDR);
    const ready = ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
    // Someone (node lifecycle) marked us not ready while we were away: say otherwise, as a kubelet's next status update does.
    if (ready && ready.status !== 'True' && this.signal && !this.signal.aborted) void this.postReady(n).catch(() => undefined);
  }

  private async renewLease(sim: SimNode): Promise<void> {
    // The same heartbeat as a real kubelet's, with this cluster's lease duration.
    sim.heartbeat ??= new NodeLease(this.ctx.clients, sim.name, () => sim.uid, this.o.leaseDurationSeconds);
    await sim.heartbeat.renew(this.now());
  }

  private leaseLoop(sim: SimNode, firstDelay: number): void {
    const tick = () => {
      if (this.signal?.aborted) return;
      this.renewLease(sim)
        .catch((e) => this.ctx.log('debug', 'lease renewal failed', { node: sim.name, error: String(e) }))
        .finally(() => {
          if (!this.signal?.aborted) this.ctx.clock.setTimeout(tick, this.o.leaseRenewMs);
        });
    };
    this.ctx.clock.setTimeout(tick, this.o.leaseRenewMs + firstDelay);
  }

  // ---- pods ----

  private forget(key: string): void {
    const st = this.podState.get(key);
    if (st?.ip !== undefined) st.node.usedIps.delete(st.ip);
    this.podState.delete(key);
  }

  private allocateIp(sim: SimNode, existing?: string): number | undefined {
    if (existing && existing.startsWith(sim.cidrBase)) {
      const n = Number(existing.slice(sim.cidrBase.length));
      sim.usedIps.add(n);
      return n;
    }
    for (let i = 2; i < 255; i++) {
      if (!sim.usedIps.has(i)) {
        sim.usedIps.add(i);
        return i;
      }
    }
    return undefined;
  }

  private event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.o.events) this.recorder.event(pod, type, reason, message);
  }

  private _recorder?: ReturnType<ControllerContext['recorder']>;
  private get recorder() {
    // Most kubelet events are new (one per container start); the bounded queue drops them under overload rather than slow pods down.
    return (this._recorder ??= eventRecorder(this.ctx.clients, 'kubelet', () => new Date(this.now()), undefined, { qps: this.o.eventQps, maxQueued: 200 }));
  }

  private runsToCompletion(pod: PodLike): number | undefined {
    const ann = pod.metadata?.annotations?.[ANNOTATION_RUN_MS];
    // A container that exits under restartPolicy Always would be restarted, not completed.
    if (ann !== undefined && /^\d+$/.test(ann) && pod.spec?.restartPolicy !== 'Always') return Number(ann);
    const ownedByJob = pod.metadata?.ownerReferences?.some((r) => r.kind === 'Job' && r.controller);
    if (ownedByJob && pod.spec?.restartPolicy !== 'Always') return this.o.jobRunMs;
    return undefined;
  }

  private async writeStatus(pod: PodLike, stage: Stage, st: PodState, extra: { startedAt?: string; finishedAt?: string; exitCode?: number } = {}): Promise<void> {
    const ip = st.ip === undefined ? undefined : `${st.node.cidrBase}${st.ip}`;
    const status = podStatus(pod as never, {
      stage,
      now: formatTime(this.now()),
      hostIP: st.node.address,
      podIP: stage === 'creating' ? undefined : ip,
      startedAt: extra.startedAt,
      finishedAt: extra.finishedAt,
      exitCode: extra.exitCode,
      pullFailure: (image) => (this.isFailing(image) ? st.lastFailure ?? 'ErrImagePull' : undefined),
    });
    // As the kubelet's status manager: a patch that needs no current resourceVersion (so a stale
    // cache never costs a conflict and a retry), with the uid guarding against a same-named new pod.
    const old = (pod.status ?? {}) as Record<string, unknown>;
    const patch: Record<string, unknown> = { ...status };
    for (const k of Object.keys(old)) if (!(k in patch)) patch[k] = null;
    await this.ctx.clients.resource('pods').patch(pod.metadata!.namespace, pod.metadata!.name!, 'merge', { metadata: { uid: pod.metadata!.uid }, status: patch }, { subresource: 'status' });
  }

  private containersOf(pod: PodLike) {
    return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  }

  private startEvents(pod: PodLike, st: PodState): void {
    if (st.eventsStarted) return;
    st.eventsStarted = true;
    for (const c of this.containersOf(pod)) {
      const image = c.image ?? '';
      if (this.isFailing(image)) continue;
      const policy = pullPolicyOf(image, c.imagePullPolicy);
      if (policy === 'Always' || (policy === 'IfNotPresent' && !st.node.pulled.has(image))) {
        this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
        this.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in 1.021s (1.021s including waiting). Image size: 71027698 bytes.`);
        st.node.pulled.add(image);
      } else {
        this.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      }
      this.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
      this.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    }
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.ctx.informers.informer<PodLike>('pods').get(key);
    if (!pod) return this.forget(key);
    const sim = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!sim) return;
    const uid = pod.metadata?.uid ?? '';
    let st = this.podState.get(key);
    if (!st || st.uid !== uid) {
      if (st) this.forget(key);
      st = { uid, node: sim, seenAt: this.now(), pullAttempts: 0, nextPullAt: 0, eventsStarted: false };
      st.ip = this.allocateIp(sim, pod.status?.podIP);
      this.podState.set(key, st);
    }
    const phase = pod.status?.phase;
    const terminal = phase === 'Succeeded' || phase === 'Failed';

    if (pod.metadata?.deletionTimestamp) {
      const wasRunning = (pod.status?.containerStatuses ?? []).some((c) => c.state?.running);
      if (!terminal && wasRunning) {
        for (const c of pod.spec?.containers ?? []) this.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
        await this.writeStatus(pod, 'stopped', st, { startedAt: this.startedAtOf(pod) });
      }
      try {
        await this.ctx.clients.resource('pods').delete(pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid } });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      this.forget(key);
      return;
    }
    if (terminal) {
      // The sandbox is gone: its address can be reused (the status keeps reporting it, as upstream's does).
      if (st.ip !== undefined) st.node.usedIps.delete(st.ip);
      st.ip = undefined;
      return;
    }

    const statuses = pod.status?.containerStatuses ?? [];
    const reported = statuses.length > 0;
    const started = this.startedAtOf(pod);
    const now = this.now();

    if (started && statuses.every((c) => c.state?.running)) {
      // Running: complete it when its run time is up.
      const runMs = this.runsToCompletion(pod);
      if (runMs === undefined) return;
      const due = Date.parse(started) + runMs;
      if (now < due) return this.queue.addAfter(key, due - now);
      const code = Number(pod.metadata?.annotations?.[ANNOTATION_EXIT_CODE] ?? 0) || 0;
      await this.writeStatus(pod, 'completed', st, { startedAt: started, exitCode: code });
      return;
    }

    const readyAt = st.seenAt + this.o.startupDelayMs;
    if (now < readyAt) {
      if (!reported) await this.writeStatus(pod, 'creating', st);
      return this.queue.addAfter(key, readyAt - now);
    }

    const failingImages = this.containersOf(pod).filter((c) => this.isFailing(c.image ?? ''));
    if (failingImages.length) {
      if (now < st.nextPullAt) return this.queue.addAfter(key, st.nextPullAt - now);
      // Alternate as the kubelet does: a pull fails (ErrImagePull), then back-off (ImagePullBackOff) doubling from 10 s to 5 min.
      if (st.lastFailure !== 'ErrImagePull') {
        st.lastFailure = 'ErrImagePull';
        for (const c of failingImages) {
          this.event(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
          this.event(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${pullErrorMessage(c.image ?? '')}`);
        }
        this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
        st.nextPullAt = now + this.o.imagePullErrorMs;
      } else {
        st.lastFailure = 'ImagePullBackOff';
        for (const c of failingImages) this.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
        this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        st.nextPullAt = now + Math.min(10000 * 2 ** st.pullAttempts, 300000);
        st.pullAttempts++;
      }
      this.startEvents(pod, st);
      await this.writeStatus(pod, 'started', st, { startedAt: started ?? formatTime(now) });
      return this.queue.addAfter(key, st.nextPullAt - now);
    }

    this.startEvents(pod, st);
    await this.writeStatus(pod, 'started', st, { startedAt: formatTime(now) });
  }

  private startedAtOf(pod: PodLike): string | undefined {
    for (const c of pod.status?.containerStatuses ?? []) if (c.state?.running?.startedAt) return c.state.running.startedAt;
    return undefined;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    const sims = [...this.nodes.values()];
    // Register with limited concurrency: a thousand nodes at once would crowd out everything else.
    let next = 0;
    const registerSome = async () => {
      while (next < sims.length && !signal.aborted) {
        const sim = sims[next++];
        try {
          await this.register(sim);
          await this.renewLease(sim);
        } catch (e) {
          this.ctx.log('warn', 'node registration failed', { node: sim.name, error: String(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, sims.length) }, registerSome));
    // Spread lease renewals over the renew period instead of renewing all nodes at once.
    sims.forEach((sim, i) => this.leaseLoop(sim, Math.floor((i * this.o.leaseRenewMs) / Math.max(1, sims.length))));
    await runWorkers({ name: 'simulated-kubelet', queue: this.queue, workers: this.o.workers, reconcile: (k) => this.reconcile(k), log: this.ctx.log }, signal);
  }
}

export function simulatedNodes(ctx: ControllerContext, opts: SimulatedNodesOptions): Controller & { instance: SimulatedNodes } {
  const instance = new SimulatedNodes(ctx, opts);
  return { name: 'simulated-nodes', instance, run: (signal) => instance.run(signal) };
}

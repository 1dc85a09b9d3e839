// The scheduler (kube-scheduler's default profile, simplified): watches pending pods of
// default-scheduler and all nodes and assigned pods, keeps a NodeInfo per node updated
// incrementally, and for each pod runs the filters over the nodes (stopping once enough feasible
// nodes are found, as upstream's percentageOfNodesToScore does), scores the feasible ones and
// binds through pods/NAME/binding. A pod is assumed onto its node before the bind returns so the
// next pods see its requests; a pod that fits nowhere gets PodScheduled=False/Unschedulable and a
// FailedScheduling event, and waits in the queue until the cluster changes.

import { isConflict, isNotFound, objectKey, type Informer } from '../client/informer.js';
import type { EventRecorder } from '../client/events.js';
import type { Controller, ControllerContext } from '../controllers/framework/controller.js';
import { runFilters, type CycleState, type FilterFailure } from './filters.js';
import { interPodAffinityState } from './inter-pod-affinity.js';
import { topologySpreadState } from './topology-spread.js';
import { fitErrorMessage, NO_NODES_MESSAGE } from './fit-error.js';
import { eventRecorder } from '../client/events.js';
import { NodeInfo } from './node-info.js';
import { podInfo, scoresAffinity, type PodInfo } from './pod-info.js';
import { selectHost } from './scores.js';
import { SchedulingQueue, type QueueOptions } from './scheduling-queue.js';
import type { Node, Pod } from './types.js';

export interface SchedulerOptions {
  /** Pods whose spec.schedulerName is this are ours (default "default-scheduler"). */
  schedulerName?: string;
  /** 0 (default) is upstream's adaptive percentage: 50% minus 1% per 125 nodes, at least 5%, at least 100 nodes. */
  percentageOfNodesToScore?: number;
  /** Bindings in flight at once. */
  bindConcurrency?: number;
  /** Record Scheduled / FailedScheduling events (default true). */
  events?: boolean;
  /** Events per second (default 100, burst 200); under a burst of bindings the excess is dropped, as an overloaded event broadcaster drops. */
  eventQps?: number;
  queue?: QueueOptions;
  random?: () => number;
}

const MIN_FEASIBLE_NODES = 100;

/** How many feasible nodes are enough to stop filtering (upstream's numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(5, 50 - Math.floor(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES, Math.floor((numAllNodes * pct) / 100));
}

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Node changes that can make a pod fit somewhere it did not. */
function nodeSchedulingChanged(a: Node, b: Node): boolean {
  return (
    JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {}) ||
    JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? []) ||
    (a.spec?.unschedulable ?? false) !== (b.spec?.unschedulable ?? false) ||
    JSON.stringify(a.status?.allocatable ?? {}) !== JSON.stringify(b.status?.allocatable ?? {})
  );
}

export class Scheduler {
  readonly name: string;
  readonly queue: SchedulingQueue;
  private readonly nodes = new Map<string, NodeInfo>();
  /** Nodes that exist, in a stable order for round-robin filtering. */
  private nodeList: NodeInfo[] = [];
  private nodeListDirty = true;
  /** Assigned pods (bound or assumed): key → node name. */
  private readonly placed = new Map<string, string>();
  private readonly assumed = new Set<string>();
  private nextStartIndex = 0;
  private antiAffinityPods = 0;
  /** Placed pods whose terms feed the InterPodAffinity score; 0 lets pods without preferred terms skip it. */
  private scoreAffinityPods = 0;
  /** Unschedulable pods with pod affinity or spread constraints: a pod landing anywhere may let them fit. */
  private readonly waitingOnPods = new Set<string>();
  private bindsInFlight = 0;
  private bindSlot?: () => void;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly random: () => number;
  /** Pods scheduled (bound) since start, for measurements. */
  scheduled = 0;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.name = opts.schedulerName ?? 'default-scheduler';
    this.queue = new SchedulingQueue(ctx.clock, opts.queue);
    this.pods = ctx.informers.informer<Pod>('pods');
    const qps = opts.eventQps ?? 100;
    // One rate-limited recorder for all the scheduler's events, as upstream's one broadcaster.
    this.recorder = eventRecorder(ctx.clients, this.name, () => new Date(ctx.clock.now()), undefined, { qps });
    this.random = opts.random ?? Math.random;
    const nodes = ctx.informers.informer<Node>('nodes');
    nodes.addHandler({
      add: (n) => this.onNode(n),
      update: (old, n) => this.onNode(n, old),
      delete: (n) => this.onNodeDelete(n),
    });
    this.pods.addHandler({
      add: (p) => this.onPod(p),
      update: (_old, p) => this.onPod(p),
      delete: (p) => this.onPodDelete(p),
    });
  }

  // ---- cache maintenance ----

  private nodeInfo(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      // A pod can name a node the informer has not shown yet: keep its usage on a placeholder.
      ni = new NodeInfo({ metadata: { name } });
      ni.present = false;
      this.nodes.set(name, ni);
    }
    return ni;
  }

  private onNode(n: Node, old?: Node): void {
    const name = n.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (ni) {
      ni.setNode(n);
      if (!ni.present) {
        ni.present = true;
        this.nodeListDirty = true;
      }
    } else {
      this.nodes.set(name, new NodeInfo(n));
      this.nodeListDirty = true;
    }
    if (!old || nodeSchedulingChanged(old, n)) this.queue.moveAllUnschedulable();
  }

  private onNodeDelete(n: Node): void {
    const name = n.metadata?.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    if (ni.pods.size) ni.present = false;
    else this.nodes.delete(name);
    this.nodeListDirty = true;
  }

  private onPod(p: Pod): void {
    const key = objectKey(p);
    const nodeName = p.spec?.nodeName;
    if (nodeName) {
      this.queue.delete(key);
      this.waitingOnPods.delete(key);
      if (isTerminal(p)) return this.unplace(key, true);
      const arrived = this.assumed.delete(key) || this.placed.get(key) !== nodeName;
      this.place(key, nodeName, podInfo(p));
      if (arrived && this.waitingOnPods.size) this.queue.moveAllUnschedulable();
      return;
    }
    if (p.metadata?.deletionTimestamp || isTerminal(p) || (p.spec?.schedulerName ?? 'default-scheduler') !== this.name) {
      this.queue.delete(key);
      this.waitingOnPods.delete(key);
      return;
    }
    this.queue.add(key, p.spec?.priority ?? 0);
  }

  private onPodDelete(p: Pod): void {
    const key = objectKey(p);
    this.queue.delete(key);
    this.waitingOnPods.delete(key);
    this.assumed.delete(key);
    this.unplace(key, true);
  }

  private place(key: string, nodeName: string, pi: PodInfo): void {
    const prev = this.placed.get(key);
    if (prev && prev !== nodeName) this.unplace(key, false);
    const ni = this.nodeInfo(nodeName);
    const old = ni.pods.get(key);
    if (old?.antiAffinity.length) this.antiAffinityPods--;
    if (old && scoresAffinity(old)) this.scoreAffinityPods--;
    ni.addPod(pi);
    if (pi.antiAffinity.length) this.antiAffinityPods++;
    if (scoresAffinity(pi)) this.scoreAffinityPods++;
    this.placed.set(key, nodeName);
  }

  private unplace(key: string, wake: boolean): void {
    const nodeName = this.placed.get(key);
    if (nodeName === undefined) return;
    this.placed.delete(key);
    const ni = this.nodes.get(nodeName);
    const pi = ni?.removePod(key);
    if (pi?.antiAffinity.length) this.antiAffinityPods--;
    if (pi && scoresAffinity(pi)) this.scoreAffinityPods--;
    if (ni && !ni.present && ni.pods.size === 0) this.nodes.delete(nodeName);
    if (wake) this.queue.moveAllUnschedulable();
  }

  private presentNodes(): NodeInfo[] {
    if (this.nodeListDirty) {
      this.nodeList = [...this.nodes.values()].filter((n) => n.present);
      this.nodeListDirty = false;
    }
    return this.nodeList;
  }

  // ---- scheduling ----

  /** One scheduling attempt for a popped key. Synchronous: binding continues in the background. */
  scheduleOne(key: string): void {
    const pod = this.pods.get(key);
    if (!pod || pod.spec?.nodeName || pod.metadata?.deletionTimestamp || isTerminal(pod)) {
      this.queue.done(key);
      return;
    }
    if (pod.spec?.schedulingGates?.length) {
      // Gated pods wait for an update that removes the gates.
      this.queue.done(key);
      return;
    }
    const pi = podInfo(pod);
    const nodes = this.presentNodes();
    const n = nodes.length;
    if (n === 0) return this.fail(key, pod, NO_NODES_MESSAGE);

    // PreFilter: pods without inter-pod terms or spread constraints (and no anti-affinity pods in
    // the cluster) skip both scans.
    let state: CycleState | undefined;
    const interPod = pi.affinity.length || pi.antiAffinity.length || this.antiAffinityPods ? interPodAffinityState(pi, nodes) : undefined;
    const spread = pi.spread.length ? topologySpreadState(pi, nodes) : undefined;
    if (interPod || spread) state = { interPod, spread };
    const want = numFeasibleNodesToFind(n, this.opts.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const failures: FilterFailure[] = [];
    let processed = 0;
    const start = this.nextStartIndex % n;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const ni = nodes[(start + i) % n];
      processed++;
      const f = runFilters(pi, ni, state);
      if (f) failures.push(f);
      else feasible.push(ni);
    }
    this.nextStartIndex = (start + processed) % n;
    if (feasible.length === 0) {
      if (pi.affinity.length || pi.spread.length) this.waitingOnPods.add(key);
      return this.fail(key, pod, fitErrorMessage(n, failures, { preemptionPolicy: pod.spec?.preemptionPolicy }));
    }
    this.waitingOnPods.delete(key);

    const host = feasible[selectHost(pi, feasible, this.random, nodes, this.scoreAffinityPods > 0)];
    this.assumed.add(key);
    this.place(key, host.name, pi);
    this.bindsInFlight++;
    void this.bind(key, pod, host.name).finally(() => {
      this.bindsInFlight--;
      const w = this.bindSlot;
      this.bindSlot = undefined;
      w?.();
    });
  }

  private async bind(key: string, pod: Pod, nodeName: string): Promise<void> {
    const m = pod.metadata ?? {};
    try {
      await this.ctx.clients.resource('pods').createSubresource(m.namespace, m.name!, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: m.name, namespace: m.namespace, uid: m.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      });
      this.scheduled++;
      this.queue.done(key);
      if (this.opts.events !== false) this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${m.namespace}/${m.name} to ${nodeName}`);
    } catch (e) {
      if (this.assumed.delete(key)) this.unplace(key, false);
      if (isNotFound(e) || isConflict(e)) {
        // Gone, being deleted or already bound: the informer will tell what became of it.
        this.queue.done(key);
        const current = this.pods.get(key);
        if (current && !current.spec?.nodeName && !current.metadata?.deletionTimestamp) this.queue.add(key, current.spec?.priority ?? 0);
        return;
      }
      this.ctx.log('warn', 'binding failed; will retry', { pod: key, node: nodeName, error: e instanceof Error ? e.message : String(e) });
      this.queue.error(key);
    }
  }

  private fail(key: string, pod: Pod, message: string): void {
    this.queue.unschedulable(key);
    if (this.opts.events !== false) this.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    void this.writeUnschedulable(pod, message).catch((e) => this.ctx.log('debug', 'updating pod condition failed', { pod: key, error: String(e) }));
  }

  private async writeUnschedulable(pod: Pod, message: string): Promise<void> {
    const cur = pod.status?.conditions?.find((c) => c.type === 'PodScheduled') as { status?: string; reason?: string; message?: string; lastTransitionTime?: string } | undefined;
    if (cur && cur.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message && !pod.status?.nominatedNodeName) return;
    const m = pod.metadata ?? {};
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: cur?.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : formatTime(new Date(this.ctx.clock.now())),
      reason: 'Unschedulable',
      message,
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (pod.status?.nominatedNodeName) status.nominatedNodeName = null;
    await this.ctx.clients.resource('pods').patch(m.namespace, m.name!, 'strategic', { metadata: { uid: m.uid }, status }, { subresource: 'status' });
  }

  private waitBindSlot(): Promise<void> {
    return new Promise((r) => (this.bindSlot = r));
  }

  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    const limit = this.opts.bindConcurrency ?? 64;
    await this.ctx.informers.informer('nodes').synced;
    await this.pods.synced;
    let lastYield = Date.now();
    while (!signal.aborted) {
      const key = this.queue.popNow() ?? (await this.queue.pop());
      if (key === undefined) break;
      try {
        this.scheduleOne(key);
      } catch (e) {
        this.ctx.log('error', 'scheduling attempt failed', { pod: key, error: e instanceof Error ? e.message : String(e) });
        this.queue.error(key);
      }
      while (this.bindsInFlight >= limit && !signal.aborted) await this.waitBindSlot();
      // Let informer events and binding responses through regularly.
      if (Date.now() - lastYield > 5) {
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
  }
}

/** The scheduler as a component the controller manager (or `k8ts scheduler`) runs. */
export function scheduler(ctx: ControllerContext, opts: SchedulerOptions = {}): Controller & { instance: Scheduler } {
  const instance = new Scheduler(ctx, opts);
  return { name: 'scheduler', instance, run: (signal) => instance.run(signal) };
}


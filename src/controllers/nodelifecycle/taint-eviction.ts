// The taint-eviction controller (pkg/controller/tainteviction): a pod on a node with NoExecute
// taints it does not tolerate is deleted at once; one that tolerates them for a limited time
// is deleted when the shortest tolerationSeconds has passed since it was first marked.

import type { KubeObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import { objectKey, isNotFound, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { Clock } from '../../client/workqueue.js';
import type { Log } from '../framework/controller.js';
import type { Taint } from '../../api/taints.js';
import { matchingTolerations, minTolerationMs, nodeTaints, podTolerations } from './taints.js';

interface Scheduled {
  createdAt: number;
  fireAt: number;
  timer: unknown;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const podNode = (pod: KubeObject) => ((pod.spec ?? {}) as Record<string, unknown>).nodeName as string | undefined;

export class TaintEvictor {
  private readonly scheduled = new Map<string, Scheduled>();
  private stopped = false;

  constructor(
    private readonly deps: { pods: Informer; nodes: Informer; podClient: ResourceClient; clock: Clock; recorder: EventRecorder; log: Log; podsOnNode(node: string): KubeObject[] },
  ) {}

  static noExecute(node: KubeObject | undefined): Taint[] {
    return node ? nodeTaints(node).filter((t) => t.effect === 'NoExecute') : [];
  }

  /** Re-examines every pod on a node whose NoExecute taints changed. */
  nodeChanged(old: KubeObject | undefined, node: KubeObject): void {
    if (old && JSON.stringify(TaintEvictor.noExecute(old).map((t) => [t.key, t.value])) === JSON.stringify(TaintEvictor.noExecute(node).map((t) => [t.key, t.value]))) return;
    for (const pod of this.deps.podsOnNode(node.metadata?.name ?? '')) this.processPod(pod);
  }

  podDeleted(pod: KubeObject): void {
    this.cancel(objectKey(pod), undefined);
  }

  /** Schedules, keeps or cancels the pod's eviction (processPodOnNode). */
  processPod(pod: KubeObject): void {
    if (this.stopped) return;
    const key = objectKey(pod);
    const nodeName = podNode(pod);
    if (!nodeName) return;
    // Already on its way out: deleting it again would change nothing.
    if (pod.metadata?.deletionTimestamp && !this.scheduled.has(key)) return;
    const taints = TaintEvictor.noExecute(this.deps.nodes.get(nodeName));
    if (taints.length === 0) return this.cancel(key, pod);
    const now = this.deps.clock.now();
    const { all, used } = matchingTolerations(taints, podTolerations(pod));
    if (!all) {
      this.cancel(key, undefined);
      return this.schedule(key, now, now);
    }
    const min = minTolerationMs(used);
    if (min < 0) return this.cancel(key, pod); // tolerated forever
    const prev = this.scheduled.get(key);
    let start = now;
    if (prev) {
      // The clock runs from when the pod was first marked; a shorter toleration only brings it forward.
      start = prev.createdAt;
      if (start + min >= prev.fireAt) return;
      this.cancel(key, undefined);
    }
    this.schedule(key, start, start + min);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.scheduled.values()) this.deps.clock.clearTimeout(s.timer);
    this.scheduled.clear();
  }

  private schedule(key: string, createdAt: number, fireAt: number): void {
    const delay = fireAt - this.deps.clock.now();
    // Due now: no timer (an injected clock may only fire timers when time moves).
    const timer = delay > 0 ? this.deps.clock.setTimeout(() => void this.evict(key, 0), delay) : undefined;
    this.scheduled.set(key, { createdAt, fireAt, timer });
    if (delay <= 0) queueMicrotask(() => void this.evict(key, 0));
  }

  private cancel(key: string, pod: KubeObject | undefined): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    this.deps.clock.clearTimeout(s.timer);
    this.scheduled.delete(key);
    if (pod) this.deps.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** Marks the pod DisruptionTarget and deletes it, retrying a few times (addConditionAndDeletePod). */
  private async evict(key: string, attempt: number): Promise<void> {
    if (this.stopped) return;
    const pod = this.deps.pods.get(key);
    if (!pod) {
      this.scheduled.delete(key);
      return;
    }
    const ns = pod.metadata?.namespace;
    const name = pod.metadata?.name ?? '';
    this.deps.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      const conditions = Array.isArray(((pod.status ?? {}) as Record<string, unknown>).conditions) ? [...(((pod.status as Record<string, unknown>).conditions) as Record<string, unknown>[])] : [];
      if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
        const cond = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: isoSeconds(this.deps.clock.now()) };
        await this.deps.podClient.patch(ns, name, 'strategic', { status: { conditions: [cond] } }, { subresource: 'status' });
      }
      await this.deps.podClient.delete(ns, name);
      this.scheduled.delete(key);
    } catch (e) {
      if (isNotFound(e)) {
        this.scheduled.delete(key);
        return;
      }
      this.deps.log('warn', 'taint eviction failed', { pod: key, error: e instanceof Error ? e.message : String(e) });
      if (attempt < 5 && !this.stopped) {
        const s = this.scheduled.get(key);
        const timer = this.deps.clock.setTimeout(() => void this.evict(key, attempt + 1), 10 * 2 ** attempt);
        if (s) s.timer = timer;
      }
    }
  }
}

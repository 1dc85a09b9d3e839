// One pass of the node lifecycle controller over all nodes (monitorNodeHealth): nodes silent for
// longer than the grace period get Unknown conditions, their pods are marked not ready, and
// each node's NoSchedule/NoExecute taints are brought in line with its conditions.

import { cloneJson, type KubeObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import { isConflict, isNotFound, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { Log } from '../framework/controller.js';
import { observeNode, unknownConditions, type NodeHealth } from './node-health.js';
import { desiredTaints, nodeCondition, nodeTaints } from './taints.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface MonitorDeps {
  nodes: Informer;
  leases: Informer;
  nodeClient: ResourceClient;
  podClient: ResourceClient;
  recorder: EventRecorder;
  log: Log;
  podsOnNode(node: string): KubeObject[];
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Sets a pod's Ready condition to False, as MarkPodsNotReady does; false when nothing changed. */
export async function markPodNotReady(podClient: ResourceClient, recorder: EventRecorder, pod: KubeObject, now: number): Promise<boolean> {
  const status = (pod.status ?? {}) as Record<string, unknown>;
  const conds = Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : [];
  const ready = conds.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'False') return false;
  const updated = cloneJson(pod);
  const st = updated.status as Record<string, unknown>;
  st.conditions = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: isoSeconds(now) } : c));
  try {
    await podClient.updateStatus(updated);
  } catch (e) {
    if (isNotFound(e) || isConflict(e)) return false; // gone, or changed: its next update brings it back
    throw e;
  }
  recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
  return true;
}

export class NodeMonitor {
  readonly health = new Map<string, NodeHealth>();
  /** Nodes whose pods still have to be marked not ready (a failed earlier attempt). */
  private readonly retryPods = new Set<string>();

  constructor(private readonly d: MonitorDeps) {}

  nodeDeleted(node: KubeObject): void {
    const name = node.metadata?.name ?? '';
    if (!this.health.delete(name)) return;
    this.retryPods.delete(name);
    this.d.recorder.event(node, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
  }

  async pass(now: number): Promise<void> {
    for (const node of this.d.nodes.list()) {
      try {
        await this.checkNode(node, now);
      } catch (e) {
        this.d.log('warn', 'node health update failed; retrying next pass', { node: node.metadata?.name, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private async checkNode(node: KubeObject, now: number): Promise<void> {
    const name = node.metadata?.name ?? '';
    const prev = this.health.get(name);
    if (!prev) this.d.recorder.event(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
    const lease = this.d.leases.getByName(NODE_LEASE_NAMESPACE, name);
    const h = observeNode(prev, node, lease, now);
    this.health.set(name, h);
    const observedReady = nodeCondition(node, 'Ready')?.status;
    const grace = observedReady === undefined ? this.d.startupGracePeriodMs : this.d.gracePeriodMs;
    let current = node;
    if (now > h.probeTimestamp + grace) {
      const conditions = unknownConditions(node, isoSeconds(now));
      if (conditions) {
        const updated = cloneJson(node);
        updated.status = { ...((node.status ?? {}) as Record<string, unknown>), conditions };
        current = await this.d.nodeClient.updateStatus(updated);
        if (observedReady === 'True') {
          this.d.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
          this.retryPods.add(name);
        }
      }
    }
    if (this.retryPods.has(name) && nodeCondition(current, 'Ready')?.status !== 'True') {
      for (const pod of this.d.podsOnNode(name)) await markPodNotReady(this.d.podClient, this.d.recorder, pod, now);
      this.retryPods.delete(name);
    } else if (nodeCondition(current, 'Ready')?.status === 'True') this.retryPods.delete(name);
    await this.syncTaints(current, now);
  }

  /** Brings the node's controller-owned taints in line with its conditions; false if already so. */
  async syncTaints(node: KubeObject, now: number): Promise<boolean> {
    const taints = desiredTaints(node, isoSeconds(now));
    if (JSON.stringify(taints) === JSON.stringify(nodeTaints(node))) return false;
    const updated = cloneJson(node);
    updated.spec = { ...((node.spec ?? {}) as Record<string, unknown>), taints };
    if (taints.length === 0) delete (updated.spec as Record<string, unknown>).taints;
    await this.d.nodeClient.update(updated);
    return true;
  }
}

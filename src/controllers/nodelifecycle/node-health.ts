// Node health bookkeeping (monitorNodeHealth / tryUpdateNodeHealth): when did the controller last
// hear from a node, through its Ready condition's heartbeat or its Lease, and the Unknown
// conditions a node gets once it has been silent for longer than the grace period.

import type { KubeObject } from '../../api/object.js';
import { nodeCondition } from './taints.js';

export interface NodeHealth {
  /** When the controller last observed a sign of life (controller clock, ms). */
  probeTimestamp: number;
  heartbeat?: string;
  readyStatus?: string;
  leaseRenewTime?: string;
}

type Obj = Record<string, unknown>;

/** Updates the bookkeeping with what the node and its lease say now; returns the new record. */
export function observeNode(prev: NodeHealth | undefined, node: KubeObject, lease: KubeObject | undefined, now: number): NodeHealth {
  const ready = nodeCondition(node, 'Ready');
  const heartbeat = typeof ready?.lastHeartbeatTime === 'string' ? ready.lastHeartbeatTime : undefined;
  const readyStatus = typeof ready?.status === 'string' ? ready.status : undefined;
  const renew = ((lease?.spec ?? {}) as Obj).renewTime;
  const leaseRenewTime = typeof renew === 'string' ? renew : undefined;
  if (!prev) {
    // A node never heard from counts from its creation; one with a status from now.
    const created = Date.parse(node.metadata?.creationTimestamp ?? '') || now;
    return { probeTimestamp: ready ? now : created, heartbeat, readyStatus, leaseRenewTime };
  }
  let probe = prev.probeTimestamp;
  // Only a new heartbeat counts: the controller's own Unknown update keeps the old one.
  if (heartbeat !== prev.heartbeat) probe = now;
  if (leaseRenewTime && (!prev.leaseRenewTime || Date.parse(leaseRenewTime) > Date.parse(prev.leaseRenewTime))) probe = now;
  return { probeTimestamp: probe, heartbeat, readyStatus, leaseRenewTime: leaseRenewTime ?? prev.leaseRenewTime };
}

const MONITORED = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * The node's conditions once the controller gives up on it: each monitored condition becomes
 * Unknown ("Kubelet stopped posting node status."), or is added as Unknown if the kubelet never
 * posted it. Returns undefined when nothing changes.
 */
export function unknownConditions(node: KubeObject, nowIso: string): Obj[] | undefined {
  const current = Array.isArray(((node.status ?? {}) as Obj).conditions) ? ((node.status as Obj).conditions as Obj[]) : [];
  const out = current.map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED) {
    const c = out.find((x) => x.type === type);
    if (!c) {
      out.push({ type, status: 'Unknown', lastHeartbeatTime: node.metadata?.creationTimestamp ?? nowIso, lastTransitionTime: nowIso, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
      changed = true;
    } else if (c.status !== 'Unknown') {
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: nowIso });
      changed = true;
    }
  }
  return changed ? out : undefined;
}

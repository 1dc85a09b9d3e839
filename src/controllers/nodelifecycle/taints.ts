// Taints and tolerations as the node lifecycle and taint-eviction controllers use them: which
// taints a node's conditions call for, and whether (and for how long) a pod tolerates them.

import type { KubeObject } from '../../api/object.js';
import { toleratesTaint, type Taint, type Toleration } from '../../api/taints.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Conditions whose True status taints the node NoSchedule (nodeConditionToTaintKeyStatusMap). */
const conditionTaints: [string, string, string][] = [
  ['MemoryPressure', 'True', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'True', 'node.kubernetes.io/disk-pressure'],
  ['NetworkUnavailable', 'True', 'node.kubernetes.io/network-unavailable'],
  ['PIDPressure', 'True', 'node.kubernetes.io/pid-pressure'],
];
const managedNoSchedule = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, ...conditionTaints.map((c) => c[2])]);
const managedNoExecute = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

type Obj = Record<string, unknown>;

export function nodeTaints(node: KubeObject): Taint[] {
  const t = ((node.spec ?? {}) as Obj).taints;
  return Array.isArray(t) ? (t as Taint[]) : [];
}

export function nodeCondition(node: KubeObject, type: string): Obj | undefined {
  const cs = ((node.status ?? {}) as Obj).conditions;
  return Array.isArray(cs) ? (cs as Obj[]).find((c) => c.type === type) : undefined;
}

const same = (a: Taint, b: { key: string; effect: string }) => a.key === b.key && a.effect === b.effect;

/**
 * The node's taints as the controller wants them: its own NoSchedule and NoExecute taints follow
 * the node's conditions and spec.unschedulable; other taints are kept as they are. An existing
 * taint keeps its timeAdded; a new NoExecute taint is stamped `now`.
 */
export function desiredTaints(node: KubeObject, now: string): Taint[] {
  const ready = nodeCondition(node, 'Ready')?.status;
  const want: { key: string; effect: string }[] = [];
  if (ready === 'False') want.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' });
  else if (ready === 'Unknown') want.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  for (const [type, status, key] of conditionTaints) if (nodeCondition(node, type)?.status === status) want.push({ key, effect: 'NoSchedule' });
  if (((node.spec ?? {}) as Obj).unschedulable === true) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });

  const current = nodeTaints(node);
  // Without a Ready condition the NoExecute taints are left as they are (processTaintBaseEviction
  // only runs on nodes that report one).
  const managed = (t: Taint) => (t.effect === 'NoSchedule' && managedNoSchedule.has(t.key)) || (ready !== undefined && t.effect === 'NoExecute' && managedNoExecute.has(t.key));
  const out = current.filter((t) => !managed(t) || want.some((w) => same(t, w)));
  for (const w of want) {
    if (out.some((t) => same(t, w))) continue;
    out.push(w.effect === 'NoExecute' ? { key: w.key, effect: w.effect, timeAdded: now } : { key: w.key, effect: w.effect });
  }
  return out;
}

export function podTolerations(pod: KubeObject): Toleration[] {
  const t = ((pod.spec ?? {}) as Obj).tolerations;
  return Array.isArray(t) ? (t as Toleration[]) : [];
}

/** Whether every taint is tolerated, and the tolerations that did it (getMatchingTolerations). */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((t) => toleratesTaint(t, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/**
 * How long (ms) the pod may stay: the smallest tolerationSeconds among the tolerations used,
 * 0 for none or a non-positive value, -1 when every one tolerates forever.
 */
export function minTolerationMs(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (typeof t.tolerationSeconds !== 'number') continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

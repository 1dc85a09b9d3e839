// DaemonSet status from nodes and their daemon pods (upstream's updateDaemonSetStatus), with Go's
// omitempty for the counts that have it.

import type { KubeObject } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../statefulset/pod-state.js';
import { isPodUpdated } from './pod-template.js';

type Obj = Record<string, unknown>;

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
export function sortDaemonPods(pods: readonly KubeObject[]): KubeObject[] {
  const scheduled = (p: KubeObject) => !!(p.spec as Obj | undefined)?.nodeName;
  return [...pods].sort((a, b) => {
    if (scheduled(a) !== scheduled(b)) return scheduled(a) ? -1 : 1;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

export interface DaemonStatusInput {
  nodes: readonly KubeObject[];
  nodeToPods: ReadonlyMap<string, readonly KubeObject[]>;
  shouldRun(node: KubeObject): boolean;
  hash: string;
  generation: number | undefined;
  minReadySeconds: number;
  nowMs: number;
  /** Whether this sync acted on the current generation. */
  observedGeneration: number | undefined;
  collisionCount: number | undefined;
  conditions: unknown;
}

export function computeDaemonSetStatus(i: DaemonStatusInput): Obj {
  let desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  for (const node of i.nodes) {
    const pods = i.nodeToPods.get(node.metadata?.name ?? '') ?? [];
    const scheduled = pods.length > 0;
    if (i.shouldRun(node)) {
      desired++;
      if (!scheduled) continue;
      current++;
      const pod = sortDaemonPods(pods)[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, i.minReadySeconds, i.nowMs)) available++;
      }
      if (isPodUpdated(pod, i.hash, i.generation)) updated++;
    } else if (scheduled) {
      misscheduled++;
    }
  }
  const s: Obj = { currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: desired, numberReady: ready };
  if (i.observedGeneration) s.observedGeneration = i.observedGeneration;
  if (updated) s.updatedNumberScheduled = updated;
  if (available) s.numberAvailable = available;
  if (desired - available) s.numberUnavailable = desired - available;
  if (i.collisionCount !== undefined) s.collisionCount = i.collisionCount;
  if (Array.isArray(i.conditions) && i.conditions.length > 0) s.conditions = i.conditions;
  return s;
}

const FIELDS = ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'];

export function daemonStatusChanged(old: Obj, next: Obj): boolean {
  return FIELDS.some((f) => (old[f] ?? 0) !== (next[f] ?? 0));
}

// Pod readiness and availability as controllers judge them (pkg/api/v1/pod and controller utils).

import type { KubeObject } from '../../api/object.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

function status(pod: KubeObject): Record<string, unknown> {
  return (pod.status as Record<string, unknown> | undefined) ?? {};
}

export function podPhase(pod: KubeObject): string {
  return (status(pod).phase as string | undefined) ?? '';
}

export function podReadyCondition(pod: KubeObject): PodCondition | undefined {
  const conds = status(pod).conditions as PodCondition[] | undefined;
  return conds?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: KubeObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds (now in ms since the epoch). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  if (!c.lastTransitionTime) return false;
  return Date.parse(c.lastTransitionTime) + minReadySeconds * 1000 < now;
}

/** Not finished and not being deleted: the pods a workload controller counts. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

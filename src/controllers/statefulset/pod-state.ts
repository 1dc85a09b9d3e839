// Pod lifecycle predicates the workload controllers decide on (upstream's podutil and the
// StatefulSet helpers): created, terminating, running and ready, available after minReadySeconds.

import type { KubeObject } from '../../api/object.js';
import { objOf as obj } from '../../api/validation/util.js';

type Obj = Record<string, unknown>;

export function podPhase(pod: KubeObject): string {
  return (obj(pod.status).phase as string | undefined) ?? '';
}

function readyCondition(pod: KubeObject): Obj | undefined {
  const conds = obj(pod.status).conditions;
  return Array.isArray(conds) ? (conds as unknown[]).map(obj).find((c) => c.type === 'Ready') : undefined;
}

export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds as of nowMs (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const t = readyCondition(pod)?.lastTransitionTime;
  if (typeof t !== 'string') return false;
  return Date.parse(t) + minReadySeconds * 1000 <= nowMs;
}

/** The API server has accepted the pod (its phase is set on create). */
export const isCreated = (pod: KubeObject): boolean => podPhase(pod) !== '';
export const isFailed = (pod: KubeObject): boolean => podPhase(pod) === 'Failed';
export const isSucceeded = (pod: KubeObject): boolean => podPhase(pod) === 'Succeeded';
export const isTerminating = (pod: KubeObject): boolean => !!pod.metadata?.deletionTimestamp;
export const isRunningAndReady = (pod: KubeObject): boolean => podPhase(pod) === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: KubeObject, minReadySeconds: number, nowMs: number): boolean => podPhase(pod) === 'Running' && isPodAvailable(pod, minReadySeconds, nowMs);

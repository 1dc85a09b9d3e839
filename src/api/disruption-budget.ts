// The PodDisruptionBudget DisruptionAllowed condition (component-helpers' poddisruptionbudget
// helpers): shared by the disruption controller and the eviction subresource, which both change
// disruptionsAllowed and must keep the condition in step with it.

import type { KubeObject } from './object.js';

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

/** metav1.Condition, as serialized (message is not omitempty). */
export interface PdbCondition {
  type: string;
  status: string;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

/** A budget's status with upstream's zero values for what the controller has not written yet. */
export function pdbStatus(pdb: KubeObject): PdbStatus {
  return { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...((pdb.status ?? {}) as Partial<PdbStatus>) };
}

/**
 * apimeta.SetStatusCondition: replaces the condition of the same type, keeping its transition
 * time when the status did not change. Returns a new list.
 */
export function setCondition(conds: PdbCondition[] | undefined, next: Omit<PdbCondition, 'lastTransitionTime'>, now: string): PdbCondition[] {
  const list = conds ?? [];
  const old = list.find((c) => c.type === next.type);
  const cond: PdbCondition = { type: next.type, status: next.status, lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : now, reason: next.reason, message: next.message };
  if (next.observedGeneration) cond.observedGeneration = next.observedGeneration;
  // Field order as upstream serializes a metav1.Condition.
  const ordered: PdbCondition = { type: cond.type, status: cond.status, ...(cond.observedGeneration ? { observedGeneration: cond.observedGeneration } : {}), lastTransitionTime: cond.lastTransitionTime, reason: cond.reason, message: cond.message };
  return old ? list.map((c) => (c === old ? ordered : c)) : [...list, ordered];
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(st: PdbStatus, now: string): PdbStatus {
  const allowed = st.disruptionsAllowed > 0;
  return {
    ...st,
    conditions: setCondition(st.conditions, {
      type: DISRUPTION_ALLOWED,
      status: allowed ? 'True' : 'False',
      observedGeneration: st.observedGeneration,
      reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
      message: '',
    }, now),
  };
}

/** ConditionsAreUpToDate: the condition exists, the generation is observed, and it agrees with disruptionsAllowed. */
export function conditionsUpToDate(st: PdbStatus, generation: number | undefined): boolean {
  const c = st.conditions?.find((x) => x.type === DISRUPTION_ALLOWED);
  if (!c) return false;
  if ((st.observedGeneration ?? 0) !== (generation ?? 0)) return false;
  if (st.disruptionsAllowed > 0) return c.status === 'True' && c.reason === SUFFICIENT_PODS;
  return c.status === 'False' && c.reason === INSUFFICIENT_PODS;
}

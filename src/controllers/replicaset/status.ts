// The ReplicaSet status computed from the pods it controls (replica_set_utils.go calculateStatus),
// including the ReplicaFailure condition that reports create/delete errors.

import type { KubeObject } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../util/pods.js';

export interface RSCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface RSStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: RSCondition[];
}

function specOf(rs: KubeObject): Record<string, unknown> {
  return (rs.spec as Record<string, unknown> | undefined) ?? {};
}

export function rsReplicas(rs: KubeObject): number {
  return (specOf(rs).replicas as number | undefined) ?? 1;
}

export function rsStatus(rs: KubeObject): RSStatus {
  return (rs.status as RSStatus | undefined) ?? { replicas: 0 };
}

export function calculateStatus(rs: KubeObject, pods: KubeObject[], manageError: Error | undefined, now: number): RSStatus {
  const old = rsStatus(rs);
  const templateLabels = (((specOf(rs).template as Record<string, unknown> | undefined)?.metadata as Record<string, unknown> | undefined)?.labels as Record<string, string> | undefined) ?? {};
  const minReady = (specOf(rs).minReadySeconds as number | undefined) ?? 0;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    const labels = p.metadata?.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  let conditions = old.conditions ? [...old.conditions] : undefined;
  const failure = conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - rsReplicas(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...(conditions ?? []), { type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), reason, message: manageError.message }];
  } else if (!manageError && failure) {
    conditions = conditions!.filter((c) => c.type !== 'ReplicaFailure');
    if (!conditions.length) conditions = undefined;
  }
  const st: RSStatus = { replicas: pods.length, fullyLabeledReplicas: fully, readyReplicas: ready, availableReplicas: available, observedGeneration: old.observedGeneration };
  if (conditions) st.conditions = conditions;
  return st;
}

/** Whether the stored status already says this (observedGeneration included). */
export function statusEqual(a: RSStatus, b: RSStatus): boolean {
  return (
    (a.replicas ?? 0) === (b.replicas ?? 0) &&
    (a.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (a.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (a.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    (a.observedGeneration ?? 0) === (b.observedGeneration ?? 0) &&
    JSON.stringify(a.conditions ?? []) === JSON.stringify(b.conditions ?? [])
  );
}

// Deployment status and conditions (deployment/sync.go calculateStatus, syncRolloutStatus and the
// condition helpers in deployment/util): counts summed over the ReplicaSets, the Available
// condition from maxUnavailable, and Progressing with its upstream reasons and messages.

import type { KubeObject } from '../../api/object.js';
import { maxUnavailable, num, replicas, spec, statusOf, sumStatus, type Obj } from './util.js';

export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export { formatTime } from '../util/time.js';
import { formatTime } from '../util/time.js';

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: number): DeploymentCondition {
  const t = formatTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(st: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return st.conditions?.find((c) => c.type === type);
}

/** Same status and reason: nothing changes (not even lastUpdateTime). A moved condition goes last. */
export function setCondition(st: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(st, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur && cur.status === c.status) next.lastTransitionTime = cur.lastTransitionTime;
  st.conditions = [...(st.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(st: DeploymentStatus, type: string): void {
  if (!st.conditions) return;
  st.conditions = st.conditions.filter((c) => c.type !== type);
  if (!st.conditions.length) delete st.conditions;
}

export function deploymentStatus(d: KubeObject): DeploymentStatus {
  return (d.status as DeploymentStatus | undefined) ?? {};
}

/** Zero counts are omitted (omitempty), so a computed status compares equal to the stored one. */
export function calculateStatus(all: KubeObject[], newRS: KubeObject | undefined, d: KubeObject, now: number): DeploymentStatus {
  const available = sumStatus(all, 'availableReplicas');
  const total = all.reduce((n, rs) => n + replicas(rs), 0);
  const old = deploymentStatus(d);
  const st: DeploymentStatus = {
    observedGeneration: d.metadata?.generation,
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: newRS ? num(statusOf(newRS), 'replicas') : 0,
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  if (old.conditions) st.conditions = old.conditions.map((c) => ({ ...c }));
  if (old.collisionCount) st.collisionCount = old.collisionCount;
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (!st[k]) delete st[k];
  if (available >= replicas(d) - maxUnavailable(d)) setCondition(st, newCondition('Available', 'True', REASONS.minAvailable, 'Deployment has minimum availability.', now));
  else setCondition(st, newCondition('Available', 'False', REASONS.minUnavailable, 'Deployment does not have minimum availability.', now));
  return st;
}

export function progressDeadline(d: KubeObject): number | undefined {
  const v = spec(d).progressDeadlineSeconds as number | undefined;
  return v === undefined || v === 2147483647 ? undefined : v;
}

export function deploymentComplete(d: KubeObject, st: DeploymentStatus): boolean {
  const r = replicas(d);
  return (st.updatedReplicas ?? 0) === r && (st.replicas ?? 0) === r && (st.availableReplicas ?? 0) === r && (st.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

export function deploymentProgressing(d: KubeObject, st: DeploymentStatus): boolean {
  const old = deploymentStatus(d);
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export function deploymentTimedOut(d: KubeObject, st: DeploymentStatus, now: number): boolean {
  const deadline = progressDeadline(d);
  if (deadline === undefined) return false;
  const c = getCondition(st, 'Progressing');
  if (!c) return false;
  if (c.reason === REASONS.newRSAvailable) return false;
  if (c.reason === REASONS.timedOut) return true;
  return Date.parse(c.lastUpdateTime ?? '') + deadline * 1000 < now;
}

/** Progressing after a rollout step (syncRolloutStatus), and ReplicaFailure copied from the sets. */
export function rolloutStatus(all: KubeObject[], newRS: KubeObject | undefined, d: KubeObject, now: number): DeploymentStatus {
  const st = calculateStatus(all, newRS, d, now);
  const deadline = progressDeadline(d);
  if (deadline === undefined) removeCondition(st, 'Progressing');
  const cur = getCondition(deploymentStatus(d), 'Progressing');
  const complete = st.replicas === st.updatedReplicas && cur?.reason === REASONS.newRSAvailable;
  if (deadline !== undefined && !complete) {
    const name = d.metadata?.name;
    if (deploymentComplete(d, st)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata?.name}" has successfully progressed.` : `Deployment "${name}" has successfully progressed.`;
      setCondition(st, newCondition('Progressing', 'True', REASONS.newRSAvailable, msg, now));
    } else if (deploymentProgressing(d, st)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata?.name}" is progressing.` : `Deployment "${name}" is progressing.`;
      const c = newCondition('Progressing', 'True', REASONS.rsUpdated, msg, now);
      if (cur) {
        if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(st, 'Progressing');
      }
      setCondition(st, c);
    } else if (deploymentTimedOut(d, st, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata?.name}" has timed out progressing.` : `Deployment "${name}" has timed out progressing.`;
      setCondition(st, newCondition('Progressing', 'False', REASONS.timedOut, msg, now));
    }
  }
  const failures: DeploymentCondition[] = [];
  for (const rs of [newRS, ...all.filter((x) => x !== newRS)]) {
    const c = ((statusOf(rs ?? {}).conditions as Obj[] | undefined) ?? []).find((x) => x.type === 'ReplicaFailure');
    if (c) failures.push({ type: 'ReplicaFailure', status: c.status as DeploymentCondition['status'], lastUpdateTime: c.lastTransitionTime as string, lastTransitionTime: c.lastTransitionTime as string, reason: c.reason as string, message: c.message as string });
  }
  if (failures.length) setCondition(st, failures[0]);
  else removeCondition(st, 'ReplicaFailure');
  return st;
}

/** When to look again at a rollout that may time out (requeueStuckDeployment), in ms; -1 for never. */
export function stuckRequeueAfter(d: KubeObject, st: DeploymentStatus, now: number): number {
  const deadline = progressDeadline(d);
  const c = getCondition(st, 'Progressing');
  if (deadline === undefined || !c || deploymentComplete(d, st) || c.reason === REASONS.timedOut) return -1;
  const after = Date.parse(c.lastUpdateTime ?? '') + deadline * 1000 - now;
  return after < 1000 ? 0 : after;
}

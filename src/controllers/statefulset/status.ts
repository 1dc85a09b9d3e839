// StatefulSet status from its pods (upstream's computeReplicaStatus + completeRollingUpdate),
// with Go's omitempty: zero counts other than replicas and availableReplicas are left out.

import type { KubeObject } from '../../api/object.js';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating } from './pod-state.js';
import { podRevision, specReplicas } from './identity.js';
import { objOf as obj } from '../../api/validation/util.js';

type Obj = Record<string, unknown>;

export interface StatusInput {
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  minReadySeconds: number;
  nowMs: number;
}

export function computeStatus(set: KubeObject, pods: readonly KubeObject[], i: StatusInput): Obj {
  let replicas = 0, ready = 0, available = 0, current = 0, updated = 0;
  for (const p of pods) {
    if (!isCreated(p)) continue;
    replicas++;
    if (isRunningAndReady(p)) {
      ready++;
      if (isRunningAndAvailable(p, i.minReadySeconds, i.nowMs)) available++;
    }
    if (isTerminating(p)) continue;
    const rev = podRevision(p);
    if (rev === i.currentRevision) current++;
    if (rev === i.updateRevision) updated++;
  }
  let currentRevision = i.currentRevision;
  // A finished rolling update makes the update revision current.
  const want = specReplicas(set);
  if (obj(obj(set.spec).updateStrategy).type === 'RollingUpdate' && updated === want && ready === want && replicas === want) {
    current = updated;
    currentRevision = i.updateRevision;
  }
  const s: Obj = {};
  if (set.metadata?.generation) s.observedGeneration = set.metadata.generation;
  s.replicas = replicas;
  if (ready) s.readyReplicas = ready;
  if (current) s.currentReplicas = current;
  if (updated) s.updatedReplicas = updated;
  if (currentRevision) s.currentRevision = currentRevision;
  if (i.updateRevision) s.updateRevision = i.updateRevision;
  s.collisionCount = i.collisionCount;
  const conditions = obj(set.status).conditions;
  if (Array.isArray(conditions) && conditions.length > 0) s.conditions = conditions;
  s.availableReplicas = available;
  return s;
}

const STATUS_FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision', 'collisionCount', 'availableReplicas'];

export function statusChanged(old: Obj, next: Obj): boolean {
  return STATUS_FIELDS.some((f) => (old[f] ?? 0) !== (next[f] ?? 0));
}

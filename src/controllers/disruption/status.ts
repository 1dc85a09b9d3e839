// The disruption controller's arithmetic (disruption.go getExpectedPodCount, countHealthyPods,
// buildDisruptedPodMap, updatePdbStatus, failSafe), as pure functions over the cached objects.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { scaledValue } from '../daemonset/int-or-percent.js';
import { groupOf } from '../garbagecollector/owner-refs.js';
import { controllerOf } from '../util/owners.js';
import { isPodReady } from '../util/pods.js';
import { conditionsUpToDate, DISRUPTION_ALLOWED, pdbStatus, setCondition, SYNC_FAILED, withDisruptionAllowedCondition, type PdbStatus } from '../../api/disruption-budget.js';

/**
 * Upstream's DeletionTimeout: an entry in status.disruptedPods (written by the eviction
 * subresource just before it deletes the pod) counts the pod as gone for this long; a pod that
 * is still not being deleted after it is counted again.
 */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export type WorkloadKind = 'ReplicaSet' | 'Deployment' | 'StatefulSet' | 'ReplicationController';

/** Reads of the workload caches the finders need. */
export type WorkloadLookup = (kind: WorkloadKind, namespace: string, name: string) => KubeObject | undefined;

export interface ControllerScale {
  uid: string;
  scale: number;
}

function replicasOf(o: KubeObject): number {
  return ((o.spec as { replicas?: number } | undefined)?.replicas ?? 1);
}

function sameUid(o: KubeObject | undefined, uid: string): KubeObject | undefined {
  return o && o.metadata?.uid === uid ? o : undefined;
}

// Kinds the built-in finders do not know that upstream's scale finder resolves to a resource
// without a scale subresource.
const NO_SCALE: Record<string, { groups: string[]; resource: string }> = {
  DaemonSet: { groups: ['apps', 'extensions'], resource: 'daemonsets.apps' },
  Job: { groups: ['batch'], resource: 'jobs.batch' },
};

/**
 * The controller of one pod and its scale, tried in upstream's finder order: ReplicationController,
 * Deployment (through its ReplicaSet), ReplicaSet (not owned by a Deployment), StatefulSet.
 * Throws where upstream's scale finder reports an error.
 */
export function findControllerScale(ref: OwnerReference, namespace: string, lookup: WorkloadLookup): ControllerScale | undefined {
  const group = groupOf(ref.apiVersion);
  if (ref.kind === 'ReplicationController' && group === '') {
    const rc = sameUid(lookup('ReplicationController', namespace, ref.name), ref.uid);
    if (rc) return { uid: rc.metadata!.uid!, scale: replicasOf(rc) };
  }
  if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
    const rs = sameUid(lookup('ReplicaSet', namespace, ref.name), ref.uid);
    if (rs) {
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment') {
        const g = groupOf(owner.apiVersion);
        const d = g === 'apps' || g === 'extensions' ? sameUid(lookup('Deployment', namespace, owner.name), owner.uid) : undefined;
        if (d) return { uid: d.metadata!.uid!, scale: replicasOf(d) };
      } else {
        return { uid: rs.metadata!.uid!, scale: replicasOf(rs) };
      }
    }
  }
  if (ref.kind === 'StatefulSet' && group === 'apps') {
    const ss = sameUid(lookup('StatefulSet', namespace, ref.name), ref.uid);
    if (ss) return { uid: ss.metadata!.uid!, scale: replicasOf(ss) };
  }
  const noScale = NO_SCALE[ref.kind];
  if (noScale && noScale.groups.includes(group)) throw new Error(`${noScale.resource} does not implement the scale subresource`);
  return undefined;
}

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
  /** Names of matched pods without a controller (only looked for when the scale matters). */
  unmanagedPods: string[];
}

/** The sum of the scales of the matched pods' controllers (getExpectedScale). */
export function expectedScale(pods: KubeObject[], lookup: WorkloadLookup): { expectedCount: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata!.name!);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = findControllerScale(ref, pod.metadata!.namespace ?? '', lookup);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata!.name}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const s of scales.values()) expectedCount += s;
  return { expectedCount, unmanagedPods };
}

/**
 * getExpectedPodCount: with an integer minAvailable the matched pods are the expected ones and
 * no controller is consulted; a percentage or maxUnavailable is taken of the controllers' scale.
 */
export function expectedPodCount(pdb: KubeObject, pods: KubeObject[], lookup: WorkloadLookup): ExpectedCount {
  const spec = (pdb.spec ?? {}) as { minAvailable?: number | string; maxUnavailable?: number | string };
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = expectedScale(pods, lookup);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanagedPods };
  }
  if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] };
  if (typeof spec.minAvailable === 'string') {
    const { expectedCount, unmanagedPods } = expectedScale(pods, lookup);
    return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

export interface DisruptedPods {
  /** The entries still in force. */
  disruptedPods: Record<string, string>;
  /** When the earliest kept entry expires (ms since the epoch): sync again then. */
  recheckAt?: number;
  /** Pods that were expected to be deleted but were not (upstream records a NotDeleted event). */
  notDeleted: KubeObject[];
}

/**
 * buildDisruptedPodMap: keeps the entries of matched pods that are not yet being deleted and
 * whose DeletionTimeout has not passed; entries of deleted, terminating or unmatched pods go.
 */
export function buildDisruptedPods(pods: KubeObject[], previous: Record<string, string> | undefined, now: number): DisruptedPods {
  const out: DisruptedPods = { disruptedPods: {}, notDeleted: [] };
  if (!previous) return out;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = previous[pod.metadata!.name!];
    if (at === undefined) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expires < now) {
      out.notDeleted.push(pod);
      continue;
    }
    if (out.recheckAt === undefined || expires < out.recheckAt) out.recheckAt = expires;
    out.disruptedPods[pod.metadata!.name!] = at;
  }
  return out;
}

/** countHealthyPods: Ready pods that are neither being deleted nor about to be (disruptedPods). */
export function countHealthy(pods: KubeObject[], disrupted: Record<string, string>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata!.name!];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => Date.parse(a![k]) === Date.parse(b[k]));
}

/**
 * updatePdbStatus: the status to write, or undefined when the stored one already says it all.
 * Disruptions are allowed only when some pods are expected, so a budget whose first pods just
 * appeared stays safe until it is synced.
 */
export function nextStatus(pdb: KubeObject, c: { currentHealthy: number; desiredHealthy: number; expectedCount: number; disruptedPods: Record<string, string> }, nowIso: string): PdbStatus | undefined {
  const old = pdbStatus(pdb);
  const generation = pdb.metadata?.generation ?? 0;
  let allowed = c.currentHealthy - c.desiredHealthy;
  if (c.expectedCount <= 0 || allowed <= 0) allowed = 0;
  if (
    old.currentHealthy === c.currentHealthy &&
    old.desiredHealthy === c.desiredHealthy &&
    old.expectedPods === c.expectedCount &&
    old.disruptionsAllowed === allowed &&
    sameMap(old.disruptedPods, c.disruptedPods) &&
    (old.observedGeneration ?? 0) === generation &&
    conditionsUpToDate(old, generation)
  ) return undefined;
  // Field order as upstream serializes PodDisruptionBudgetStatus.
  const st: PdbStatus = {
    ...(generation ? { observedGeneration: generation } : {}),
    ...(Object.keys(c.disruptedPods).length ? { disruptedPods: c.disruptedPods } : {}),
    disruptionsAllowed: allowed,
    currentHealthy: c.currentHealthy,
    desiredHealthy: c.desiredHealthy,
    expectedPods: c.expectedCount,
    ...(old.conditions ? { conditions: old.conditions } : {}),
  };
  return withDisruptionAllowedCondition(st, nowIso);
}

/** failSafe: when a sync fails, at least stop evictions, saying why in the condition. */
export function failSafeStatus(pdb: KubeObject, message: string, nowIso: string): PdbStatus {
  const old = pdbStatus(pdb);
  return {
    ...old,
    disruptionsAllowed: 0,
    conditions: setCondition(old.conditions, { type: DISRUPTION_ALLOWED, status: 'False', observedGeneration: old.observedGeneration, reason: SYNC_FAILED, message }, nowIso),
  };
}

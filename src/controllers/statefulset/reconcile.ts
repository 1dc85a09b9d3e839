// One StatefulSet sync (upstream's StatefulSetControl.UpdateStatefulSet): claim pods and
// revisions, work out the current and update revisions, create missing pods (and their claims)
// in ordinal order, delete condemned pods in reverse order, roll pods to the update revision from
// the highest ordinal down to the partition, then write status and prune old revisions.
// OrderedReady stops at the first pod that is not yet Running and Ready; Parallel does not.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import type { ClientSet } from '../../client/clientset.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isNotFound, splitKey, type Informer } from '../../client/informer.js';
import type { Clock } from '../../client/workqueue.js';
import { claimObjects } from '../util/owners.js';
import { createControllerRevision, equalRevision, findEqualRevisions, nextRevision, revisionsToPrune, sortRevisions, type ControllerRevision } from '../history/revisions.js';
import { getOrdinal, isMemberOf, newClaims, newStatefulSetPod, podRevision, specReplicas, startOrdinal, stsOwnerRef } from './identity.js';
import { PendingDeletions } from './pending-deletions.js';
import { isCreated, isFailed, isRunningAndAvailable, isRunningAndReady, isSucceeded, isTerminating } from './pod-state.js';
import { applyRevision, statefulSetRevision } from './revision.js';
import { computeStatus, statusChanged } from './status.js';
import { objOf as obj } from '../../api/validation/util.js';


export interface StatefulSetDeps {
  clients: ClientSet;
  sets: Informer;
  pods: Informer;
  revisions: Informer<ControllerRevision>;
  claims: Informer;
  recorder: EventRecorder;
  clock: Clock;
  /** Asks for another sync later (minReadySeconds). */
  requeueAfter(key: string, ms: number): void;
}

export function statefulSetReconciler(deps: StatefulSetDeps): (key: string) => Promise<void> {
  const podsClient = deps.clients.resource('pods');
  const revClient = deps.clients.resource<ControllerRevision>('controllerrevisions');
  const claimsClient = deps.clients.resource('persistentvolumeclaims');
  const setsClient = deps.clients.resource('statefulsets');
  const pendingDeletions = new PendingDeletions();

  const podEvent = (set: KubeObject, verb: 'Create' | 'Delete' | 'Update', pod: KubeObject, err?: unknown) => {
    const v = verb.toLowerCase();
    if (err === undefined) deps.recorder.event(set, 'Normal', `Successful${verb}`, `${v} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
    else deps.recorder.event(set, 'Warning', `Failed${verb}`, `${v} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${err instanceof Error ? err.message : String(err)}`);
  };

  /** Creates the pod's missing claims (createPersistentVolumeClaims). */
  const createClaims = async (set: KubeObject, pod: KubeObject) => {
    const ordinal = getOrdinal(pod);
    const policy = obj(obj(set.spec).persistentVolumeClaimRetentionPolicy);
    for (const claim of newClaims(set, ordinal).values()) {
      const existing = deps.claims.getByName(claim.metadata?.namespace, claim.metadata!.name!);
      if (existing) {
        if (existing.metadata?.deletionTimestamp) throw new Error(`pvc ${claim.metadata!.name} is being deleted`);
        continue;
      }
      // whenDeleted: Delete makes the set an owner of its claims, so they go with it.
      if (policy.whenDeleted === 'Delete') claim.metadata!.ownerReferences = [{ ...stsOwnerRef(set), controller: true }];
      try {
        await claimsClient.create(claim);
        deps.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata!.name} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} success`);
      } catch (e) {
        if (isAlreadyExists(e)) continue;
        deps.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata!.name} for Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    }
  };

  /** whenScaled: Delete gives a condemned pod's claims to the pod, so they go with it. */
  const releaseScaledClaims = async (set: KubeObject, pod: KubeObject) => {
    const policy = obj(obj(set.spec).persistentVolumeClaimRetentionPolicy);
    if (policy.whenScaled !== 'Delete') return;
    for (const claim of newClaims(set, getOrdinal(pod)).values()) {
      const existing = deps.claims.getByName(claim.metadata?.namespace, claim.metadata!.name!);
      if (!existing || existing.metadata?.ownerReferences?.some((r) => r.uid === pod.metadata?.uid)) continue;
      // A scaled-down pod's claim is controlled by the pod instead of the set.
      const refs = [...(existing.metadata?.ownerReferences ?? []).filter((r) => r.uid !== set.metadata?.uid), { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid!, controller: true, blockOwnerDeletion: true }];
      await claimsClient.patch(existing.metadata?.namespace, existing.metadata!.name!, 'merge', { metadata: { ownerReferences: refs } });
    }
  };

  const createPod = async (set: KubeObject, pod: KubeObject): Promise<KubeObject> => {
    await createClaims(set, pod);
    try {
      const created = await podsClient.create(pod);
      podEvent(set, 'Create', pod);
      return created;
    } catch (e) {
      if (!isAlreadyExists(e)) podEvent(set, 'Create', pod, e);
      throw e;
    }
  };

  const deletePod = async (set: KubeObject, pod: KubeObject): Promise<void> => {
    try {
      await podsClient.delete(pod.metadata?.namespace, pod.metadata!.name!, { preconditions: { uid: pod.metadata?.uid } });
      pendingDeletions.mark(pod.metadata?.uid, deps.clock.now());
      podEvent(set, 'Delete', pod);
    } catch (e) {
      if (isNotFound(e)) return;
      podEvent(set, 'Delete', pod, e);
      throw e;
    }
  };

  /** getStatefulSetRevisions: the current and update revisions, creating or renumbering as needed. */
  const resolveRevisions = async (set: KubeObject, revisions: ControllerRevision[]) => {
    const sorted = sortRevisions(revisions);
    const status = obj(set.status);
    let collisionCount = typeof status.collisionCount === 'number' ? status.collisionCount : 0;
    let update = statefulSetRevision(set, nextRevision(sorted), collisionCount);
    const equal = findEqualRevisions(sorted, update);
    const last = sorted[sorted.length - 1];
    if (equal.length > 0 && equalRevision(last, equal[equal.length - 1])) {
      update = last!;
    } else if (equal.length > 0) {
      // A rollback to an earlier template: that revision becomes the newest.
      const prior = cloneJson(equal[equal.length - 1]!);
      prior.revision = update.revision;
      update = await revClient.update(prior);
    } else {
      const r = await createControllerRevision(revClient, set, update, collisionCount);
      update = r.revision;
      collisionCount = r.collisionCount;
    }
    const current = sorted.find((r) => r.metadata?.name === status.currentRevision) ?? update;
    return { current, update, collisionCount, all: sorted.some((r) => r.metadata?.name === update.metadata?.name) ? sorted : [...sorted, update] };
  };

  return async (key: string) => {
    const { namespace, name } = splitKey(key);
    const cached = deps.sets.getByName(namespace, name);
    if (!cached) return;
    const set = cloneJson(cached);
    const spec = obj(set.spec);
    const selector = labelSelectorFromMeta(spec.selector);
    const matches = (o: KubeObject) => matchesLabels(selector, o.metadata?.labels);
    const ownerRef = stsOwnerRef(set);

    const pods = await claimObjects(deps.pods.list(namespace), { owner: set, ownerRef, matches, client: podsClient, adoptable: (p) => isMemberOf(set, p) });
    const revisions = await claimObjects(deps.revisions.list(namespace), { owner: set, ownerRef, matches, client: revClient });
    const { current, update, collisionCount, all } = await resolveRevisions(set, revisions);
    const currentSet = applyRevision(set, current);
    const currentName = current.metadata!.name!;
    const updateName = update.metadata!.name!;
    const nowMs = deps.clock.now();
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    const isHealthy = (p: KubeObject) => isRunningAndReady(p) && !isTerminating(p) && isRunningAndAvailable(p, minReady, nowMs);

    // Working view of the set's pods, updated as this pass creates and deletes.
    const live = new Map<string, KubeObject>();
    pendingDeletions.prune(nowMs);
    for (const p of pods) if (isMemberOf(set, p)) live.set(p.metadata!.name!, pendingDeletions.view(p, nowMs));

    const strategy = obj(spec.updateStrategy);
    const partition = typeof obj(strategy.rollingUpdate).partition === 'number' ? (obj(strategy.rollingUpdate).partition as number) : 0;
    const replicaCount = specReplicas(set);
    const start = startOrdinal(set);
    const monotonic = spec.podManagementPolicy !== 'Parallel';
    const currentReplicasBefore = typeof obj(set.status).currentReplicas === 'number' ? (obj(set.status).currentReplicas as number) : 0;

    /** newVersionedStatefulSetPod: ordinals below the partition stay at the current revision. */
    const versionedPod = (ordinal: number) => {
      const rolling = strategy.type === 'RollingUpdate';
      const keepCurrent = rolling && (strategy.rollingUpdate ? ordinal - start < partition : ordinal - start < currentReplicasBefore);
      return keepCurrent ? newStatefulSetPod(currentSet, ordinal, currentName) : newStatefulSetPod(set, ordinal, updateName);
    };

    const sync = async (): Promise<void> => {
      if (set.metadata?.deletionTimestamp) return;
      const replicas: KubeObject[] = [];
      const condemned: KubeObject[] = [];
      for (const p of live.values()) {
        const ord = getOrdinal(p);
        if (ord >= start && ord < start + replicaCount) replicas[ord - start] = p;
        else condemned.push(p);
      }
      condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
      for (let i = 0; i < replicaCount; i++) replicas[i] ??= versionedPod(start + i);

      let firstUnhealthy: KubeObject | undefined = replicas.find((p) => !isHealthy(p));
      for (let i = condemned.length - 1; i >= 0 && !firstUnhealthy; i--) if (!isHealthy(condemned[i]!)) firstUnhealthy = condemned[i];

      for (let i = 0; i < replicas.length; i++) {
        const pod = replicas[i]!;
        if (isFailed(pod) || isSucceeded(pod)) {
          // Replaced on a later sync, once the old pod is gone.
          if (!isTerminating(pod)) {
            await deletePod(set, pod);
            live.delete(pod.metadata!.name!);
          }
          if (monotonic) return;
          continue;
        }
        if (!isCreated(pod)) {
          const created = await createPod(set, pod);
          live.set(created.metadata!.name!, created);
          if (monotonic) return;
          continue;
        }
        if (podPhaseIsPending(pod)) await createClaims(set, pod);
        if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod))) return;
        if (monotonic && !isRunningAndAvailable(pod, minReady, nowMs)) {
          deps.requeueAfter(key, minReady * 1000);
          return;
        }
      }

      for (const pod of condemned) {
        if (isTerminating(pod)) {
          if (monotonic) return;
          continue;
        }
        // An unhealthy condemned pod waits unless it is the first unhealthy one.
        if (monotonic && pod !== firstUnhealthy && !isHealthy(pod)) return;
        await releaseScaledClaims(set, pod);
        await deletePod(set, pod);
        live.set(pod.metadata!.name!, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(nowMs).toISOString() } });
        if (monotonic) return;
      }

      if (strategy.type !== 'RollingUpdate') return;
      for (let target = replicas.length - 1; target >= partition; target--) {
        const pod = replicas[target]!;
        if (podRevision(pod) !== updateName && !isTerminating(pod)) {
          await deletePod(set, pod);
          live.set(pod.metadata!.name!, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(nowMs).toISOString() } });
          return;
        }
        if (!isHealthy(pod)) return;
      }
    };

    let syncError: unknown;
    try {
      await sync();
    } catch (e) {
      syncError = e;
    }

    const status = computeStatus(set, [...live.values()], { currentRevision: currentName, updateRevision: updateName, collisionCount, minReadySeconds: minReady, nowMs });
    if (statusChanged(obj(cached.status), status)) {
      const fresh = cloneJson(cached);
      fresh.status = status;
      try {
        await setsClient.updateStatus(fresh);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return;
      }
    }
    if (syncError) throw syncError;

    // Prune history: keep revisionHistoryLimit revisions beyond those in use.
    const inUse = new Set<string>([currentName, updateName, ...[...live.values()].map(podRevision)]);
    const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10;
    for (const r of revisionsToPrune(all, inUse, limit)) {
      try {
        await revClient.delete(r.metadata?.namespace, r.metadata!.name!);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    // An in-progress minReadySeconds wait needs a later look even with no events.
    if (minReady > 0 && [...live.values()].some((p) => isRunningAndReady(p) && !isRunningAndAvailable(p, minReady, nowMs))) deps.requeueAfter(key, minReady * 1000);
  };
}

function podPhaseIsPending(pod: KubeObject): boolean {
  return obj(pod.status).phase === 'Pending';
}

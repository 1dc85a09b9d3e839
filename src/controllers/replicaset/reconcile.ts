// One ReplicaSet sync (replica_set.go syncReplicaSet): claim the matching active pods, create or
// delete pods toward spec.replicas (unless expectations say the cache is still catching up), and
// write the status.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { matchesLabels } from '../../api/selectors/index.js';
import { isConflict, isNotFound, objectKey, splitKey, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import type { WorkQueue } from '../../client/workqueue.js';
import { claimObjects, controllerOf, newControllerRef } from '../util/owners.js';
import { isPodActive } from '../util/pods.js';
import type { Expectations } from '../util/expectations.js';
import type { ReplicaSetKind } from './kind.js';
import { podsToDelete } from './pods-to-delete.js';
import { calculateStatus, rsReplicas, rsStatus, statusEqual } from './status.js';

/** Upstream caps the pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetDeps {
  kind: ReplicaSetKind;
  rsInformer: Informer;
  podInformer: Informer;
  rsClient: ResourceClient;
  podClient: ResourceClient;
  expectations: Expectations;
  recorder: EventRecorder;
  queue: WorkQueue;
  now(): number;
}

/** Runs fn count times, in batches of 1, 2, 4, ...; stops at the first batch with an error. */
export async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<{ successes: number; error?: Error }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, fn));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0].reason instanceof Error ? failed[0].reason : new Error(String(failed[0].reason)) };
    remaining -= batch;
  }
  return { successes };
}

function podFromTemplate(kind: ReplicaSetKind, rs: KubeObject): KubeObject {
  const template = ((rs.spec as Record<string, unknown>).template as KubeObject | undefined) ?? {};
  const tm = template.metadata ?? {};
  const meta: KubeObject['metadata'] = {
    generateName: `${rs.metadata!.name}-`,
    namespace: rs.metadata!.namespace,
    ownerReferences: [newControllerRef(rs, kind.apiVersion, kind.kind)],
  };
  if (tm.labels) meta.labels = { ...tm.labels };
  if (tm.annotations) meta.annotations = { ...tm.annotations };
  if (tm.finalizers) meta.finalizers = [...tm.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: cloneJson(template.spec ?? {}) };
}

/** The ReplicaSets controlled by the same owner (a Deployment's old and new sets). */
function relatedPods(d: ReplicaSetDeps, rs: KubeObject): KubeObject[] {
  const owner = controllerOf(rs);
  const uids = new Set<string>([rs.metadata!.uid!]);
  if (owner) for (const o of d.rsInformer.list(rs.metadata!.namespace)) if (controllerOf(o)?.uid === owner.uid) uids.add(o.metadata!.uid!);
  return d.podInformer.list(rs.metadata!.namespace).filter((p) => uids.has(controllerOf(p)?.uid ?? ''));
}

async function manageReplicas(d: ReplicaSetDeps, rs: KubeObject, key: string, pods: KubeObject[]): Promise<Error | undefined> {
  let diff = pods.length - rsReplicas(rs);
  if (diff < 0) {
    diff = Math.min(-diff, BURST_REPLICAS);
    d.expectations.expect(key, diff);
    const { successes, error } = await slowStartBatch(diff, async () => {
      try {
        const created = await d.podClient.create(podFromTemplate(d.kind, rs));
        d.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (e) {
        d.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    });
    // Pods that failed or were never attempted will never be observed.
    for (let i = successes; i < diff; i++) d.expectations.creationObserved(key);
    return error;
  }
  if (diff > 0) {
    diff = Math.min(diff, BURST_REPLICAS);
    const victims = podsToDelete(pods, relatedPods(d, rs), diff, d.now());
    d.expectations.expect(key, 0, victims.map(objectKey));
    const results = await Promise.allSettled(
      victims.map(async (p) => {
        try {
          await d.podClient.delete(p.metadata!.namespace, p.metadata!.name!);
          d.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
        } catch (e) {
          d.expectations.deletionObserved(key, objectKey(p));
          if (isNotFound(e)) return;
          d.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) return failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  return undefined;
}

export async function syncReplicaSet(d: ReplicaSetDeps, key: string): Promise<void> {
  const cached = d.rsInformer.get(key);
  if (!cached) {
    d.expectations.forget(key);
    return;
  }
  const rs = cached;
  const needsSync = d.expectations.satisfied(key);
  const selector = d.kind.selector(rs);
  const { namespace, name } = splitKey(key);
  const active = d.podInformer.list(namespace).filter(isPodActive);
  const pods = await claimObjects(active, {
    owner: rs,
    ownerRef: newControllerRef(rs, d.kind.apiVersion, d.kind.kind),
    matches: (p) => matchesLabels(selector, p.metadata?.labels),
    client: d.podClient,
    canAdopt: async () => {
      try {
        const fresh = await d.rsClient.get(namespace, name);
        return fresh.metadata?.uid === rs.metadata?.uid && !fresh.metadata?.deletionTimestamp;
      } catch {
        return false;
      }
    },
  });
  let manageError: Error | undefined;
  if (needsSync && !rs.metadata?.deletionTimestamp) manageError = await manageReplicas(d, rs, key, pods);
  const now = d.now();
  const st = calculateStatus(rs, pods, manageError, now);
  st.observedGeneration = rs.metadata?.generation;
  let latest = rs;
  if (!statusEqual(st, rsStatus(rs))) {
    for (let attempt = 0; ; attempt++) {
      try {
        latest = await d.rsClient.updateStatus({ ...cloneJson(latest), status: st });
        break;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= 1) throw e;
        latest = await d.rsClient.get(namespace, name);
      }
    }
  }
  if (manageError) throw manageError;
  // Pods that are ready but not yet available become available after minReadySeconds.
  const minReady = ((rs.spec as Record<string, unknown>).minReadySeconds as number | undefined) ?? 0;
  if (minReady > 0 && st.readyReplicas === st.replicas && st.availableReplicas !== st.replicas) d.queue.addAfter(key, minReady * 1000);
}

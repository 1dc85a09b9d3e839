// The ReplicaSet controller: watches ReplicaSets and pods, and syncs each ReplicaSet key. The
// same loop, given another ReplicaSetKind, is the replication controller (upstream's
// NewBaseController).

import type { KubeObject } from '../../api/object.js';
import { matchesLabels } from '../../api/selectors/index.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { Expectations } from '../util/expectations.js';
import { controllerOf } from '../util/owners.js';
import { isPodReady } from '../util/pods.js';
import { replicaSetKind, type ReplicaSetKind } from './kind.js';
import { syncReplicaSet, type ReplicaSetDeps } from './reconcile.js';

export { replicaSetKind, type ReplicaSetKind } from './kind.js';

export function replicaSetController(ctx: ControllerContext): Controller {
  return replicaSetBaseController(ctx, replicaSetKind);
}

/** The ReplicaSet controller's loop for any kind that behaves as a ReplicaSet. */
export function replicaSetBaseController(ctx: ControllerContext, kind: ReplicaSetKind): Controller {
  const queue = new WorkQueue(ctx.clock);
  const rsInformer = ctx.informers.informer(kind.resource);
  const podInformer = ctx.informers.informer('pods');
  const expectations = new Expectations(() => ctx.clock.now());
  const deps: ReplicaSetDeps = {
    kind,
    rsInformer,
    podInformer,
    rsClient: ctx.clients.resource(kind.resource),
    podClient: ctx.clients.resource('pods'),
    expectations,
    recorder: ctx.recorder(kind.component),
    queue,
    now: () => ctx.clock.now(),
  };

  /** The owner of this kind that controls a pod, if it still exists with that UID. */
  const ownerOf = (pod: KubeObject): KubeObject | undefined => {
    const ref = controllerOf(pod);
    if (ref?.kind !== kind.kind) return undefined;
    const rs = rsInformer.getByName(pod.metadata?.namespace, ref.name);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  };
  const enqueueMatching = (pod: KubeObject) => {
    for (const rs of rsInformer.list(pod.metadata?.namespace)) {
      let sel;
      try {
        sel = kind.selector(rs);
      } catch {
        continue; // an unparsable selector is the sync's error to report, not the pod handler's
      }
      if (matchesLabels(sel, pod.metadata?.labels)) queue.add(objectKey(rs));
    }
  };
  const podDeleted = (pod: KubeObject) => {
    const rs = ownerOf(pod);
    if (!rs) return;
    expectations.deletionObserved(objectKey(rs), objectKey(pod));
    queue.add(objectKey(rs));
  };

  rsInformer.addHandler({
    add: (rs) => queue.add(objectKey(rs)),
    update: (_o, rs) => queue.add(objectKey(rs)),
    delete: (rs) => {
      expectations.forget(objectKey(rs));
      queue.add(objectKey(rs));
    },
  });
  podInformer.addHandler({
    add: (pod) => {
      if (pod.metadata?.deletionTimestamp) return podDeleted(pod);
      if (controllerOf(pod)) {
        const rs = ownerOf(pod);
        if (!rs) return;
        expectations.creationObserved(objectKey(rs));
        queue.add(objectKey(rs));
        return;
      }
      enqueueMatching(pod);
    },
    update: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
      if (pod.metadata?.deletionTimestamp) {
        podDeleted(pod);
        if (labelsChanged) podDeleted(old);
        return;
      }
      const oldRef = controllerOf(old);
      const ref = controllerOf(pod);
      const refChanged = oldRef?.uid !== ref?.uid;
      if (refChanged && oldRef) {
        const oldRs = ownerOf(old);
        if (oldRs) queue.add(objectKey(oldRs));
      }
      if (ref) {
        const rs = ownerOf(pod);
        if (!rs) return;
        queue.add(objectKey(rs));
        const minReady = ((rs.spec as Record<string, unknown>).minReadySeconds as number | undefined) ?? 0;
        if (!isPodReady(old) && isPodReady(pod) && minReady > 0) queue.addAfter(objectKey(rs), minReady * 1000 + 1);
        return;
      }
      if (labelsChanged || refChanged) enqueueMatching(pod);
    },
    delete: podDeleted,
  });

  return {
    name: kind.name,
    run: (signal) => runWorkers({ name: kind.name, queue, workers: 5, reconcile: (key) => syncReplicaSet(deps, key), log: ctx.log }, signal),
  };
}

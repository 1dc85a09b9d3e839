// The ReplicaSet controller: watches ReplicaSets and pods, and syncs each ReplicaSet key.

import type { KubeObject } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { Expectations } from '../util/expectations.js';
import { controllerOf } from '../util/owners.js';
import { isPodReady } from '../util/pods.js';
import { syncReplicaSet, type ReplicaSetDeps } from './reconcile.js';

export function replicaSetController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue(ctx.clock);
  const rsInformer = ctx.informers.informer('replicasets');
  const podInformer = ctx.informers.informer('pods');
  const expectations = new Expectations(() => ctx.clock.now());
  const deps: ReplicaSetDeps = {
    rsInformer,
    podInformer,
    rsClient: ctx.clients.resource('replicasets'),
    podClient: ctx.clients.resource('pods'),
    expectations,
    recorder: ctx.recorder('replicaset-controller'),
    queue,
    now: () => ctx.clock.now(),
  };

  /** The ReplicaSet that controls a pod, if it still exists with that UID. */
  const ownerOf = (pod: KubeObject): KubeObject | undefined => {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return undefined;
    const rs = rsInformer.getByName(pod.metadata?.namespace, ref.name);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  };
  const enqueueMatching = (pod: KubeObject) => {
    for (const rs of rsInformer.list(pod.metadata?.namespace)) {
      const sel = labelSelectorFromMeta((rs.spec as Record<string, unknown> | undefined)?.selector);
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
    name: 'replicaset',
    run: (signal) => runWorkers({ name: 'replicaset', queue, workers: 5, reconcile: (key) => syncReplicaSet(deps, key), log: ctx.log }, signal),
  };
}

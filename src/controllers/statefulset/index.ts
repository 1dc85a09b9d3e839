// The StatefulSet controller: watches StatefulSets, their pods and ControllerRevisions, and
// syncs one set per key (reconcile.ts).

import type { KubeObject } from '../../api/object.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../framework/controller.js';
import { enqueueOwner, enqueueSelf, runWorkers } from '../framework/controller.js';
import type { ControllerRevision } from '../history/revisions.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { statefulSetReconciler } from './reconcile.js';

export { statefulSetReconciler } from './reconcile.js';

export function statefulSetController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue(ctx.clock);
  const sets = ctx.informers.informer('statefulsets');
  const pods = ctx.informers.informer('pods');
  const revisions = ctx.informers.informer<ControllerRevision>('controllerrevisions');
  const claims = ctx.informers.informer('persistentvolumeclaims');
  sets.addHandler(enqueueSelf(queue));
  const owner = enqueueOwner(queue, 'StatefulSet');
  // Orphans wake every set in the namespace whose selector matches them, for adoption.
  const orphan = (o: KubeObject) => {
    if (o.metadata?.ownerReferences?.some((r) => r.controller)) return;
    for (const s of sets.list(o.metadata?.namespace)) {
      if (matchesLabels(labelSelectorFromMeta((s.spec as Record<string, unknown> | undefined)?.selector), o.metadata?.labels)) queue.add(`${s.metadata?.namespace}/${s.metadata?.name}`);
    }
  };
  const handler = {
    add: (o: KubeObject) => (owner.add(o), orphan(o)),
    update: (a: KubeObject, b: KubeObject) => (owner.update(a, b), orphan(b)),
    delete: owner.delete,
  };
  pods.addHandler(handler);
  revisions.addHandler(handler);
  const reconcile = statefulSetReconciler({
    clients: ctx.clients,
    sets,
    pods,
    revisions,
    claims,
    recorder: ctx.recorder('statefulset-controller'),
    clock: ctx.clock,
    requeueAfter: (key, ms) => queue.addAfter(key, ms),
  });
  return {
    name: 'statefulset-controller',
    run: (signal) => runWorkers({ name: 'statefulset', queue, workers: 5, reconcile, log: ctx.log }, signal),
  };
}

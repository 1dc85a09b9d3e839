// The DaemonSet controller: watches DaemonSets, their pods, ControllerRevisions and nodes, and
// syncs one DaemonSet per key (reconcile.ts).

import type { KubeObject } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../framework/controller.js';
import { controllerRef, enqueueOwner, enqueueSelf, runWorkers } from '../framework/controller.js';
import type { ControllerRevision } from '../history/revisions.js';
import { Expectations } from '../util/expectations.js';
import { daemonSetReconciler } from './reconcile.js';

export { daemonSetReconciler } from './reconcile.js';

export function daemonSetController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue(ctx.clock);
  const sets = ctx.informers.informer('daemonsets');
  const pods = ctx.informers.informer('pods');
  const nodes = ctx.informers.informer('nodes');
  const revisions = ctx.informers.informer<ControllerRevision>('controllerrevisions');
  const expectations = new Expectations(() => ctx.clock.now());
  sets.addHandler(enqueueSelf(queue));

  const ownerKey = (o: KubeObject) => {
    const ref = controllerRef(o);
    return ref && ref.kind === 'DaemonSet' ? `${o.metadata?.namespace}/${ref.name}` : undefined;
  };
  const orphan = (o: KubeObject) => {
    if (controllerRef(o)) return;
    for (const s of sets.list(o.metadata?.namespace)) {
      if (matchesLabels(labelSelectorFromMeta((s.spec as Record<string, unknown> | undefined)?.selector), o.metadata?.labels)) queue.add(objectKey(s));
    }
  };
  pods.addHandler({
    add: (p) => {
      const k = ownerKey(p);
      if (k) {
        expectations.creationObserved(k);
        queue.add(k);
      } else orphan(p);
    },
    update: (old, p) => {
      const k = ownerKey(p);
      // A pod marked for deletion counts as an observed deletion.
      if (k && p.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) expectations.deletionObserved(k, p.metadata?.uid ?? '');
      const ko = ownerKey(old);
      if (ko && ko !== k) queue.add(ko);
      if (k) queue.add(k);
      else orphan(p);
    },
    delete: (p) => {
      const k = ownerKey(p);
      if (!k) return;
      if (!p.metadata?.deletionTimestamp) expectations.deletionObserved(k, p.metadata?.uid ?? '');
      queue.add(k);
    },
  });
  const revOwner = enqueueOwner(queue, 'DaemonSet');
  revisions.addHandler(revOwner);

  // Node changes that can alter placement wake every DaemonSet.
  const all = () => {
    for (const s of sets.list()) queue.add(objectKey(s));
  };
  const placement = (n: KubeObject) => JSON.stringify([n.metadata?.labels ?? {}, (n.spec as Record<string, unknown> | undefined)?.taints ?? [], (n.spec as Record<string, unknown> | undefined)?.unschedulable ?? false]);
  nodes.addHandler({ add: all, delete: all, update: (a, b) => (placement(a) !== placement(b) ? all() : undefined) });

  const reconcile = daemonSetReconciler({
    clients: ctx.clients,
    sets,
    pods,
    nodes,
    revisions,
    recorder: ctx.recorder('daemonset-controller'),
    clock: ctx.clock,
    expectations,
    requeueAfter: (key, ms) => queue.addAfter(key, ms),
  });
  return {
    name: 'daemonset-controller',
    run: (signal) => runWorkers({ name: 'daemonset', queue, workers: 2, reconcile, log: ctx.log }, signal),
  };
}

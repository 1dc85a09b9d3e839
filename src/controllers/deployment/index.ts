// The Deployment controller: watches Deployments, their ReplicaSets and (for Recreate) pods, and
// syncs each Deployment key.

import type { KubeObject } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { controllerOf } from '../util/owners.js';
import { syncDeployment, type DeploymentDeps } from './reconcile.js';

export function deploymentController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue(ctx.clock);
  const dInformer = ctx.informers.informer('deployments');
  const rsInformer = ctx.informers.informer('replicasets');
  const podInformer = ctx.informers.informer('pods');
  const deps: DeploymentDeps = {
    dInformer,
    rsInformer,
    podInformer,
    dClient: ctx.clients.resource('deployments'),
    rsClient: ctx.clients.resource('replicasets'),
    recorder: ctx.recorder('deployment-controller'),
    now: () => ctx.clock.now(),
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
  };

  const enqueueOwner = (rs: KubeObject): boolean => {
    const ref = controllerOf(rs);
    if (!ref) return false;
    if (ref.kind !== 'Deployment') return true;
    const d = dInformer.getByName(rs.metadata?.namespace, ref.name);
    if (d && d.metadata?.uid === ref.uid) queue.add(objectKey(d));
    return true;
  };
  const enqueueMatching = (rs: KubeObject) => {
    for (const d of dInformer.list(rs.metadata?.namespace)) {
      const sel = labelSelectorFromMeta((d.spec as Record<string, unknown> | undefined)?.selector);
      if (matchesLabels(sel, rs.metadata?.labels)) queue.add(objectKey(d));
    }
  };

  dInformer.addHandler({ add: (d) => queue.add(objectKey(d)), update: (_o, d) => queue.add(objectKey(d)), delete: (d) => queue.add(objectKey(d)) });
  rsInformer.addHandler({
    add: (rs) => {
      if (!enqueueOwner(rs)) enqueueMatching(rs);
    },
    update: (old, rs) => {
      if (old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
      if (controllerOf(old)?.uid !== controllerOf(rs)?.uid) enqueueOwner(old);
      if (!enqueueOwner(rs)) enqueueMatching(rs);
    },
    delete: (rs) => {
      enqueueOwner(rs);
    },
  });
  // A Recreate rollout waits for old pods to be gone.
  podInformer.addHandler({
    delete: (pod) => {
      const ref = controllerOf(pod);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = rsInformer.getByName(pod.metadata?.namespace, ref.name);
      if (rs) enqueueOwner(rs);
    },
  });

  return {
    name: 'deployment',
    run: (signal) => runWorkers({ name: 'deployment', queue, workers: 5, reconcile: (key) => syncDeployment(deps, key), log: ctx.log }, signal),
  };
}

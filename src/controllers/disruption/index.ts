// The disruption controller: keeps each PodDisruptionBudget's status (healthy, desired and
// expected pods, allowed disruptions) in step with the pods it selects.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { enqueueSelf, runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { podsForPdb, syncDisruptionBudget, type DisruptionDeps } from './reconcile.js';
import { staleDisruptionWait, syncStalePodDisruption } from './stale-condition.js';

export function disruptionController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue(ctx.clock);
  // Pod keys whose DisruptionTarget condition may go stale: a queue of their own, as upstream's.
  const staleQueue = new WorkQueue(ctx.clock);
  const pdbInformer = ctx.informers.informer('poddisruptionbudgets');
  const podInformer = ctx.informers.informer('pods');
  const deps: DisruptionDeps = {
    pdbInformer,
    podInformer,
    // Read by the finders only; no handlers: pod events carry every change that matters, as upstream.
    workloads: {
      ReplicaSet: ctx.informers.informer('replicasets'),
      Deployment: ctx.informers.informer('deployments'),
      StatefulSet: ctx.informers.informer('statefulsets'),
      ReplicationController: ctx.informers.informer('replicationcontrollers'),
    },
    pdbClient: ctx.clients.resource('poddisruptionbudgets'),
    recorder: ctx.recorder('controllermanager'),
    queue,
    now: () => ctx.clock.now(),
  };

  const enqueueBudgetsOf = (pod: KubeObject) => {
    for (const pdb of pdbInformer.list(pod.metadata?.namespace)) {
      try {
        if (podsForPdb(pdb, [pod]).length) queue.add(objectKey(pdb));
      } catch {
        // An invalid selector matches nothing.
      }
    }
  };

  const watchStale = (pod: KubeObject) => {
    const wait = staleDisruptionWait(pod, ctx.clock.now());
    if (wait !== undefined) staleQueue.addAfter(objectKey(pod), wait);
  };

  pdbInformer.addHandler(enqueueSelf(queue));
  podInformer.addHandler({
    add: (pod) => {
      enqueueBudgetsOf(pod);
      watchStale(pod);
    },
    update: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      enqueueBudgetsOf(pod);
      watchStale(pod);
      // A pod whose labels changed leaves the budgets it matched before.
      if (JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {})) enqueueBudgetsOf(old);
    },
    delete: enqueueBudgetsOf,
  });

  return {
    name: 'disruption',
    run: async (signal) => {
      const staleDeps = { podInformer, podClient: ctx.clients.resource('pods'), queue: staleQueue, now: deps.now };
      await Promise.all([
        runWorkers({ name: 'disruption', queue, workers: 2, reconcile: (key) => syncDisruptionBudget(deps, key), log: ctx.log }, signal),
        runWorkers({ name: 'disruption-stale-pods', queue: staleQueue, workers: 1, reconcile: (key) => syncStalePodDisruption(staleDeps, key), log: ctx.log }, signal),
      ]);
    },
  };
}

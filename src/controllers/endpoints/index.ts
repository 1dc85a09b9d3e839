// The Endpoints controller: keeps each selector Service's Endpoints object listing the IPs and
// resolved ports of its ready and not-ready pods.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { podEndpointsChanged, selectorMatches, serviceSelector } from './pod-util.js';
import { reconcileEndpoints } from './reconcile.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { waitSynced } from './wait-synced.js';

export { reconcileEndpoints } from './reconcile.js';

export function endpointsController(ctx: ControllerContext, opts: { workers?: number } = {}): Controller {
  const services = ctx.informers.informer('services');
  const pods = ctx.informers.informer('pods');
  const endpoints = ctx.informers.informer('endpoints');
  const queue = new WorkQueue(ctx.clock);
  const deps = { services, pods, endpoints, client: ctx.clients.resource('endpoints'), triggers: new TriggerTimeTracker() };

  // A pod concerns every service in its namespace whose selector matches it, before or after.
  const podServices = (pod: KubeObject) => {
    for (const svc of services.list(pod.metadata?.namespace ?? '')) {
      const sel = serviceSelector(svc);
      if (sel && selectorMatches(sel, pod.metadata?.labels)) queue.add(objectKey(svc));
    }
  };
  return {
    name: 'endpoints-controller',
    async run(signal) {
      services.addHandler({
        add: (s) => queue.add(objectKey(s)),
        update: (_o, s) => queue.add(objectKey(s)),
        delete: (s) => queue.add(objectKey(s)),
      });
      pods.addHandler({
        add: podServices,
        update: (old, pod) => {
          if (!podEndpointsChanged(old, pod)) return;
          podServices(old);
          podServices(pod);
        },
        delete: podServices,
      });
      // Endpoints deleted by someone else are put back (only deletions, as upstream: an
      // Endpoints object without a Service is not this controller's to remove).
      endpoints.addHandler({ delete: (e) => queue.add(objectKey(e)) });
      await waitSynced(signal, services, pods, endpoints);
      await runWorkers({ name: 'endpoints-controller', queue, workers: opts.workers ?? 5, log: ctx.log, reconcile: (key) => reconcileEndpoints(key, deps) }, signal);
    },
  };
}

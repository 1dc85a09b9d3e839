// The EndpointSlice controller: publishes each selector Service's pods as EndpointSlices of at
// most 100 endpoints, owned by the Service and labelled with its name.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { podEndpointsChanged, selectorMatches, serviceSelector } from '../endpoints/pod-util.js';
import { TriggerTimeTracker } from '../endpoints/trigger-time.js';
import { waitSynced } from '../endpoints/wait-synced.js';
import { CONTROLLER_NAME, indexSlicesByService, LABEL_MANAGED_BY, sliceServiceKey } from './labels.js';
import { MAX_ENDPOINTS_PER_SLICE, reconcileSlices } from './reconcile.js';
import { SliceTracker } from './tracker.js';

export { planSlices } from './plan.js';

export interface EndpointSliceOptions {
  workers?: number;
  maxEndpointsPerSlice?: number;
}

export function endpointSliceController(ctx: ControllerContext, opts: EndpointSliceOptions = {}): Controller {
  const services = ctx.informers.informer('services');
  const pods = ctx.informers.informer('pods');
  const nodes = ctx.informers.informer('nodes');
  const slices = ctx.informers.informer('endpointslices');
  indexSlicesByService(slices);
  const queue = new WorkQueue(ctx.clock);
  const tracker = new SliceTracker();
  const deps = { services, pods, nodes, slices, client: ctx.clients.resource('endpointslices'), tracker, triggers: new TriggerTimeTracker(), maxEndpointsPerSlice: opts.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE };

  const podServices = (pod: KubeObject) => {
    for (const svc of services.list(pod.metadata?.namespace ?? '')) {
      const sel = serviceSelector(svc);
      if (sel && selectorMatches(sel, pod.metadata?.labels)) queue.add(objectKey(svc));
    }
  };
  const sliceChanged = (s: KubeObject) => {
    if (s.metadata?.labels?.[LABEL_MANAGED_BY] !== CONTROLLER_NAME) return;
    const k = sliceServiceKey(s);
    if (k) queue.add(k);
  };
  return {
    name: 'endpointslice-controller',
    async run(signal) {
      services.addHandler({ add: (s) => queue.add(objectKey(s)), update: (_o, s) => queue.add(objectKey(s)), delete: (s) => queue.add(objectKey(s)) });
      pods.addHandler({
        add: podServices,
        update: (old, p) => {
          if (!podEndpointsChanged(old, p)) return;
          podServices(old);
          podServices(p);
        },
        delete: podServices,
      });
      slices.addHandler({
        add: sliceChanged,
        update: (_o, s) => sliceChanged(s),
        delete: (s) => {
          const k = sliceServiceKey(s);
          if (k) tracker.observedDelete(k, s.metadata?.name ?? '');
          sliceChanged(s);
        },
      });
      // Pods on a node the cache did not know yet were left out: look again when one appears.
      nodes.addHandler({
        add: () => {
          for (const s of services.list()) queue.add(objectKey(s));
        },
      });
      await waitSynced(signal, services, pods, nodes, slices);
      await runWorkers({ name: 'endpointslice-controller', queue, workers: opts.workers ?? 5, log: ctx.log, reconcile: (key) => reconcileSlices(key, deps) }, signal);
    },
  };
}

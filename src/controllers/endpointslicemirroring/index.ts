// The EndpointSlice mirroring controller (kube-controller-manager's
// endpointslice-mirroring-controller): copies the Endpoints of selectorless Services, which users
// manage by hand, into EndpointSlices labelled managed-by endpointslicemirroring-controller.k8s.io.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { serviceSelector } from '../endpoints/pod-util.js';
import { waitSynced } from '../endpoints/wait-synced.js';
import { indexSlicesByService, LABEL_MANAGED_BY, sliceServiceKey } from '../endpointslice/labels.js';
import { SliceTracker } from '../endpointslice/tracker.js';
import { reconcileMirroring } from './reconcile.js';
import { MAX_ENDPOINTS_PER_SUBSET, MIRROR_CONTROLLER_NAME, shouldMirror } from './rules.js';

export { MIRROR_CONTROLLER_NAME } from './rules.js';

export interface MirroringOptions {
  workers?: number;
  maxEndpointsPerSubset?: number;
}

export function endpointSliceMirroringController(ctx: ControllerContext, opts: MirroringOptions = {}): Controller {
  const services = ctx.informers.informer('services');
  const endpoints = ctx.informers.informer('endpoints');
  const slices = ctx.informers.informer('endpointslices');
  // A slice's Endpoints key is its service's key (endpointsControllerKey).
  indexSlicesByService(slices);
  const queue = new WorkQueue(ctx.clock);
  const tracker = new SliceTracker();
  const deps = {
    services,
    endpoints,
    slices,
    client: ctx.clients.resource('endpointslices'),
    tracker,
    recorder: ctx.recorder('endpoint-slice-mirroring-controller'),
    maxEndpointsPerSubset: opts.maxEndpointsPerSubset ?? MAX_ENDPOINTS_PER_SUBSET,
  };
  const mine = (s: KubeObject) => s.metadata?.labels?.[LABEL_MANAGED_BY] === MIRROR_CONTROLLER_NAME;
  const enqueueSlice = (s: KubeObject) => {
    const k = sliceServiceKey(s);
    if (k) queue.add(k);
  };
  const selectorless = (s: KubeObject) => serviceSelector(s) === undefined;
  return {
    name: 'endpointslice-mirroring-controller',
    async run(signal) {
      // Only a Service's existence and whether it has a selector matter here.
      services.addHandler({
        add: (s) => selectorless(s) && queue.add(objectKey(s)),
        update: (old, s) => selectorless(old) !== selectorless(s) && queue.add(objectKey(s)),
        delete: (s) => selectorless(s) && queue.add(objectKey(s)),
      });
      endpoints.addHandler({
        add: (e) => shouldMirror(e) && queue.add(objectKey(e)),
        // Gaining skip-mirror (or a leader annotation) must still remove the mirrored slices.
        update: (old, e) => (shouldMirror(old) || shouldMirror(e)) && queue.add(objectKey(e)),
        delete: (e) => shouldMirror(e) && queue.add(objectKey(e)),
      });
      slices.addHandler({
        add: (s) => mine(s) && enqueueSlice(s),
        update: (old, s) => {
          // Users may relabel a slice: both the old and the new Endpoints are concerned.
          if (sliceServiceKey(old) !== sliceServiceKey(s)) {
            enqueueSlice(old);
            enqueueSlice(s);
          } else if (mine(old) || mine(s)) enqueueSlice(s);
        },
        delete: (s) => {
          if (!mine(s)) return;
          const k = sliceServiceKey(s);
          if (k) tracker.observedDelete(k, s.metadata?.name ?? '');
          enqueueSlice(s);
        },
      });
      await waitSynced(signal, services, endpoints, slices);
      await runWorkers({ name: 'endpointslice-mirroring-controller', queue, workers: opts.workers ?? 5, log: ctx.log, reconcile: (key) => reconcileMirroring(key, deps) }, signal);
    },
  };
}

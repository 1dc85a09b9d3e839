// Which controllers the controller manager runs, and the scheduler's component: the one list
// that wires controller folders into roles.

import type { Controller, ControllerContext } from '../controllers/framework/controller.js';
import { cronJobController } from '../controllers/cronjob/index.js';
import { daemonSetController } from '../controllers/daemonset/index.js';
import { deploymentController } from '../controllers/deployment/index.js';
import { disruptionController } from '../controllers/disruption/index.js';
import { endpointsController } from '../controllers/endpoints/index.js';
import { endpointSliceController } from '../controllers/endpointslice/index.js';
import { endpointSliceMirroringController } from '../controllers/endpointslicemirroring/index.js';
import { garbageCollectorController } from '../controllers/garbagecollector/index.js';
import { localPathController } from '../controllers/localpath/index.js';
import { jobController, ttlAfterFinishedController } from '../controllers/job/index.js';
import { namespaceController } from '../controllers/namespace/index.js';
import { nodeIpamController } from '../controllers/nodeipam/index.js';
import { nodeLifecycleController } from '../controllers/nodelifecycle/index.js';
import { podGCController } from '../controllers/podgc/index.js';
import { rootCACertPublisher } from '../controllers/rootcacertpublisher/index.js';
import { replicaSetController } from '../controllers/replicaset/index.js';
import { resourceQuotaController } from '../controllers/resourcequota/index.js';
import { replicationController } from '../controllers/replication/index.js';
import { serviceAccountController } from '../controllers/serviceaccount/index.js';
import { statefulSetController } from '../controllers/statefulset/index.js';
import { scheduler } from '../scheduler/index.js';

export interface ControllerOptions {
  clusterCidr: string;
  caCert?: string;
  /** Where the local-path provisioner keeps volumes (the server's data dir). */
  dataDir?: string;
}

export function builtinControllers(ctx: ControllerContext, opts: ControllerOptions): Controller[] {
  const controllers = [
    garbageCollectorController(ctx),
    namespaceController(ctx),
    serviceAccountController(ctx),
    replicaSetController(ctx),
    resourceQuotaController(ctx),
    replicationController(ctx),
    deploymentController(ctx),
    statefulSetController(ctx),
    daemonSetController(ctx),
    jobController(ctx),
    ttlAfterFinishedController(ctx),
    cronJobController(ctx),
    endpointsController(ctx),
    endpointSliceController(ctx),
    endpointSliceMirroringController(ctx),
    nodeLifecycleController(ctx),
    podGCController(ctx),
    disruptionController(ctx),
    nodeIpamController(ctx, { clusterCidr: opts.clusterCidr }),
  ];
  if (opts.dataDir) controllers.push(localPathController(ctx, { dataDir: opts.dataDir }));
  if (opts.caCert) controllers.push(rootCACertPublisher(ctx, { caCert: opts.caCert }));
  return controllers;
}

export function schedulerComponents(ctx: ControllerContext): Controller[] {
  return [scheduler(ctx)];
}

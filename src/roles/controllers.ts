// Which controllers the controller manager runs, and the scheduler's component: the one list
// that wires controller folders into roles.

import type { Controller, ControllerContext } from '../controllers/framework/controller.js';
import { daemonSetController } from '../controllers/daemonset/index.js';
import { deploymentController } from '../controllers/deployment/index.js';
import { garbageCollectorController } from '../controllers/garbagecollector/index.js';
import { namespaceController } from '../controllers/namespace/index.js';
import { rootCACertPublisher } from '../controllers/rootcacertpublisher/index.js';
import { replicaSetController } from '../controllers/replicaset/index.js';
import { serviceAccountController } from '../controllers/serviceaccount/index.js';
import { statefulSetController } from '../controllers/statefulset/index.js';

export interface ControllerOptions {
  clusterCidr: string;
  caCert?: string;
}

export function builtinControllers(ctx: ControllerContext, opts: ControllerOptions): Controller[] {
  const controllers = [
    garbageCollectorController(ctx),
    namespaceController(ctx),
    serviceAccountController(ctx),
    replicaSetController(ctx),
    deploymentController(ctx),
    statefulSetController(ctx),
    daemonSetController(ctx),
  ];
  if (opts.caCert) controllers.push(rootCACertPublisher(ctx, { caCert: opts.caCert }));
  return controllers;
}

export function schedulerComponents(ctx: ControllerContext): Controller[] {
  void ctx;
  return [];
}

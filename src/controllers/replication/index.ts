// The replication controller (pkg/controller/replication): ReplicationControllers are managed by
// the ReplicaSet controller's own loop, given the RC's kind, resource, event source and selector.

import type { Controller, ControllerContext } from '../framework/controller.js';
import { replicaSetBaseController, type ReplicaSetKind } from '../replicaset/index.js';
import { rcLabelSelector } from './conversion.js';

export const replicationControllerKind: ReplicaSetKind = {
  name: 'replicationcontroller',
  resource: 'replicationcontrollers',
  apiVersion: 'v1',
  kind: 'ReplicationController',
  component: 'replication-controller',
  selector: rcLabelSelector,
};

export function replicationController(ctx: ControllerContext): Controller {
  return replicaSetBaseController(ctx, replicationControllerKind);
}

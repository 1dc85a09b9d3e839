// What the ReplicaSet controller needs to know about the kind it manages. Upstream runs the
// replication controller as this same controller behind adapters (pkg/controller/replication);
// here the differences between the two kinds are this one record instead.

import type { KubeObject } from '../../api/object.js';
import { labelSelectorFromMeta, type LabelSelector } from '../../api/selectors/index.js';
import type { ResourceName } from '../../client/clientset.js';

export interface ReplicaSetKind {
  /** The controller's name (its loop and logs). */
  name: string;
  resource: ResourceName;
  /** The controller reference its pods carry. */
  apiVersion: string;
  kind: string;
  /** The event source component. */
  component: string;
  /** The owner's pod selector; throws a StatusError when it cannot be parsed. */
  selector(owner: KubeObject): LabelSelector;
}

export const replicaSetKind: ReplicaSetKind = {
  name: 'replicaset',
  resource: 'replicasets',
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  component: 'replicaset-controller',
  selector: (rs) => labelSelectorFromMeta((rs.spec as Record<string, unknown> | undefined)?.selector),
};

// The defaulter registry: `<apiVersion>/<Kind>` → in-place SetDefaults, keyed like the validators.

import type { KubeObject } from '../object.js';
import { defaultPod } from './pod.js';
import { defaultService } from './service.js';
import { defaultDeployment, defaultReplicaSet, defaultStatefulSet, defaultDaemonSet, defaultJob, defaultCronJob, defaultReplicationController } from './workloads.js';
import { defaultNamespace, defaultSecret, defaultPersistentVolume, defaultPersistentVolumeClaim, defaultNode, defaultEndpoints, defaultEndpointSlice, defaultRoleBinding, defaultNetworkPolicy, defaultIngressClass, defaultStorageClass, defaultPriorityClass, defaultLimitRange, defaultPodTemplateObject } from './misc.js';

const none = (): void => undefined;

export const defaulters: Record<string, (obj: KubeObject) => void> = {
  'v1/Pod': defaultPod,
  'v1/Service': defaultService,
  'v1/ConfigMap': none,
  'v1/Secret': defaultSecret,
  'v1/Namespace': defaultNamespace,
  'v1/ServiceAccount': none,
  'v1/Node': defaultNode,
  'v1/Endpoints': defaultEndpoints,
  'v1/Event': none,
  'v1/LimitRange': defaultLimitRange,
  'v1/ResourceQuota': none,
  'v1/PodTemplate': defaultPodTemplateObject,
  'v1/PersistentVolume': defaultPersistentVolume,
  'v1/PersistentVolumeClaim': defaultPersistentVolumeClaim,
  'v1/ReplicationController': defaultReplicationController,
  'apps/v1/Deployment': defaultDeployment,
  'apps/v1/ReplicaSet': defaultReplicaSet,
  'apps/v1/StatefulSet': defaultStatefulSet,
  'apps/v1/DaemonSet': defaultDaemonSet,
  'apps/v1/ControllerRevision': none,
  'batch/v1/Job': defaultJob,
  'batch/v1/CronJob': defaultCronJob,
  'rbac.authorization.k8s.io/v1/Role': none,
  'rbac.authorization.k8s.io/v1/ClusterRole': none,
  'rbac.authorization.k8s.io/v1/RoleBinding': defaultRoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': defaultRoleBinding,
  'networking.k8s.io/v1/Ingress': none,
  'networking.k8s.io/v1/IngressClass': defaultIngressClass,
  'networking.k8s.io/v1/NetworkPolicy': defaultNetworkPolicy,
  'storage.k8s.io/v1/StorageClass': defaultStorageClass,
  'policy/v1/PodDisruptionBudget': none,
  'coordination.k8s.io/v1/Lease': none,
  'discovery.k8s.io/v1/EndpointSlice': defaultEndpointSlice,
  'events.k8s.io/v1/Event': none,
  'scheduling.k8s.io/v1/PriorityClass': defaultPriorityClass,
  'node.k8s.io/v1/RuntimeClass': none,
};

export { admitPodServiceAccount, admitDefaultTolerations, admitPodPriority } from './pod-admission.js';
export { admitJobSelector } from './workloads.js';
export { admitNamespace } from './misc.js';
export { patchAllocatedServiceValues } from './service.js';
export { defaultPodSpec, defaultPodTemplate, imageTag } from './pod.js';

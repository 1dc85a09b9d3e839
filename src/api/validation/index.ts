// The validator registry: `<apiVersion>/<Kind>` → create and update validation, each including the
// metadata rules, as the registry strategies' Validate/ValidateUpdate do upstream.

import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { validateObjectMetaUpdate } from './object-meta.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';
import { validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate, validateStatefulSet, validateStatefulSetUpdate, validateDaemonSet, validateDaemonSetUpdate, validateControllerRevision, validateControllerRevisionUpdate } from './apps.js';
import { validateJob, validateJobUpdate, validateCronJob, validateCronJobUpdate } from './batch.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config.js';
import { validateRole, validateClusterRole, validateRoleBinding, validateClusterRoleBinding, validateRoleBindingUpdate, validateClusterRoleBindingUpdate } from './rbac.js';
import { validateNamespace, validateNamespaceUpdate, validateServiceAccount, validateNode, validateNodeUpdate, validateEndpoints, validateEvent, validateLimitRange, validateResourceQuota, validatePodTemplate, validatePersistentVolume, validatePersistentVolumeUpdate, validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate, validateReplicationController } from './core-misc.js';
import { validateIngress, validateIngressUpdate, validateIngressClass, validateIngressClassUpdate, validateNetworkPolicy, validateNetworkPolicyUpdate } from './networking.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './scheduling.js';
import { validateRuntimeClass, validateRuntimeClassUpdate } from './node.js';
import { validateStorageClass, validateStorageClassUpdate, validatePodDisruptionBudget, validatePodDisruptionBudgetUpdate, validateLease, validateLeaseUpdate, validateEndpointSlice, validateEndpointSliceUpdate } from './cluster-misc.js';

export interface Validator {
  validate(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

/** Update = metadata update rules + the create rules minus their metadata part (most kinds upstream). */
function generic(validate: (obj: KubeObject) => FieldError[]): Validator {
  return {
    validate,
    validateUpdate: (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validate(obj).filter((e) => !e.field.startsWith('metadata'))],
  };
}

export const validators: Record<string, Validator> = {
  'v1/Pod': { validate: validatePod, validateUpdate: validatePodUpdate },
  'v1/Service': { validate: validateService, validateUpdate: validateServiceUpdate },
  'v1/ConfigMap': { validate: validateConfigMap, validateUpdate: validateConfigMapUpdate },
  'v1/Secret': { validate: validateSecret, validateUpdate: validateSecretUpdate },
  'v1/Namespace': { validate: validateNamespace, validateUpdate: validateNamespaceUpdate },
  'v1/ServiceAccount': generic(validateServiceAccount),
  'v1/Node': { validate: validateNode, validateUpdate: validateNodeUpdate },
  'v1/Endpoints': generic(validateEndpoints),
  'v1/Event': generic(validateEvent),
  'v1/LimitRange': generic(validateLimitRange),
  'v1/ResourceQuota': generic(validateResourceQuota),
  'v1/PodTemplate': generic(validatePodTemplate),
  'v1/PersistentVolume': { validate: validatePersistentVolume, validateUpdate: validatePersistentVolumeUpdate },
  'v1/ReplicationController': generic(validateReplicationController),
  'v1/PersistentVolumeClaim': { validate: validatePersistentVolumeClaim, validateUpdate: validatePersistentVolumeClaimUpdate },
  'apps/v1/Deployment': { validate: validateDeployment, validateUpdate: validateDeploymentUpdate },
  'apps/v1/ReplicaSet': { validate: validateReplicaSet, validateUpdate: validateReplicaSetUpdate },
  'apps/v1/StatefulSet': { validate: validateStatefulSet, validateUpdate: validateStatefulSetUpdate },
  'apps/v1/DaemonSet': { validate: validateDaemonSet, validateUpdate: validateDaemonSetUpdate },
  'apps/v1/ControllerRevision': { validate: validateControllerRevision, validateUpdate: validateControllerRevisionUpdate },
  'batch/v1/Job': { validate: validateJob, validateUpdate: validateJobUpdate },
  'batch/v1/CronJob': { validate: validateCronJob, validateUpdate: validateCronJobUpdate },
  'rbac.authorization.k8s.io/v1/Role': generic(validateRole),
  'rbac.authorization.k8s.io/v1/ClusterRole': generic(validateClusterRole),
  'rbac.authorization.k8s.io/v1/RoleBinding': { validate: validateRoleBinding, validateUpdate: validateRoleBindingUpdate },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { validate: validateClusterRoleBinding, validateUpdate: validateClusterRoleBindingUpdate },
  'networking.k8s.io/v1/Ingress': { validate: validateIngress, validateUpdate: validateIngressUpdate },
  'networking.k8s.io/v1/IngressClass': { validate: validateIngressClass, validateUpdate: validateIngressClassUpdate },
  'networking.k8s.io/v1/NetworkPolicy': { validate: validateNetworkPolicy, validateUpdate: validateNetworkPolicyUpdate },
  'storage.k8s.io/v1/StorageClass': { validate: validateStorageClass, validateUpdate: validateStorageClassUpdate },
  'policy/v1/PodDisruptionBudget': { validate: validatePodDisruptionBudget, validateUpdate: validatePodDisruptionBudgetUpdate },
  'coordination.k8s.io/v1/Lease': { validate: validateLease, validateUpdate: validateLeaseUpdate },
  'discovery.k8s.io/v1/EndpointSlice': { validate: validateEndpointSlice, validateUpdate: validateEndpointSliceUpdate },
  'events.k8s.io/v1/Event': generic(validateEvent),
  'scheduling.k8s.io/v1/PriorityClass': { validate: validatePriorityClass, validateUpdate: validatePriorityClassUpdate },
  'node.k8s.io/v1/RuntimeClass': { validate: validateRuntimeClass, validateUpdate: validateRuntimeClassUpdate },
};

export { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
export { parseQuantity, formatQuantity, compareQuantity, canonicalQuantity, quantityFormatError } from './quantity.js';

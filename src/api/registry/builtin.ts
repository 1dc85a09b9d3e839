// The built-in resources k8ts serves, with upstream's names, scope, short names, categories, verbs
// and subresources (as `kubectl api-resources -o wide` shows them on a v1.32 cluster).

import { coreToEventsV1, eventsV1ToCore } from '../conversion/events.js';
import type { ResourceType, Scope, StoredAs, SubresourceType, Verb } from './types.js';

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE_ONLY: Verb[] = ['create'];

interface Spec {
  group: string;
  version: string;
  kind: string;
  resource: string;
  scope: Scope;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[];
  subresources?: SubresourceType[];
  /** OpenAPI package path segment, e.g. core.v1, apps.v1, authorization.v1. */
  pkg: string;
  status?: boolean;
  storedAs?: StoredAs;
  generation?: ResourceType['generation'];
}

const status = (kind: string): SubresourceType => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale: SubresourceType = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

const specs: Spec[] = [
  // core/v1
  { group: '', version: 'v1', kind: 'Binding', resource: 'bindings', scope: 'Namespaced', verbs: CREATE_ONLY, pkg: 'core.v1' },
  // Deprecated in v1.19+ but still served by v1.32: a read-only view computed per request (apiserver/componentstatus/).
  { group: '', version: 'v1', kind: 'ComponentStatus', resource: 'componentstatuses', scope: 'Cluster', shortNames: ['cs'], verbs: ['get', 'list'], pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', scope: 'Namespaced', shortNames: ['cm'], pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'Endpoints', resource: 'endpoints', scope: 'Namespaced', shortNames: ['ep'], pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'Event', resource: 'events', scope: 'Namespaced', shortNames: ['ev'], pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'LimitRange', resource: 'limitranges', scope: 'Namespaced', shortNames: ['limits'], pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', scope: 'Cluster', shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')], pkg: 'core.v1', status: true },
  { group: '', version: 'v1', kind: 'Node', resource: 'nodes', scope: 'Cluster', shortNames: ['no'], subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, status('Node')], pkg: 'core.v1', status: true },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims', scope: 'Namespaced', shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')], pkg: 'core.v1', status: true },
  { group: '', version: 'v1', kind: 'PersistentVolume', resource: 'persistentvolumes', scope: 'Cluster', shortNames: ['pv'], subresources: [status('PersistentVolume')], pkg: 'core.v1', status: true },
  {
    group: '', version: 'v1', kind: 'Pod', resource: 'pods', scope: 'Namespaced', shortNames: ['po'], categories: ['all'], pkg: 'core.v1', status: true,
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      { name: 'resize', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      status('Pod'),
    ],
  },
  { group: '', version: 'v1', kind: 'PodTemplate', generation: 'all-but-metadata', resource: 'podtemplates', scope: 'Namespaced', pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'ReplicationController', generation: 'spec', resource: 'replicationcontrollers', scope: 'Namespaced', shortNames: ['rc'], categories: ['all'], subresources: [scale, status('ReplicationController')], pkg: 'core.v1', status: true },
  { group: '', version: 'v1', kind: 'ResourceQuota', resource: 'resourcequotas', scope: 'Namespaced', shortNames: ['quota'], subresources: [status('ResourceQuota')], pkg: 'core.v1', status: true },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', scope: 'Namespaced', pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'ServiceAccount', resource: 'serviceaccounts', scope: 'Namespaced', shortNames: ['sa'], subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }], pkg: 'core.v1' },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', scope: 'Namespaced', shortNames: ['svc'], categories: ['all'], subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }, status('Service')], pkg: 'core.v1', status: true },
  // apps/v1
  { group: 'apps', version: 'v1', kind: 'ControllerRevision', resource: 'controllerrevisions', scope: 'Namespaced', pkg: 'apps.v1' },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', generation: 'spec', resource: 'daemonsets', scope: 'Namespaced', shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')], pkg: 'apps.v1', status: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', generation: 'spec', resource: 'deployments', scope: 'Namespaced', shortNames: ['deploy'], categories: ['all'], subresources: [scale, status('Deployment')], pkg: 'apps.v1', status: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', generation: 'spec', resource: 'replicasets', scope: 'Namespaced', shortNames: ['rs'], categories: ['all'], subresources: [scale, status('ReplicaSet')], pkg: 'apps.v1', status: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', generation: 'spec', resource: 'statefulsets', scope: 'Namespaced', shortNames: ['sts'], categories: ['all'], subresources: [scale, status('StatefulSet')], pkg: 'apps.v1', status: true },
  // authentication.k8s.io/v1
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', resource: 'selfsubjectreviews', scope: 'Cluster', verbs: CREATE_ONLY, pkg: 'authentication.v1' },
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview', resource: 'tokenreviews', scope: 'Cluster', verbs: CREATE_ONLY, pkg: 'authentication.v1' },
  // authorization.k8s.io/v1
  { group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview', resource: 'localsubjectaccessreviews', scope: 'Namespaced', verbs: CREATE_ONLY, pkg: 'authorization.v1' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', scope: 'Cluster', verbs: CREATE_ONLY, pkg: 'authorization.v1' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', resource: 'selfsubjectrulesreviews', scope: 'Cluster', verbs: CREATE_ONLY, pkg: 'authorization.v1' },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', resource: 'subjectaccessreviews', scope: 'Cluster', verbs: CREATE_ONLY, pkg: 'authorization.v1' },
  // batch/v1
  { group: 'batch', version: 'v1', kind: 'CronJob', generation: 'spec', resource: 'cronjobs', scope: 'Namespaced', shortNames: ['cj'], categories: ['all'], subresources: [status('CronJob')], pkg: 'batch.v1', status: true },
  { group: 'batch', version: 'v1', kind: 'Job', generation: 'spec', resource: 'jobs', scope: 'Namespaced', categories: ['all'], subresources: [status('Job')], pkg: 'batch.v1', status: true },
  // coordination.k8s.io/v1
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', resource: 'leases', scope: 'Namespaced', pkg: 'coordination.v1' },
  // discovery.k8s.io/v1
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', generation: 'all-but-metadata', resource: 'endpointslices', scope: 'Namespaced', pkg: 'discovery.v1' },
  // events.k8s.io/v1
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', resource: 'events', scope: 'Namespaced', shortNames: ['ev'], pkg: 'events.v1', storedAs: { group: '', resource: 'events', toStored: eventsV1ToCore, fromStored: coreToEventsV1 } },
  // networking.k8s.io/v1
  { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass', generation: 'spec', resource: 'ingressclasses', scope: 'Cluster', pkg: 'networking.v1' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', generation: 'spec', resource: 'ingresses', scope: 'Namespaced', shortNames: ['ing'], subresources: [status('Ingress')], pkg: 'networking.v1', status: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', generation: 'spec', resource: 'networkpolicies', scope: 'Namespaced', shortNames: ['netpol'], pkg: 'networking.v1' },
  // node.k8s.io/v1
  { group: 'node.k8s.io', version: 'v1', kind: 'RuntimeClass', resource: 'runtimeclasses', scope: 'Cluster', pkg: 'node.v1' },
  // policy/v1
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', generation: 'spec', resource: 'poddisruptionbudgets', scope: 'Namespaced', shortNames: ['pdb'], subresources: [status('PodDisruptionBudget')], pkg: 'policy.v1', status: true },
  // rbac.authorization.k8s.io/v1
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', scope: 'Cluster', pkg: 'rbac.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', scope: 'Cluster', pkg: 'rbac.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', resource: 'rolebindings', scope: 'Namespaced', pkg: 'rbac.v1' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', resource: 'roles', scope: 'Namespaced', pkg: 'rbac.v1' },
  // scheduling.k8s.io/v1
  { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', resource: 'priorityclasses', scope: 'Cluster', shortNames: ['pc'], pkg: 'scheduling.v1' },
  // storage.k8s.io/v1
  { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', resource: 'storageclasses', scope: 'Cluster', shortNames: ['sc'], pkg: 'storage.v1' },
];

/** Built-in resource types without strategies; the apiserver attaches strategies. */
export function builtinResourceTypes(): ResourceType[] {
  return specs.map((s) => ({
    group: s.group,
    version: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    scope: s.scope,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? ALL,
    subresources: s.subresources ?? [],
    schemaName: `io.k8s.api.${s.pkg}.${s.kind}`,
    hasStatusSubresource: s.status ?? false,
    generation: s.generation ?? 'none',
    strategy: {},
    ...(s.storedAs ? { storedAs: s.storedAs } : {}),
  }));
}

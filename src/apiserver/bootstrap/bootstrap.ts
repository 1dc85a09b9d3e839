// What exists from a cluster's first start: the system namespaces, the `kubernetes` service and
// its endpoints, default service accounts, and the bootstrap RBAC policy. Idempotent: each start
// creates what is missing and repairs the kubernetes endpoints.

import { DEFAULT_STORAGE_CLASS } from './storage-class.js';
import { StatusError } from '../../api/errors.js';
import type { Transport } from '../../client/in-process.js';
import { bootstrapPolicy } from './policy.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const SYSTEM_PRIORITY_CLASSES = [
  { metadata: { name: 'system-node-critical' }, value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { metadata: { name: 'system-cluster-critical' }, value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

export interface BootstrapOptions {
  /** The kubernetes service's cluster IP: the first address of the service CIDR. */
  kubernetesServiceIp: string;
  /** Address and port the API server is reached at, for the kubernetes endpoints. */
  advertiseAddress: string;
  port: number;
}

async function ensure(client: Transport, collection: string, obj: { metadata: { name: string } }): Promise<void> {
  try {
    // Look first: a create of an existing service would fail on its address before its name.
    await client.request('GET', `${collection}/${obj.metadata.name}`);
    return;
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
  }
  try {
    await client.request('POST', collection, obj);
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
  }
}

async function put(client: Transport, collection: string, obj: { metadata: { name: string } }): Promise<void> {
  try {
    const current = await client.request<{ metadata: { resourceVersion: string } }>('GET', `${collection}/${obj.metadata.name}`);
    await client.request('PUT', `${collection}/${obj.metadata.name}`, { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'NotFound')) throw e;
    await client.request('POST', collection, obj);
  }
}

export async function bootstrap(client: Transport, opts: BootstrapOptions): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) await ensure(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as never);
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(client, `/api/v1/namespaces/${name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } as never);
  }
  await ensure(client, '/api/v1/namespaces/default/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: opts.kubernetesServiceIp, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.port }], sessionAffinity: 'None' },
  } as never);
  await put(client, '/api/v1/namespaces/default/endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }] }],
  } as never);
  await put(client, '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [opts.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }],
  } as never);
  // kube-apiserver's scheduling bootstrap: the two system priority classes pods may name.
  for (const pc of SYSTEM_PRIORITY_CLASSES) await ensure(client, '/apis/scheduling.k8s.io/v1/priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', ...pc } as never);
  await ensure(client, '/apis/storage.k8s.io/v1/storageclasses', structuredClone(DEFAULT_STORAGE_CLASS));
  const policy = bootstrapPolicy();
  for (const role of policy.clusterRoles) await put(client, '/apis/rbac.authorization.k8s.io/v1/clusterroles', role);
  for (const binding of policy.clusterRoleBindings) await put(client, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', binding);
}

// Test fixtures: ResourceTypes shaped like the registry's, without strategies.
import type { ResourceType, SubresourceType } from '../../api/registry/types.js';
import type { SchemaSet } from '../../api/schema/types.js';

export function resourceType(p: Partial<ResourceType> & Pick<ResourceType, 'group' | 'version' | 'kind' | 'resource' | 'schemaName'>): ResourceType {
  return {
    listKind: `${p.kind}List`,
    singular: p.kind.toLowerCase(),
    scope: 'Namespaced',
    shortNames: [],
    categories: [],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [],
    hasStatusSubresource: false,
    strategy: {},
    ...p,
  };
}

const status = (kind: string): SubresourceType => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });

export const pods = resourceType({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  schemaName: 'io.k8s.api.core.v1.Pod',
  subresources: [
    status('Pod'),
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  ],
});
export const nodes = resourceType({ group: '', version: 'v1', kind: 'Node', resource: 'nodes', scope: 'Cluster', schemaName: 'io.k8s.api.core.v1.Node', subresources: [status('Node')] });
export const deployments = resourceType({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  schemaName: 'io.k8s.api.apps.v1.Deployment',
  subresources: [status('Deployment'), { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }],
});

/** One type per top-level kind in the definitions (a stand-in for the full registry in timing tests). */
export function everyKind(schemas: SchemaSet): ResourceType[] {
  const out: ResourceType[] = [];
  const seen = new Set<string>();
  for (const [name, s] of Object.entries(schemas.definitions)) {
    const gvks = s['x-kubernetes-group-version-kind'];
    if (!gvks || gvks.length !== 1 || !s.properties?.metadata || name.endsWith('List')) continue;
    const g = gvks[0];
    if (!schemas.definitions[`${name}List`]) continue;
    const resource = `${g.kind.toLowerCase()}s`;
    const key = `${g.group}/${g.version}/${resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(resourceType({ group: g.group, version: g.version, kind: g.kind, resource, schemaName: name, subresources: s.properties.status ? [status(g.kind)] : [] }));
  }
  return out;
}

// Discovery documents, legacy (APIVersions, APIGroupList, APIResourceList) and aggregated
// (apidiscovery.k8s.io/v2), derived from the registry so they can never disagree with what is served.

import type { Registry } from '../../api/registry/registry.js';
import type { ResourceType } from '../../api/registry/types.js';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s/g, '');
    if (!p.includes('as=APIGroupDiscoveryList') || !p.includes('g=apidiscovery.k8s.io')) continue;
    if (p.includes('v=v2beta1')) return 'v2beta1';
    if (p.includes('v=v2')) return 'v2';
  }
  return undefined;
}

function resourceEntry(t: ResourceType) {
  const e: Record<string, unknown> = {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.scope,
    singularResource: t.singular,
    verbs: [...t.verbs].sort(),
  };
  if (t.shortNames.length) e.shortNames = t.shortNames;
  if (t.categories.length) e.categories = t.categories;
  if (t.subresources.length) {
    e.subresources = t.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? t.group, version: s.version ?? t.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return e;
}

export function aggregatedDiscovery(registry: Registry, legacy: boolean, version: 'v2' | 'v2beta1') {
  const groups = new Map<string, { version: string; types: ResourceType[] }[]>();
  for (const gv of registry.groupVersions()) {
    if ((gv.group === '') !== legacy) continue;
    const list = groups.get(gv.group) ?? [];
    list.push({ version: gv.version, types: registry.inGroupVersion(gv.group, gv.version) });
    groups.set(gv.group, list);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups].map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((v) => ({ version: v.version, resources: v.types.map(resourceEntry), freshness: 'Current' })),
    })),
  };
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(registry: Registry, group: string) {
  const versions = registry.groupVersions().filter((gv) => gv.group === group).map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry) {
  const names = [...new Set(registry.groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map((g) => groupEntry(registry, g)) };
}

export function apiGroup(registry: Registry, group: string) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(registry, group) };
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const resources: Record<string, unknown>[] = [];
  for (const t of registry.inGroupVersion(group, version)) {
    const r: Record<string, unknown> = { name: t.resource, singularName: t.singular, namespaced: t.scope === 'Namespaced', kind: t.kind, verbs: [...t.verbs].sort() };
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    resources.push(r);
    for (const s of t.subresources) {
      const sub: Record<string, unknown> = { name: `${t.resource}/${s.name}`, singularName: '', namespaced: t.scope === 'Namespaced', kind: s.kind, verbs: s.verbs };
      if (s.group !== undefined) sub.group = s.group;
      if (s.version !== undefined) sub.version = s.version;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

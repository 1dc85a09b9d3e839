// Server discovery as client-go's ServerPreferredResources: every resource of every group, each
// (group, resource) once, from the preferred version first. Groups that fail are reported, not
// fatal, so callers can act on what was found (and say what was not, as upstream's conditions do).

import type { Transport } from '../../client/transport.js';

export interface DiscoveredResource {
  group: string;
  version: string;
  /** Plural name; subresources ("pods/status") are left out. */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

export interface Discovery {
  resources: DiscoveredResource[];
  /** "group/version: message" for each group-version that could not be read. */
  failures: string[];
}

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

interface APIGroupList {
  groups?: { name: string; versions?: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[];
}

/** client-go's ErrGroupDiscoveryFailed text. */
export function discoveryFailureMessage(failures: string[]): string {
  return `unable to retrieve the complete list of server APIs: ${failures.join(', ')}`;
}

export async function discoverResources(transport: Transport): Promise<Discovery> {
  const resources: DiscoveredResource[] = [];
  const failures: string[] = [];
  const seen = new Set<string>();
  const read = async (group: string, version: string, path: string) => {
    try {
      const list = await transport.request<APIResourceList>('GET', path);
      for (const r of list.resources ?? []) {
        if (r.name.includes('/') || seen.has(`${group}/${r.name}`)) continue;
        seen.add(`${group}/${r.name}`);
        resources.push({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] });
      }
    } catch (e) {
      failures.push(`${group ? `${group}/` : ''}${version}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  await read('', 'v1', '/api/v1');
  let groups: APIGroupList;
  try {
    groups = await transport.request<APIGroupList>('GET', '/apis');
  } catch (e) {
    failures.push(`/apis: ${e instanceof Error ? e.message : String(e)}`);
    return { resources, failures };
  }
  for (const g of groups.groups ?? []) {
    const versions = (g.versions ?? []).map((v) => v.version);
    const preferred = g.preferredVersion?.version;
    const ordered = preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
    for (const v of ordered) await read(g.name, v, `/apis/${g.name}/${v}`);
  }
  return { resources, failures };
}

// Looks up served resource types by URL parts, by kind and by the names kubectl users type.
// Mutable only through add(), so CustomResourceDefinitions can register at run time.

import { apiVersionOf, type ResourceType } from './types.js';

export interface GroupVersion {
  group: string;
  version: string;
}

export class Registry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly order: ResourceType[] = [];
  private changeListeners: (() => void)[] = [];

  constructor(types: ResourceType[] = []) {
    for (const t of types) this.add(t);
  }

  add(t: ResourceType): void {
    const path = `${t.group}/${t.version}/${t.resource}`;
    if (!this.byPath.has(path)) this.order.push(t);
    else this.order.splice(this.order.indexOf(this.byPath.get(path)!), 1, t);
    this.byPath.set(path, t);
    this.byKind.set(`${apiVersionOf(t)}/${t.kind}`, t);
    for (const l of this.changeListeners) l();
  }

  /** Called after each add(), e.g. to drop cached discovery and OpenAPI documents. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  all(): readonly ResourceType[] {
    return this.order;
  }

  /** Group-versions in discovery order: the core group first, then groups in registration order. */
  groupVersions(): GroupVersion[] {
    const seen = new Set<string>();
    const out: GroupVersion[] = [];
    for (const t of this.order) {
      const k = `${t.group}/${t.version}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push({ group: t.group, version: t.version });
      }
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.order.filter((t) => t.group === group && t.version === version);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.order.some((t) => t.group === group && t.version === version);
  }
}

// A client for one resource: builds URLs from group, version, resource and namespace, and
// speaks JSON through a Transport. Errors are StatusErrors, as the server sent them.

import type { KubeList, KubeObject } from '../api/object.js';
import type { Transport, WatchEventOf } from './transport.js';

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

function query(opts: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(
    readonly transport: Transport,
    readonly ref: ResourceRef,
    /** Sent as fieldManager on writes, as upstream's controllers name themselves. */
    readonly fieldManager?: string,
  ) {}

  path(namespace?: string, name?: string, subresource?: string): string {
    const { group, version, resource, namespaced } = this.ref;
    let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${resource}`;
    if (name) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  // Components write objects they read from the API, which hold no unknown or duplicate fields;
  // Ignore spares the server looking for them (it still rejects fields of the wrong type).
  private writeQuery(extra: Record<string, string | undefined> = {}): string {
    return query({ fieldManager: this.fieldManager, fieldValidation: 'Ignore', ...extra });
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.transport.request<T>('GET', this.path(namespace, name));
  }

  list(namespace?: string, opts: ListOptions = {}): Promise<KubeList & { items: T[] }> {
    return this.transport.request('GET', this.path(namespace) + query({ ...opts }));
  }

  create(obj: T, namespace = obj.metadata?.namespace): Promise<T> {
    return this.transport.request<T>('POST', this.path(namespace) + this.writeQuery(), obj);
  }

  update(obj: T, subresource?: string): Promise<T> {
    return this.transport.request<T>('PUT', this.path(obj.metadata?.namespace, obj.metadata?.name, subresource) + this.writeQuery(), obj);
  }

  updateStatus(obj: T): Promise<T> {
    return this.update(obj, 'status');
  }

  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: { subresource?: string; force?: boolean } = {}): Promise<T> {
    const q = this.writeQuery(opts.force ? { force: 'true' } : {});
    return this.transport.request<T>('PATCH', this.path(namespace, name, opts.subresource) + q, patch, PATCH_TYPES[type]);
  }

  delete(namespace: string | undefined, name: string, options: { propagationPolicy?: string; gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } = {}): Promise<unknown> {
    return this.transport.request('DELETE', this.path(namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...options });
  }

  /** POSTs to a subresource (binding, eviction, token). */
  createSubresource<R = unknown>(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<R> {
    return this.transport.request<R>('POST', this.path(namespace, name, subresource) + this.writeQuery(), body);
  }

  watch(namespace: string | undefined, opts: WatchOptions, onEvent: (ev: WatchEventOf<T>) => void, signal: AbortSignal): Promise<void> {
    return this.transport.watch(this.path(namespace) + query({ ...opts, watch: 'true' }), onEvent as (ev: WatchEventOf) => void, signal);
  }
}

// An informer (client-go's reflector + indexer): lists a resource, then watches from the list's
// resourceVersion, keeping a local cache with indexes and telling handlers what changed. On a
// 410 Expired, or when the watch ends, it re-lists and reconciles the cache with the new list.
// Cached objects are shared and read-only: clone before changing one.

import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ListOptions, ResourceClient } from './rest.js';

export interface EventHandler<T> {
  add?(obj: T): void;
  update?(old: T, obj: T): void;
  /** The last state the informer saw. */
  delete?(obj: T): void;
}

export type IndexFn<T> = (obj: T) => string[];

export function objectKey(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export interface InformerOptions extends Pick<ListOptions, 'labelSelector' | 'fieldSelector'> {
  namespace?: string;
  /** Wait before re-listing after a failure (ms). */
  retryDelayMs?: number;
  onError?(err: unknown): void;
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFn<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: EventHandler<T>[] = [];
  private syncedResolve!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));
  private hasSynced = false;
  /** The resourceVersion the cache reflects. */
  lastResourceVersion = '';

  constructor(
    readonly client: ResourceClient<T>,
    private readonly opts: InformerOptions = {},
  ) {
    this.addIndexer('namespace', (o) => [o.metadata?.namespace ?? '']);
  }

  addIndexer(name: string, fn: IndexFn<T>): void {
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indexes.set(name, index);
    for (const [key, obj] of this.cache) for (const v of fn(obj)) this.indexAdd(index, v, key);
  }

  addHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    if (this.hasSynced) for (const obj of this.cache.values()) h.add?.(obj);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.cache.values()];
    return this.byIndex('namespace', namespace);
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.cache.get(k)!).filter(Boolean);
  }

  private indexAdd(index: Map<string, Set<string>>, value: string, key: string): void {
    let set = index.get(value);
    if (!set) index.set(value, (set = new Set()));
    set.add(key);
  }

  private reindex(key: string, old: T | undefined, obj: T | undefined): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      if (old) for (const v of fn(old)) index.get(v)?.delete(key);
      if (obj) for (const v of fn(obj)) this.indexAdd(index, v, key);
    }
  }

  private put(obj: T): void {
    const key = objectKey(obj);
    const old = this.cache.get(key);
    this.cache.set(key, obj);
    this.reindex(key, old, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  private remove(obj: T): void {
    const key = objectKey(obj);
    const old = this.cache.get(key);
    if (!old) return;
    this.cache.delete(key);
    this.reindex(key, old, undefined);
    for (const h of this.handlers) h.delete?.(old);
  }

  /** Replaces the cache with a fresh list, telling handlers about every difference. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (!old || old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.put(obj);
    }
    for (const [key, obj] of [...this.cache]) if (!seen.has(key)) this.remove(obj);
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list(this.opts.namespace, { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, limit: 500, continue: cont });
      items.push(...page.items);
      cont = page.metadata.continue;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    return { items, resourceVersion: rv };
  }

  /** Lists and watches until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const retryDelay = this.opts.retryDelayMs ?? 1000;
    while (!signal.aborted) {
      try {
        const { items, resourceVersion } = await this.listAll();
        this.replace(items);
        this.lastResourceVersion = resourceVersion;
        if (!this.hasSynced) {
          this.hasSynced = true;
          this.syncedResolve();
        }
        await this.watchFrom(signal);
      } catch (e) {
        if (signal.aborted) return;
        this.opts.onError?.(e);
        await new Promise((r) => setTimeout(r, retryDelay).unref());
      }
    }
  }

  /** Watches from lastResourceVersion; returns to re-list when the stream ends or expires. */
  private async watchFrom(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) return;
      let expired = false;
      await this.client.watch(
        this.opts.namespace,
        { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, resourceVersion: this.lastResourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) },
        (ev) => {
          if (ev.type === 'ERROR') {
            expired = true;
            return;
          }
          const rv = ev.object.metadata?.resourceVersion;
          if (rv) this.lastResourceVersion = rv;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.put(ev.object);
          else if (ev.type === 'DELETED') this.remove(ev.object);
        },
        signal,
      );
      if (expired) return; // re-list
      // A watch that ended normally (timeout) resumes from where it was.
    }
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof StatusError && e.code === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof StatusError && e.code === 409;
}

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof StatusError && e.reason === 'AlreadyExists';
}

// What upstream's admission plugins read through informer listers: a copy of one resource kept
// current by a store watch, so that admitting a write does not cost a storage read. Like a
// lister it may trail the store by a turn of the event loop; plugins fall back to a live read
// where that matters (a namespace not seen yet, a namespace with no LimitRanges).

import type { KubeObject } from '../../api/object.js';
import type { ServerContext } from '../context.js';

export class WatchedCache {
  private byNamespace?: Map<string, Map<string, KubeObject>>;
  private starting?: Promise<void>;

  constructor(private readonly server: ServerContext, private readonly group: string, private readonly resource: string) {}

  /** Objects of a namespace ('' for cluster-scoped), or undefined while the cache is not yet filled. */
  async list(namespace: string): Promise<KubeObject[]> {
    await this.start();
    return [...(this.byNamespace?.get(namespace)?.values() ?? [])];
  }

  async get(namespace: string, name: string): Promise<KubeObject | undefined> {
    await this.start();
    return this.byNamespace?.get(namespace)?.get(name);
  }

  private start(): Promise<void> {
    if (this.byNamespace) return Promise.resolve();
    this.starting ??= this.fill().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async fill(): Promise<void> {
    const objects = this.server.objectsOf(this.group, this.resource);
    const page = await objects.list({});
    const map = new Map<string, Map<string, KubeObject>>();
    const put = (o: KubeObject) => {
      const ns = o.metadata?.namespace ?? '';
      let m = map.get(ns);
      if (!m) map.set(ns, (m = new Map()));
      m.set(o.metadata!.name!, o);
    };
    for (const o of page.items) put(o);
    this.server.store.watch(objects.prefix(), {
      fromRevision: page.revision,
      onEvent: (ev) => {
        const view = objects.eventView(ev);
        if (ev.type === 'delete') map.get(view.object.metadata?.namespace ?? '')?.delete(view.object.metadata!.name!);
        else put(view.object);
      },
      // Compaction, backlog or a closed store: start over on next use.
      onError: () => {
        if (this.byNamespace === map) this.byNamespace = undefined;
      },
    });
    this.byNamespace = map;
  }
}

/** One cache per server and resource. */
const caches = new WeakMap<ServerContext, Map<string, WatchedCache>>();

export function watchedCache(server: ServerContext, group: string, resource: string): WatchedCache {
  let m = caches.get(server);
  if (!m) caches.set(server, (m = new Map()));
  const key = `${group}/${resource}`;
  let c = m.get(key);
  if (!c) m.set(key, (c = new WatchedCache(server, group, resource)));
  return c;
}

// The garbage collector's view of the cluster (upstream's dependency graph, kept in informer
// caches): one informer per resource that can be listed, watched and deleted, each indexed by
// uid and by owner uid, so owners and dependents are found without a graph of their own.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { RESOURCES, type ResourceName } from '../../client/clientset.js';
import { Informer, type EventHandler } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { ControllerContext } from '../framework/controller.js';
import { discoverResources, type DiscoveredResource } from '../namespace/discovery.js';
import { groupOf, ownerRefs } from './owner-refs.js';

const UID_INDEX = 'gc:uid';
const OWNER_INDEX = 'gc:owner';

/** Resources upstream's collector leaves alone (events churn and never own anything). */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export interface Monitor {
  /** "group/resource", the key's first part. */
  id: string;
  group: string;
  kind: string;
  namespaced: boolean;
  client: ResourceClient;
  informer: Informer;
  /** Stops an informer this collector started itself (not a shared one). */
  stop?: AbortController;
}

export interface Located {
  monitor: Monitor;
  obj: KubeObject;
}

export class Monitors {
  private readonly byId = new Map<string, Monitor>();
  private readonly byKind = new Map<string, Monitor>();
  private stopping?: AbortSignal;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly handler: (m: Monitor) => EventHandler<KubeObject>,
  ) {}

  get all(): Monitor[] {
    return [...this.byId.values()];
  }

  get(id: string): Monitor | undefined {
    return this.byId.get(id);
  }

  /** The monitor for an owner reference's kind, across versions of its group. */
  forRef(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>): Monitor | undefined {
    return this.byKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
  }

  /** Adds monitors for resources not yet watched; returns how many were added. */
  async sync(signal: AbortSignal): Promise<number> {
    const { resources } = await discoverResources(this.ctx.clients.transport);
    const shared = new Map(Object.entries(RESOURCES).map(([name, r]) => [`${r.group}/${r.resource}`, name as ResourceName]));
    let added = 0;
    const current = new Set<string>();
    for (const r of resources) {
      const id = `${r.group}/${r.resource}`;
      if (IGNORED.has(id) || !['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
      current.add(id);
      if (this.byId.has(id)) continue;
      this.add(r, shared.get(id), signal);
      added++;
    }
    // Resources no longer served (a deleted CRD): stop watching them.
    for (const m of this.all) {
      if (current.has(m.id) || !m.stop) continue;
      m.stop.abort();
      this.byId.delete(m.id);
      if (this.byKind.get(`${m.group}/${m.kind}`) === m) this.byKind.delete(`${m.group}/${m.kind}`);
    }
    return added;
  }

  private add(r: DiscoveredResource, sharedName: ResourceName | undefined, signal: AbortSignal): void {
    const id = `${r.group}/${r.resource}`;
    let informer: Informer;
    let stop: AbortController | undefined;
    if (sharedName) {
      informer = this.ctx.informers.informer(sharedName);
    } else {
      informer = new Informer(this.ctx.clients.resource({ group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced }), {
        retryDelayMs: 1000,
        onError: (e) => this.ctx.log('debug', 'garbage collector informer error', { resource: id, error: e instanceof Error ? e.message : String(e) }),
      });
      stop = new AbortController();
      // One listener for all of them: the controller's signal stops every informer it started.
      if (this.stopping !== signal) {
        this.stopping = signal;
        signal.addEventListener('abort', () => this.all.forEach((m) => m.stop?.abort()), { once: true });
      }
    }
    informer.addIndexer(UID_INDEX, (o) => (o.metadata?.uid ? [o.metadata.uid] : []));
    informer.addIndexer(OWNER_INDEX, (o) => ownerRefs(o).map((ref) => ref.uid));
    const m: Monitor = { id, group: r.group, kind: r.kind, namespaced: r.namespaced, client: informer.client, informer, stop };
    this.byId.set(id, m);
    this.byKind.set(`${r.group}/${r.kind}`, m);
    informer.addHandler(this.handler(m));
    if (stop) void informer.run(stop.signal);
  }

  async synced(): Promise<void> {
    await Promise.all(this.all.map((m) => m.informer.synced));
  }

  /** The cached object with this uid in the monitor of an owner reference. */
  cachedOwner(ref: OwnerReference): Located | undefined {
    const monitor = this.forRef(ref);
    const obj = monitor?.informer.byIndex(UID_INDEX, ref.uid)[0];
    return monitor && obj ? { monitor, obj } : undefined;
  }

  /** Cached objects whose ownerReferences name this uid. */
  dependents(uid: string): Located[] {
    const out: Located[] = [];
    for (const monitor of this.byId.values()) for (const obj of monitor.informer.byIndex(OWNER_INDEX, uid)) out.push({ monitor, obj });
    return out;
  }
}

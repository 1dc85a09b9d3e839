// The ResourceQuota controller: keeps every quota's status (hard from spec, used recounted) true
// to the objects in its namespace. Quota changes that need a sync, and changes of the objects a
// quota counts, enqueue quota keys; a periodic full resync catches what no event announces.

import type { KubeObject } from '../../api/object.js';
import { evaluatorFor } from '../../api/quota/evaluators.js';
import { statusHard, statusUsed } from '../../api/quota/quota.js';
import { equals, parseResourceList } from '../../api/quota/resource-list.js';
import { RESOURCES, type ResourceName } from '../../client/clientset.js';
import { Informer, objectKey } from '../../client/informer.js';
import type { ResourceRef } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { syncResourceQuota, type ResourceQuotaDeps } from './reconcile.js';

/** Upstream's --resource-quota-sync-period. */
export const FULL_RESYNC_MS = 5 * 60_000;
/** How long a sync waits for a newly started informer before counting without it. */
const INFORMER_SYNC_WAIT_MS = 10_000;

/** Resources counted from the start (upstream's replenishment informers). */
const WATCHED: ResourceName[] = ['pods', 'services', 'configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas', 'persistentvolumeclaims'];

const byGroupResource = new Map<string, ResourceName>(
  (Object.entries(RESOURCES) as [ResourceName, (typeof RESOURCES)[ResourceName]][]).filter(([, r]) => r.namespaced).map(([name, r]) => [`${r.group}/${r.resource}`, name]),
);

function hardOf(q: KubeObject) {
  return parseResourceList((q.spec as { hard?: unknown } | undefined)?.hard);
}

/** A quota update needs a sync when spec.hard moved or status does not yet reflect it (addQuota). */
function needsSync(q: KubeObject): boolean {
  const hard = hardOf(q);
  if (!equals(hard, statusHard(q))) return true;
  const used = statusUsed(q);
  return Object.keys(hard).some((n) => !(n in used));
}

export function resourceQuotaController(ctx: ControllerContext, opts: { resyncMs?: number } = {}): Controller {
  const queue = new WorkQueue(ctx.clock);
  const quotaInformer = ctx.informers.informer('resourcequotas');
  const informers = new Map<string, { informer: Informer; synced: boolean }>();

  const enqueueNamespace = (ns: string | undefined) => {
    if (ns) for (const q of quotaInformer.list(ns)) queue.add(objectKey(q));
  };
  let running: AbortSignal | undefined;
  const watch = (name: ResourceName | ResourceRef) => {
    const r = typeof name === 'string' ? RESOURCES[name] : name;
    const key = `${r.group}/${r.resource}`;
    const existing = informers.get(key);
    if (existing) return existing;
    let informer: Informer;
    if (typeof name === 'string') informer = ctx.informers.informer(name);
    else {
      // A resource the shared factory does not know: an informer of this controller's own.
      informer = new Informer(ctx.clients.resource(name), { retryDelayMs: 1000 });
      if (running) void informer.run(running);
    }
    const entry = { informer, synced: false };
    informers.set(key, entry);
    void informer.synced.then(() => (entry.synced = true));
    const ev = evaluatorFor(r.group, r.resource);
    informer.addHandler({
      add: (o) => enqueueNamespace(o.metadata?.namespace),
      // Only a change of what the object costs matters (a pod ending, a service changing type).
      update: (old, o) => {
        if (old.metadata?.resourceVersion === o.metadata?.resourceVersion) return;
        // Most namespaces have no quota: skip the usage arithmetic for their (many) pod updates.
        if (!quotaInformer.list(o.metadata?.namespace ?? '').length) return;
        const now = ctx.clock.now();
        if (old.metadata?.deletionTimestamp !== o.metadata?.deletionTimestamp || !equals(ev.usage(old, now), ev.usage(o, now))) enqueueNamespace(o.metadata?.namespace);
      },
      delete: (o) => enqueueNamespace(o.metadata?.namespace),
    });
    return entry;
  };
  for (const r of WATCHED) watch(r);

  /** The served, namespaced version of a resource outside RESOURCES, from discovery. */
  const discover = async (group: string, resource: string): Promise<ResourceRef | undefined> => {
    try {
      let version = 'v1';
      if (group) {
        const g = await ctx.clients.transport.request<{ preferredVersion?: { version?: string } }>('GET', `/apis/${group}`);
        version = g.preferredVersion?.version ?? '';
      }
      const list = await ctx.clients.transport.request<{ resources?: { name: string; namespaced: boolean }[] }>('GET', group ? `/apis/${group}/${version}` : '/api/v1');
      const found = list.resources?.find((x) => x.name === resource);
      return found?.namespaced ? { group, version, resource, namespaced: true } : undefined;
    } catch {
      return undefined;
    }
  };

  const deps: ResourceQuotaDeps = {
    quotaInformer,
    quotaClient: ctx.clients.resource('resourcequotas'),
    queue,
    now: () => ctx.clock.now(),
    async informerFor(group, resource) {
      const name = byGroupResource.get(`${group}/${resource}`) ?? informers.get(`${group}/${resource}`)?.informer.client.ref ?? (await discover(group, resource));
      if (!name || !running) return undefined;
      const entry = watch(name);
      if (!entry.synced) {
        let timer: unknown;
        const waited = await Promise.race([
          entry.informer.synced.then(() => true),
          new Promise<boolean>((r) => (timer = ctx.clock.setTimeout(() => r(false), INFORMER_SYNC_WAIT_MS))),
        ]);
        ctx.clock.clearTimeout(timer);
        if (!waited) return undefined;
      }
      return entry.informer;
    },
  };

  quotaInformer.addHandler({
    add: (q) => queue.add(objectKey(q)),
    update: (old, q) => {
      if (!equals(hardOf(old), hardOf(q)) || needsSync(q)) queue.add(objectKey(q));
    },
  });

  return {
    name: 'resourcequota',
    async run(signal) {
      running = signal;
      const resyncMs = opts.resyncMs ?? FULL_RESYNC_MS;
      let timer: unknown;
      const resync = () => {
        for (const q of quotaInformer.list()) queue.add(objectKey(q));
        timer = ctx.clock.setTimeout(resync, resyncMs);
      };
      timer = ctx.clock.setTimeout(resync, resyncMs);
      signal.addEventListener('abort', () => ctx.clock.clearTimeout(timer), { once: true });
      await runWorkers({ name: 'resourcequota', queue, workers: 2, reconcile: (key) => syncResourceQuota(deps, key), log: ctx.log }, signal);
    },
  };
}

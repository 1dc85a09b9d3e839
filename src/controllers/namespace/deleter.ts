// Deletes everything in a terminating namespace (upstream's namespacedResourcesDeleter): every
// served namespaced resource that can be deleted, by collection where possible, then counts
// what remains, keeps the namespace's deletion conditions, and finally removes the
// `kubernetes` finalizer so the API server can delete the namespace itself.

import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { isConflict, isNotFound } from '../../client/informer.js';
import type { ControllerContext } from '../framework/controller.js';
import { failureConditions, mergeConditions, type DeletionOutcome, type NamespaceCondition } from './conditions.js';
import { discoverResources, type DiscoveredResource } from './discovery.js';
import { formatTime, podTerminationEstimate } from './estimate.js';

export const FINALIZER = 'kubernetes';
/** Seconds assumed for another finalizer to finish, as upstream's finalizerEstimateSeconds. */
export const FINALIZER_ESTIMATE_SECONDS = 15;

/** Thrown when content was deleted but some must still go away; `estimate` in seconds. */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
  }
}

type NamespaceObj = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: NamespaceCondition[] } };

const BACKGROUND = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs one pass over a namespace; throws ResourcesRemainingError or another error to be retried. */
export async function syncNamespace(ctx: ControllerContext, name: string): Promise<void> {
  const nsClient = ctx.clients.resource<NamespaceObj>('namespaces');
  let ns: NamespaceObj;
  try {
    ns = await nsClient.get(undefined, name);
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  if (!ns.metadata?.deletionTimestamp) return;
  ns = await retryOnConflict(ctx, ns, async (cur) => {
    if (cur.status?.phase === 'Terminating') return cur;
    return nsClient.updateStatus({ ...cur, status: { ...cur.status, phase: 'Terminating' } });
  });
  if (!ns.metadata?.deletionTimestamp || (ns.spec?.finalizers ?? []).length === 0) return;
  const estimate = await deleteAllContent(ctx, ns);
  if (estimate > 0) throw new ResourcesRemainingError(estimate);
  await retryOnConflict(ctx, ns, async (cur) => {
    const finalizers = [...new Set((cur.spec?.finalizers ?? []).filter((f) => f !== FINALIZER))].sort();
    return nsClient.update({ ...cur, spec: { ...cur.spec, finalizers } }, 'finalize');
  });
}

/** Re-reads and retries on conflicts; a namespace that vanished or was recreated ends the pass. */
async function retryOnConflict(ctx: ControllerContext, ns: NamespaceObj, fn: (cur: NamespaceObj) => Promise<NamespaceObj>): Promise<NamespaceObj> {
  const nsClient = ctx.clients.resource<NamespaceObj>('namespaces');
  let cur = ns;
  for (;;) {
    try {
      return await fn(cur);
    } catch (e) {
      if (isNotFound(e)) return { ...cur, metadata: { ...cur.metadata, deletionTimestamp: undefined } };
      if (!isConflict(e)) throw e;
    }
    const latest = await nsClient.get(undefined, cur.metadata!.name!);
    if (latest.metadata?.uid !== cur.metadata?.uid) throw new Error('namespace uid has changed across retries');
    cur = latest;
  }
}

interface ResourceOutcome {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
}

/** Deletes all content; returns the estimate in seconds until it is gone (0: nothing remains). */
export async function deleteAllContent(ctx: ControllerContext, ns: NamespaceObj): Promise<number> {
  const name = ns.metadata!.name!;
  const discovery = await discoverResources(ctx.clients.transport);
  const outcome: DeletionOutcome = { discoveryFailures: discovery.failures, contentErrors: [], remaining: new Map(), finalizers: new Map() };
  const errorsSeen: string[] = discovery.failures.length ? [`unable to retrieve the complete list of server APIs: ${discovery.failures.join(', ')}`] : [];
  let estimate = 0;
  const deletable = discovery.resources.filter((r) => r.namespaced && r.verbs.includes('delete'));
  for (const r of deletable) {
    try {
      const res = await deleteResourceContent(ctx, r, ns);
      estimate = Math.max(estimate, res.estimate);
      if (res.remaining > 0) {
        outcome.remaining.set(`${r.resource}.${r.group}`, res.remaining);
        for (const [f, n] of res.finalizers) outcome.finalizers.set(f, (outcome.finalizers.get(f) ?? 0) + n);
      }
    } catch (e) {
      const partial = e instanceof ContentError ? e.outcome : undefined;
      if (partial) estimate = Math.max(estimate, partial.estimate);
      if (partial?.remaining) outcome.remaining.set(`${r.resource}.${r.group}`, partial.remaining);
      const msg = errText(e);
      outcome.contentErrors.push(msg);
      errorsSeen.push(msg);
    }
  }
  const now = formatTime(new Date(ctx.clock.now()));
  const { changed } = mergeConditions(ns.status?.conditions ?? [], failureConditions(outcome, now), now);
  if (changed) {
    try {
      const latest = await ctx.clients.resource<NamespaceObj>('namespaces').get(undefined, name);
      if (latest.metadata?.uid === ns.metadata?.uid) {
        const merged = mergeConditions(latest.status?.conditions ?? [], failureConditions(outcome, now), now).conditions;
        await ctx.clients.resource<NamespaceObj>('namespaces').updateStatus({ ...latest, status: { ...latest.status, conditions: merged } });
      }
    } catch (e) {
      // Upstream only logs a failed condition update; the next pass writes them again.
      ctx.log('debug', 'could not update namespace conditions', { namespace: name, error: errText(e) });
    }
  }
  if (errorsSeen.length) throw new Error(errorsSeen.length === 1 ? errorsSeen[0] : `[${errorsSeen.join(', ')}]`);
  return estimate;
}

class ContentError extends Error {
  constructor(message: string, readonly outcome: ResourceOutcome) {
    super(message);
  }
}

function isUnsupported(e: unknown): boolean {
  return e instanceof StatusError && (e.code === 405 || e.code === 404);
}

async function deleteResourceContent(ctx: ControllerContext, r: DiscoveredResource, ns: NamespaceObj): Promise<ResourceOutcome> {
  const namespace = ns.metadata!.name!;
  const client = ctx.clients.resource({ group: r.group, version: r.version, resource: r.resource, namespaced: true });
  let estimate = 0;
  if (r.group === '' && r.resource === 'pods') {
    const pods = await client.list(namespace);
    estimate = podTerminationEstimate(pods.items, ns.metadata!.deletionTimestamp!, ctx.clock.now());
  }
  let collected = false;
  if (r.verbs.includes('deletecollection')) {
    try {
      await ctx.clients.transport.request('DELETE', client.path(namespace), BACKGROUND);
      collected = true;
    } catch (e) {
      if (!isUnsupported(e)) throw e;
    }
  }
  if (!collected) {
    if (!r.verbs.includes('list')) return { estimate, remaining: 0, finalizers: new Map() };
    for (const item of (await client.list(namespace)).items) {
      try {
        await ctx.clients.transport.request('DELETE', client.path(namespace, item.metadata!.name!), BACKGROUND);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
  if (!r.verbs.includes('list')) return { estimate, remaining: 0, finalizers: new Map() };
  const left = (await client.list(namespace)).items;
  if (left.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
  const finalizers = new Map<string, number>();
  for (const item of left) for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  if (estimate > 0) return { estimate, remaining: left.length, finalizers };
  // Finalizers are normal: give whoever owns them time. Anything else should have gone.
  if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: left.length, finalizers };
  throw new ContentError(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(r)}`, { estimate, remaining: left.length, finalizers });
}

/** Go's %v of a schema.GroupVersionResource. */
function gvrString(r: DiscoveredResource): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

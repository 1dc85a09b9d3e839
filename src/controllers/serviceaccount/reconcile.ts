// One namespace's sync: create each wanted ServiceAccount missing from the cache.

import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { isAlreadyExists } from '../../client/informer.js';
import type { ControllerContext } from '../framework/controller.js';

/** True for the Forbidden answer NamespaceLifecycle gives in a terminating namespace. */
export function isNamespaceTerminating(e: unknown): boolean {
  if (!(e instanceof StatusError) || e.code !== 403) return false;
  const causes = (e.details as { causes?: { reason?: string }[] } | undefined)?.causes ?? [];
  return causes.some((c) => c.reason === 'NamespaceTerminating');
}

export async function ensureServiceAccounts(ctx: ControllerContext, names: string[], namespace: string): Promise<void> {
  const ns = ctx.informers.informer('namespaces').getByName(undefined, namespace);
  // Terminating namespaces refuse new content; missing ones have nothing to hold it.
  if (!ns || ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase !== 'Active') return;
  const cache = ctx.informers.informer('serviceaccounts');
  const client = ctx.clients.resource('serviceaccounts');
  for (const name of names) {
    if (cache.getByName(namespace, name)) continue;
    const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
    try {
      await client.create(sa, namespace);
    } catch (e) {
      if (isAlreadyExists(e) || isNamespaceTerminating(e) || (e instanceof StatusError && e.code === 404)) continue;
      throw e;
    }
  }
}

// ResourceQuota admission (upstream plugin/pkg/admission/resourcequota): a create (or an update
// that grows usage) in a namespace with quotas is held to every quota whose scopes take it, with
// upstream's 403 messages, and is charged to those quotas' status.used before it is stored, each
// charge re-checked against the stored quota in one compare-and-swap so that concurrent creates
// cannot both take the last unit. The quota controller later recounts from the real objects.

import { errors, StatusError } from '../../api/errors.js';
import { cloneJson, type KubeObject } from '../../api/object.js';
import { evaluatorFor } from '../../api/quota/evaluators.js';
import { checkRequest } from '../../api/quota/quota.js';
import { formatResourceList } from '../../api/quota/resource-list.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../context.js';
import { watchedCache } from './watched-cache.js';

/** install.DefaultIgnoredResources: quota never looks at events. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

function forbidden(a: AdmissionAttributes, message: string): StatusError {
  const meta = a.object?.metadata;
  const name = meta?.name || meta?.generateName || a.name || 'Unknown';
  return errors.forbidden({ group: a.type.group, resource: a.type.resource }, name, message);
}

/**
 * Upstream validates an object before its validating admission runs; here admission comes first,
 * so an object validation will refuse is neither charged nor refused by quota.
 */
function invalid(a: AdmissionAttributes): boolean {
  const obj = a.object!;
  const s = a.type.strategy;
  const errs = a.operation === 'UPDATE' && a.oldObject ? [...(s.validate?.(obj) ?? []), ...(s.validateUpdate?.(obj, a.oldObject) ?? [])] : (s.validate?.(obj) ?? []);
  return errs.length > 0;
}

export const resourceQuota: AdmissionPlugin = {
  name: 'ResourceQuota',
  async validate(a, server) {
    if (!a.object || !a.namespace || a.type.scope !== 'Namespaced') return;
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    if (IGNORED.has(`${a.type.group}/${a.type.resource}`)) return;
    const ev = evaluatorFor(a.type.group, a.type.resource);
    if (!ev.handles(a.operation, a.subresource)) return;
    // The watched cache says cheaply whether the namespace has quotas at all; their status is
    // read from storage, as a cached one may trail a charge or a release written a moment ago.
    if (!(await watchedCache(server, '', 'resourcequotas').list(a.namespace)).length) return;
    const store = server.objectsOf('', 'resourcequotas');
    const quotas = (await store.list({ namespace: a.namespace })).items;
    const obj = a.object;
    const old = a.operation === 'UPDATE' ? a.oldObject : undefined;
    const now = server.now().getTime();
    const decision = checkRequest(quotas, ev, obj, old, now);
    if (!decision.allowed) throw forbidden(a, decision.message);
    if (!decision.charges.size || a.dryRun || invalid(a)) return;
    for (const name of [...decision.charges.keys()].sort()) {
      await store.guaranteedUpdate(a.namespace, name, (current: KubeObject) => {
        // Another write may have charged it since it was read: decide again on the stored quota.
        const again = checkRequest([current], ev, obj, old, now);
        if (!again.allowed) throw forbidden(a, again.message);
        const used = again.charges.get(name);
        if (!used) return current;
        const next = cloneJson(current);
        next.status = { ...((next.status as Record<string, unknown> | undefined) ?? {}), used: formatResourceList(used) };
        return next;
      }).catch((e: unknown) => {
        // A quota deleted meanwhile no longer limits anything.
        if (e instanceof StatusError && e.code === 404) return;
        throw e;
      });
    }
  },
};

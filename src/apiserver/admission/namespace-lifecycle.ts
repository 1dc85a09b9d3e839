// NamespaceLifecycle: no new objects in a missing or terminating namespace, and the system
// namespaces can never be deleted.

import { errors } from '../../api/errors.js';
import type { AdmissionPlugin } from '../context.js';

export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(a, server) {
    if (a.operation !== 'CREATE' || a.type.scope !== 'Namespaced' || a.subresource) return;
    // Reviews and token requests are never stored; upstream exempts them too.
    if (a.type.verbs.length === 1 && a.type.verbs[0] === 'create') return;
    const ns = await server.objectsOf('', 'namespaces').tryGet(undefined, a.namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw errors.forbidden({ group: a.type.group, resource: a.type.resource }, a.name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
    }
  },
};

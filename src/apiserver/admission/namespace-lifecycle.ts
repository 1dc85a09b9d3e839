// NamespaceLifecycle: no new objects (nor subresource creates such as bindings, evictions and
// token requests) in a missing or terminating namespace, and the system namespaces can never be
// deleted. Messages and causes are upstream's.

import { errors } from '../../api/errors.js';
import type { AdmissionPlugin } from '../context.js';
import { watchedCache } from './watched-cache.js';

export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(a, server) {
    if (a.type.group === '' && a.type.resource === 'namespaces') {
      if (a.operation === 'DELETE' && IMMORTAL_NAMESPACES.has(a.name)) throw errors.forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
      return;
    }
    if (a.operation !== 'CREATE' || a.type.scope !== 'Namespaced' || !a.namespace) return;
    // Access reviews are answered, never stored; upstream lets them through for any namespace.
    if (a.type.group === 'authorization.k8s.io' && a.type.resource === 'localsubjectaccessreviews') return;
    // As upstream: the lister first, a live read for a namespace it has not seen yet.
    const ns = (await watchedCache(server, '', 'namespaces').get('', a.namespace)) ?? (await server.objectsOf('', 'namespaces').tryGet(undefined, a.namespace));
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      const name = a.name || a.object?.metadata?.name || '';
      const e = errors.forbidden({ group: a.type.group, resource: a.type.resource }, name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
      e.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }];
      throw e;
    }
  },
};

// Admission for the create-only subresources (binding, eviction, token): upstream runs the
// admission chain on the subresource's own object, so NamespaceLifecycle sees these creates too.

import type { KubeObject } from '../../api/object.js';
import type { RequestContext } from '../context.js';

export async function admitSubresourceCreate(rc: RequestContext, subresource: string, object: KubeObject, dryRun: boolean): Promise<void> {
  const attrs = { operation: 'CREATE' as const, type: rc.type, subresource, namespace: rc.info.namespace, name: rc.info.name, object, user: rc.user, dryRun };
  for (const p of rc.server.admission) if (p.admit) await p.admit(attrs, rc.server);
  for (const p of rc.server.admission) if (p.validate) await p.validate(attrs, rc.server);
}

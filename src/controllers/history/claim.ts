// Adoption and release by controller ownerReference (upstream's ControllerRefManager): orphans
// matching the owner's selector are adopted, owned objects that no longer match are released.
// Both are patches carrying the object's uid, so a recreated object of the same name is untouched.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { isNotFound } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import { controllerRef } from '../framework/controller.js';

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerRef: OwnerReference;
  matches(obj: T): boolean;
  client: ResourceClient<T>;
  /** Extra condition for adoption (StatefulSet: the pod name must be one of the set's). */
  canAdopt?(obj: T): boolean;
}

/** Returns the objects the owner controls after adopting and releasing. */
export async function claimObjects<T extends KubeObject>(objs: readonly T[], opts: ClaimOptions<T>): Promise<T[]> {
  const uid = opts.owner.metadata?.uid;
  const ownerDeleting = !!opts.owner.metadata?.deletionTimestamp;
  const claimed: T[] = [];
  for (const obj of objs) {
    const ref = controllerRef(obj);
    const m = obj.metadata ?? {};
    if (ref) {
      if (ref.uid !== uid) continue;
      if (opts.matches(obj) || ownerDeleting) {
        claimed.push(obj);
        continue;
      }
      if (m.deletionTimestamp) continue;
      const refs = (m.ownerReferences ?? []).filter((r) => r.uid !== uid);
      try {
        await opts.client.patch(m.namespace, m.name!, 'merge', { metadata: { uid: m.uid, ownerReferences: refs } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      continue;
    }
    if (ownerDeleting || m.deletionTimestamp || !opts.matches(obj) || (opts.canAdopt && !opts.canAdopt(obj))) continue;
    try {
      const adopted = await opts.client.patch(m.namespace, m.name!, 'merge', { metadata: { uid: m.uid, ownerReferences: [...(m.ownerReferences ?? []), opts.ownerRef] } });
      claimed.push(adopted);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return claimed;
}

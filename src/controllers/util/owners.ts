// Adoption and release by controller ownerReferences (pkg/controller/controller_ref_manager.go):
// an owner claims the orphans its selector matches and lets go of the objects it owns that stop
// matching. Both are strategic-merge patches carrying the object's uid, as upstream sends them,
// so a patch never lands on a re-created namesake.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import type { ResourceClient } from '../../client/rest.js';
import { isNotFound } from '../../client/informer.js';

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  /** The controller reference adopted objects get. */
  ownerRef: OwnerReference;
  matches(obj: T): boolean;
  client: ResourceClient<T>;
  /** Re-reads the owner (uncached) before the first adoption: a deleted owner must not adopt. */
  canAdopt?(): Promise<boolean>;
  /** Extra condition for adopting one object (StatefulSet: the pod name must be one of the set's). */
  adoptable?(obj: T): boolean;
}

/** Returns the objects the owner now controls, adopting and releasing as needed. */
export async function claimObjects<T extends KubeObject>(objs: T[], o: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  const uid = o.owner.metadata?.uid;
  let adoptable: boolean | undefined;
  for (const obj of objs) {
    const ref = controllerOf(obj);
    const m = obj.metadata!;
    if (ref) {
      if (ref.uid !== uid) continue;
      if (o.matches(obj)) {
        claimed.push(obj);
        continue;
      }
      if (m.deletionTimestamp) continue;
      try {
        await o.client.patch(m.namespace, m.name!, 'strategic', { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: m.uid } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      continue;
    }
    if (o.owner.metadata?.deletionTimestamp || !o.matches(obj) || m.deletionTimestamp) continue;
    if (m.namespace !== o.owner.metadata?.namespace || (o.adoptable && !o.adoptable(obj))) continue;
    adoptable ??= o.canAdopt ? await o.canAdopt() : true;
    if (!adoptable) continue;
    try {
      const adopted = await o.client.patch(m.namespace, m.name!, 'strategic', { metadata: { ownerReferences: [o.ownerRef], uid: m.uid } });
      claimed.push(adopted);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return claimed;
}

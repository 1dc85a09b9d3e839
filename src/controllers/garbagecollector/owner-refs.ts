// Pure rules of garbage collection: finalizers, how a dependent's owners are classified, which
// propagation policy a collected object is deleted with, and the work queue's keys.

import type { KubeObject, OwnerReference } from '../../api/object.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export function ownerRefs(obj: KubeObject): OwnerReference[] {
  return obj.metadata?.ownerReferences ?? [];
}

export function hasFinalizer(obj: KubeObject, f: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(f);
}

/** Being deleted in the foreground: its dependents go first. */
export function isDeletingDependents(obj: KubeObject): boolean {
  return !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, FOREGROUND_FINALIZER);
}

/** Being deleted with its dependents orphaned. */
export function isOrphaning(obj: KubeObject): boolean {
  return !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, ORPHAN_FINALIZER);
}

/** The group of an apiVersion ("apps/v1" → "apps", "v1" → ""). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** What became of one owner: gone (or another object by that name), or its current state. */
export type OwnerState = { kind: 'absent' } | { kind: 'present'; owner: KubeObject };

export type OwnerClass = 'solid' | 'dangling' | 'waiting';

/**
 * Upstream's classifyReferences for one reference: an absent owner is dangling; an owner being
 * deleted in the foreground waits for this dependent if the reference blocks, else the
 * reference is as good as dangling; any other owner is solid.
 */
export function classifyOwner(ref: OwnerReference, state: OwnerState): OwnerClass {
  if (state.kind === 'absent') return 'dangling';
  if (isDeletingDependents(state.owner)) return ref.blockOwnerDeletion ? 'waiting' : 'dangling';
  return 'solid';
}

export type Decision =
  | { action: 'none' }
  | { action: 'removeRefs'; uids: string[] }
  | { action: 'delete'; policy: 'Background' | 'Foreground' | 'Orphan'; unblockDependents: boolean };

/** What attemptToDelete does with a dependent, given its classified owners. */
export function decide(obj: KubeObject, classes: { ref: OwnerReference; cls: OwnerClass }[], hasDependents: boolean): Decision {
  const of = (c: OwnerClass) => classes.filter((x) => x.cls === c).map((x) => x.ref.uid);
  const solid = of('solid');
  const dangling = of('dangling');
  const waiting = of('waiting');
  if (solid.length) {
    if (!dangling.length && !waiting.length) return { action: 'none' };
    return { action: 'removeRefs', uids: [...dangling, ...waiting] };
  }
  // An owner waits for us and we have dependents ourselves: go in the foreground too, so the
  // owner's wait covers the whole chain.
  if (waiting.length && hasDependents) return { action: 'delete', policy: 'Foreground', unblockDependents: true };
  const policy = hasFinalizer(obj, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(obj, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  return { action: 'delete', policy, unblockDependents: false };
}

/** Owner uids an update released: references removed, or no longer blocking. */
export function releasedOwners(old: KubeObject, obj: KubeObject): string[] {
  const now = new Map(ownerRefs(obj).map((r) => [r.uid, r]));
  return ownerRefs(old)
    .filter((r) => {
      const n = now.get(r.uid);
      return !n || (!!r.blockOwnerDeletion && !n.blockOwnerDeletion);
    })
    .map((r) => r.uid);
}

/** Queue keys name an object of a monitored resource: "group/resource|namespace|name|uid". */
export interface ItemKey {
  resource: string;
  namespace: string;
  name: string;
  uid: string;
}

export function itemKey(i: ItemKey): string {
  return `${i.resource}|${i.namespace}|${i.name}|${i.uid}`;
}

export function parseItemKey(key: string): ItemKey {
  const [resource = '', namespace = '', name = '', uid = ''] = key.split('|');
  return { resource, namespace, name, uid };
}

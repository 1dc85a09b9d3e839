// The collector's two reconciles (upstream's attemptToDeleteItem and attemptToOrphan). Both
// read the object live before acting: the caches may lag, and deleting by a stale view would
// destroy something still owned.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { isConflict, isNotFound } from '../../client/informer.js';
import type { WorkQueue } from '../../client/workqueue.js';
import {
  classifyOwner,
  decide,
  FOREGROUND_FINALIZER,
  isDeletingDependents,
  isOrphaning,
  itemKey,
  ORPHAN_FINALIZER,
  ownerRefs,
  parseItemKey,
  type OwnerClass,
  type OwnerState,
} from './owner-refs.js';
import type { Monitor, Monitors } from './monitors.js';

export interface Collector {
  monitors: Monitors;
  /** Owner uids known to be gone; a uid never comes back, so this only saves lookups. */
  absentOwners: AbsentOwners;
  attemptToDelete: WorkQueue;
  attemptToOrphan: WorkQueue;
}

/** A bounded set of absent owner uids (upstream's absentOwnerCache), oldest dropped first. */
export class AbsentOwners {
  private readonly uids = new Set<string>();
  constructor(private readonly max = 1000) {}
  has(uid: string): boolean {
    return this.uids.has(uid);
  }
  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.add(uid);
    if (this.uids.size > this.max) this.uids.delete(this.uids.values().next().value as string);
  }
}

export function keyOf(m: Monitor, obj: KubeObject): string {
  const md = obj.metadata ?? {};
  return itemKey({ resource: m.id, namespace: md.namespace ?? '', name: md.name ?? '', uid: md.uid ?? '' });
}

/** The object as the server has it now, or undefined if gone or replaced by a namesake. */
async function live(m: Monitor, namespace: string, name: string, uid: string): Promise<KubeObject | undefined> {
  try {
    const obj = await m.client.get(namespace || undefined, name);
    return obj.metadata?.uid === uid ? obj : undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * Rewrites an object's ownerReferences with optimistic concurrency, re-reading on conflict.
 * A merge patch carrying resourceVersion works for every kind, custom ones included.
 */
async function updateOwnerRefs(m: Monitor, namespace: string, name: string, uid: string, edit: (refs: OwnerReference[]) => OwnerReference[]): Promise<void> {
  for (;;) {
    const obj = await live(m, namespace, name, uid);
    if (!obj) return;
    const before = ownerRefs(obj);
    const after = edit(before);
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    try {
      await m.client.patch(namespace || undefined, name, 'merge', { metadata: { ownerReferences: after.length ? after : null, resourceVersion: obj.metadata?.resourceVersion } });
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
}

async function removeFinalizer(m: Monitor, namespace: string, name: string, uid: string, finalizer: string): Promise<void> {
  for (;;) {
    const obj = await live(m, namespace, name, uid);
    if (!obj || !(obj.metadata?.finalizers ?? []).includes(finalizer)) return;
    const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await m.client.patch(namespace || undefined, name, 'merge', { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata?.resourceVersion } });
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
}

async function deleteObject(m: Monitor, obj: KubeObject, policy: string): Promise<void> {
  const md = obj.metadata!;
  try {
    await m.client.delete(md.namespace, md.name!, { propagationPolicy: policy, preconditions: { uid: md.uid } });
  } catch (e) {
    // Gone, or a namesake now (the uid precondition failed): nothing of ours to delete.
    if (isNotFound(e) || isConflict(e)) return;
    throw e;
  }
}

/** Where an owner stands, from the cache when it is there, else from the server. */
async function ownerState(gc: Collector, dependent: Monitor, namespace: string, ref: OwnerReference): Promise<OwnerState> {
  const om = gc.monitors.forRef(ref);
  if (!om) throw new Error(`unable to get REST mapping for ${ref.apiVersion}/${ref.kind}`);
  // A cluster-scoped dependent cannot be owned by a namespaced object: upstream treats the owner as absent.
  if (om.namespaced && !dependent.namespaced) return { kind: 'absent' };
  const cached = gc.monitors.cachedOwner(ref);
  // A namespaced owner counts only in the dependent's own namespace.
  if (cached && (!om.namespaced || cached.obj.metadata?.namespace === namespace)) return { kind: 'present', owner: cached.obj };
  if (gc.absentOwners.has(ref.uid)) return { kind: 'absent' };
  const owner = await live(om, om.namespaced ? namespace : '', ref.name, ref.uid);
  if (!owner) gc.absentOwners.add(ref.uid);
  return owner ? { kind: 'present', owner } : { kind: 'absent' };
}

export async function attemptToDelete(gc: Collector, key: string): Promise<void> {
  const k = parseItemKey(key);
  const m = gc.monitors.get(k.resource);
  if (!m) return;
  const obj = await live(m, k.namespace, k.name, k.uid);
  if (!obj) return;
  if (isDeletingDependents(obj)) return processDeletingDependents(gc, m, obj);
  // Already on its way out by someone else's hand.
  if (obj.metadata?.deletionTimestamp) return;
  const refs = ownerRefs(obj);
  if (!refs.length) return;
  const classes: { ref: OwnerReference; cls: OwnerClass }[] = [];
  for (const ref of refs) classes.push({ ref, cls: classifyOwner(ref, await ownerState(gc, m, k.namespace, ref)) });
  const dependents = gc.monitors.dependents(k.uid);
  const d = decide(obj, classes, dependents.length > 0);
  if (d.action === 'none') return;
  if (d.action === 'removeRefs') {
    const drop = new Set(d.uids);
    return updateOwnerRefs(m, k.namespace, k.name, k.uid, (rs) => rs.filter((r) => !drop.has(r.uid)));
  }
  if (d.unblockDependents) {
    // A dependent that is itself waiting on its dependents and blocks us would be a cycle:
    // let it stop blocking (upstream's loose cycle breaking).
    for (const dep of dependents) {
      if (!isDeletingDependents(dep.obj)) continue;
      const md = dep.obj.metadata!;
      await updateOwnerRefs(dep.monitor, md.namespace ?? '', md.name!, md.uid!, (rs) => rs.map((r) => (r.uid === k.uid && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)));
    }
  }
  await deleteObject(m, obj, d.policy);
}

/** An owner deleted in the foreground loses its finalizer once no dependent blocks it. */
async function processDeletingDependents(gc: Collector, m: Monitor, owner: KubeObject): Promise<void> {
  const uid = owner.metadata!.uid!;
  const blocking = gc.monitors.dependents(uid).filter((d) => ownerRefs(d.obj).some((r) => r.uid === uid && r.blockOwnerDeletion));
  if (!blocking.length) return removeFinalizer(m, owner.metadata?.namespace ?? '', owner.metadata!.name!, uid, FOREGROUND_FINALIZER);
  for (const d of blocking) if (!isDeletingDependents(d.obj)) gc.attemptToDelete.add(keyOf(d.monitor, d.obj));
}

/** An owner deleted with orphan propagation: its dependents let go of it, then the finalizer goes. */
export async function attemptToOrphan(gc: Collector, key: string): Promise<void> {
  const k = parseItemKey(key);
  const m = gc.monitors.get(k.resource);
  if (!m) return;
  const owner = await live(m, k.namespace, k.name, k.uid);
  if (!owner || !isOrphaning(owner)) return;
  for (const d of gc.monitors.dependents(k.uid)) {
    const md = d.obj.metadata!;
    await updateOwnerRefs(d.monitor, md.namespace ?? '', md.name!, md.uid!, (rs) => rs.filter((r) => r.uid !== k.uid));
  }
  await removeFinalizer(m, k.namespace, k.name, k.uid, ORPHAN_FINALIZER);
}

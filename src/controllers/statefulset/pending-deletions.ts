// Pods this controller has deleted but whose deletionTimestamp the pod informer has not shown yet.
// Without it, a sync that runs on a stale cache (e.g. woken by its own status write) deletes the
// same pod again and records a second "delete Pod ... successful" event for one deletion.

import type { KubeObject } from '../../api/object.js';

/** How long a deletion is remembered if the pod vanishes before the cache shows it terminating. */
const FORGET_AFTER_MS = 60_000;

export class PendingDeletions {
  private readonly byUid = new Map<string, number>();

  /** Records a successful delete request for the pod with this uid. */
  mark(uid: string | undefined, nowMs: number): void {
    if (uid) this.byUid.set(uid, nowMs);
  }

  /**
   * The pod as this controller should see it: terminating if it deleted it, even when the cached
   * copy predates the deletion. Entries are dropped once the cache catches up or they grow old.
   */
  view(pod: KubeObject, nowMs: number): KubeObject {
    const uid = pod.metadata?.uid;
    const at = uid ? this.byUid.get(uid) : undefined;
    if (at === undefined) return pod;
    if (pod.metadata?.deletionTimestamp || nowMs - at > FORGET_AFTER_MS) {
      this.byUid.delete(uid!);
      return pod;
    }
    return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(at).toISOString() } };
  }

  /** Drops entries older than the forget window (pods that vanished before the cache showed them terminating). */
  prune(nowMs: number): void {
    for (const [uid, at] of this.byUid) if (nowMs - at > FORGET_AFTER_MS) this.byUid.delete(uid);
  }

  get size(): number {
    return this.byUid.size;
  }
}

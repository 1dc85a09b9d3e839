// Controller expectations (pkg/controller/controller_utils.go): after a controller creates or
// deletes pods it waits to see them in its cache before acting on that owner again, so it never
// double-creates while the informer catches up. Deletions are tracked by pod key (upstream's
// UIDTrackingControllerExpectations), so one deletion seen twice (marked, then gone) counts once.
// Stale expectations expire after five minutes.

export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when the owner may be synced: nothing outstanding, or the record is stale. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.deletes.size === 0) return true;
    return this.now() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Replaces the owner's record: `add` creations and the deletion of these pods are awaited. */
  expect(key: string, add: number, deleteKeys: readonly string[] = []): void {
    this.byKey.set(key, { add, deletes: new Set(deleteKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e && e.add > 0) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.byKey.get(key)?.deletes.delete(podKey);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}

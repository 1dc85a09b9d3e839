// Controller expectations (pkg/controller/controller_utils.go): after a controller creates or
// deletes pods it waits to see them in its cache before acting on that owner again, so it never
// double-creates while the informer catches up. Stale expectations expire after five minutes.

export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  /** Keys of pods whose deletion is awaited (UID-tracking expectations). */
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

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, deletes: new Set(), at: this.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.byKey.set(key, { add: 0, deletes: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.byKey.get(key)?.deletes.delete(podKey);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}

// Remembers the EndpointSlices this controller wrote, until the informer shows them, so that a
// sync never acts on a cache that predates its own writes (creating slices twice, say): the
// endpointslice tracker's staleness check.

import type { KubeObject } from '../../api/object.js';

const rvNum = (rv: string | undefined) => (rv && /^\d+$/.test(rv) ? BigInt(rv) : -1n);

export class SliceTracker {
  /** service key → slice name → the resourceVersion written, or 'deleted'. */
  private readonly expected = new Map<string, Map<string, bigint | 'deleted'>>();

  wrote(serviceKey: string, slice: KubeObject): void {
    this.entry(serviceKey).set(slice.metadata?.name ?? '', rvNum(slice.metadata?.resourceVersion));
  }

  deleted(serviceKey: string, name: string): void {
    this.entry(serviceKey).set(name, 'deleted');
  }

  /** The informer saw the slice go away: nothing more to wait for. */
  observedDelete(serviceKey: string, name: string): void {
    this.expected.get(serviceKey)?.delete(name);
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  /** Whether the cached slices lag behind our writes; entries the cache caught up with are dropped. */
  stale(serviceKey: string, cached: KubeObject[]): boolean {
    const exp = this.expected.get(serviceKey);
    if (!exp) return false;
    const byName = new Map(cached.map((s) => [s.metadata?.name ?? '', s]));
    let stale = false;
    for (const [name, want] of exp) {
      const got = byName.get(name);
      if (want === 'deleted') {
        if (got) stale = true;
        else exp.delete(name);
      } else if (!got || rvNum(got.metadata?.resourceVersion) < want) stale = true;
      else exp.delete(name);
    }
    return stale;
  }

  private entry(key: string): Map<string, bigint | 'deleted'> {
    let e = this.expected.get(key);
    if (!e) this.expected.set(key, (e = new Map()));
    return e;
  }
}

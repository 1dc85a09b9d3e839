// Controller expectations (upstream's ControllerExpectations): creations and deletions a sync
// issued but the informer has not shown yet. Until they are seen (or time out), the next sync
// must not act on a stale cache, which would create a second pod for the same node.

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Entry {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly now: () => number) {}

  expect(key: string, add: number, del: number): void {
    this.entries.set(key, { add, del, at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.entries.get(key);
    if (e) e.del--;
  }

  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

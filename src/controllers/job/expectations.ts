// Controller expectations (client-go's ControllerExpectations): creations and deletions a
// sync asked for and the informer has not shown yet. Until they are seen, the next sync must
// not count pods, or it would create the same pods twice.

const TTL_MS = 5 * 60_000;

interface Entry {
  adds: number;
  dels: Set<string>;
  at: number;
}

export class Expectations {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  expect(key: string, adds: number, delUids: string[]): void {
    this.entries.set(key, { adds, dels: new Set(delUids), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  deletionObserved(key: string, uid: string): void {
    this.entries.get(key)?.dels.delete(uid);
  }

  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.dels.size === 0) || this.now() - e.at > TTL_MS) {
      this.entries.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

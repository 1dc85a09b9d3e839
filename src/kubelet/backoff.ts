// Per-key exponential back-off (client-go's flowcontrol.Backoff) as the kubelet uses it for
// crash loops and image pulls: 10 s doubling to 5 min; an entry not touched for twice the
// maximum counts as stable again and starts over (so a container that ran 10 min resets).

import type { Clock } from '../client/workqueue.js';

interface Entry { backoffMs: number; lastUpdate: number }

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }

  /** The current back-off of a key (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records one more failure at eventTime: the back-off starts at initialMs or doubles. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: this.clock.now() });
  }

  /** Whether the key is still backing off from something that happened at eventTime. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate)) return false;
    return this.clock.now() - eventTime < e.backoffMs;
  }

  /** Whether the key is still backing off from its last update. */
  isInBackOffSinceUpdate(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate)) return false;
    return eventTime - e.lastUpdate < e.backoffMs;
  }

  /** When a key's current back-off from eventTime ends (ms since epoch), or undefined. */
  until(key: string, eventTime: number): number | undefined {
    const e = this.entries.get(key);
    return e ? eventTime + e.backoffMs : undefined;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries idle for longer than twice the maximum. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (now - e.lastUpdate > this.maxMs * 2) this.entries.delete(k);
  }
}

/** Go's time.Duration.String() for whole seconds and above, as back-off messages print it ("10s", "1m20s", "5m0s"). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSec = ms / 1000;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(9)));
  if (h) return `${h}h${m}m${sec}s`;
  if (m) return `${m}m${sec}s`;
  return `${sec}s`;
}

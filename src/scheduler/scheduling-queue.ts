// The scheduling queue (upstream's PriorityQueue, simplified): an active heap ordered by priority
// then arrival, a back-off stage (1 s doubling to 10 s per failed attempt), and a parking lot for
// unschedulable pods that cluster events (a node added or changed, a pod removed) move back,
// with a periodic flush of pods parked longer than five minutes.

import type { Clock } from '../client/workqueue.js';

interface Entry {
  key: string;
  priority: number;
  seq: number;
}

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight';

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods go back to the active queue at least this often. */
  maxUnschedulableMs?: number;
}

export class SchedulingQueue {
  private heap: Entry[] = [];
  private seq = 0;
  private readonly where = new Map<string, Where>();
  private readonly priority = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly lastFailure = new Map<string, number>();
  private readonly parkedAt = new Map<string, number>();
  private readonly timers = new Map<string, unknown>();
  /** A pod updated while being scheduled is retried right away when it comes back. */
  private readonly movedWhileInflight = new Set<string>();
  private waiter?: (key: string | undefined) => void;
  private closed = false;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;

  constructor(
    private readonly clock: Clock,
    opts: QueueOptions = {},
  ) {
    this.initialBackoff = opts.initialBackoffMs ?? 1000;
    this.maxBackoff = opts.maxBackoffMs ?? 10000;
    this.maxUnschedulable = opts.maxUnschedulableMs ?? 5 * 60 * 1000;
  }

  get activeLength(): number {
    return this.heap.length;
  }

  has(key: string): boolean {
    return this.where.has(key);
  }

  /** A pending pod appeared (or changed): schedule it if not already queued. */
  add(key: string, priority = 0): void {
    this.priority.set(key, priority);
    const w = this.where.get(key);
    if (w === undefined) return this.pushActive(key);
    if (w === 'unschedulable') return this.moveOne(key);
    if (w === 'inflight') this.movedWhileInflight.add(key);
  }

  delete(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(key);
    this.where.delete(key);
    this.priority.delete(key);
    this.attempts.delete(key);
    this.lastFailure.delete(key);
    this.parkedAt.delete(key);
    this.movedWhileInflight.delete(key);
  }

  /** The next pod to schedule, or undefined once closed. */
  pop(): Promise<string | undefined> {
    const key = this.popNow();
    if (key !== undefined || this.closed) return Promise.resolve(key);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Takes the next active key without waiting. */
  popNow(): string | undefined {
    while (this.heap.length) {
      const e = this.heapPop();
      if (this.where.get(e.key) !== 'active') continue; // stale entry
      this.where.set(e.key, 'inflight');
      return e.key;
    }
    return undefined;
  }

  /** The attempt succeeded: forget the pod. */
  done(key: string): void {
    this.delete(key);
  }

  /** The pod fit nowhere: park it until something changes (or back off if something already did). */
  unschedulable(key: string): void {
    if (this.where.get(key) !== 'inflight') return;
    this.bumpAttempts(key);
    if (this.movedWhileInflight.delete(key)) return this.toBackoff(key);
    this.where.set(key, 'unschedulable');
    this.parkedAt.set(key, this.clock.now());
    this.scheduleFlush();
  }

  /** The attempt failed for another reason (a bind error): retry after back-off. */
  error(key: string): void {
    if (this.where.get(key) !== 'inflight') return;
    this.bumpAttempts(key);
    this.movedWhileInflight.delete(key);
    this.toBackoff(key);
  }

  /** A cluster event that may make parked pods schedulable. */
  moveAllUnschedulable(): void {
    for (const [key, w] of this.where) if (w === 'unschedulable') this.moveOne(key);
    for (const [key, w] of this.where) if (w === 'inflight') this.movedWhileInflight.add(key);
  }

  backoffMs(key: string): number {
    const n = this.attempts.get(key) ?? 0;
    if (n === 0) return 0;
    return Math.min(this.initialBackoff * 2 ** (n - 1), this.maxBackoff);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  private bumpAttempts(key: string): void {
    this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
    this.lastFailure.set(key, this.clock.now());
  }

  private moveOne(key: string): void {
    this.parkedAt.delete(key);
    const remaining = (this.lastFailure.get(key) ?? 0) + this.backoffMs(key) - this.clock.now();
    if (remaining > 0) this.toBackoff(key, remaining);
    else this.pushActive(key);
  }

  private toBackoff(key: string, ms = this.backoffMs(key)): void {
    if (ms <= 0) return this.pushActive(key);
    this.where.set(key, 'backoff');
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      this.clock.setTimeout(() => {
        this.timers.delete(key);
        if (this.where.get(key) === 'backoff') this.pushActive(key);
      }, ms),
    );
  }

  private flushTimer: unknown;
  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.closed) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      const now = this.clock.now();
      let more = false;
      for (const [key, at] of this.parkedAt) {
        if (now - at >= this.maxUnschedulable) this.moveOne(key);
        else more = true;
      }
      if (more) this.scheduleFlush();
    }, Math.min(30000, this.maxUnschedulable));
  }

  private pushActive(key: string): void {
    if (this.closed) return;
    const t = this.timers.get(key);
    if (t !== undefined) {
      this.clock.clearTimeout(t);
      this.timers.delete(key);
    }
    this.where.set(key, 'active');
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.where.set(key, 'inflight');
      w(key);
      return;
    }
    this.heapPush({ key, priority: this.priority.get(key) ?? 0, seq: this.seq++ });
  }

  private less(a: Entry, b: Entry): boolean {
    return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
  }

  private heapPush(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private heapPop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

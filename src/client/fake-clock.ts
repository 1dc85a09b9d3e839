// A manual clock for controller tests: time moves only when a test advances it, and timers
// scheduled through it fire in due order as it passes them, so back-off and schedules are
// tested without sleeping.

import type { Clock } from './workqueue.js';

interface Timer {
  due: number;
  fn: () => void;
  seq: number;
}

export class FakeClock implements Clock {
  private timers = new Set<Timer>();
  private seq = 0;

  constructor(private t = Date.now()) {}

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    const timer = { due: this.t + Math.max(0, ms), fn, seq: this.seq++ };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as Timer);
  }

  /** Moves time forward, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers].filter((x) => x.due <= end).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.delete(next);
      this.t = Math.max(this.t, next.due);
      next.fn();
    }
    this.t = end;
  }

  set(ms: number): void {
    this.advance(ms - this.t);
  }

  pending(): number {
    return this.timers.size;
  }
}

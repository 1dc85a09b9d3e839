// Requeues keys after a delay measured on the injected clock (deadlines, back-off, schedules),
// apart from the work queue's own retry back-off, so a fake clock drives only the former.

import type { Clock, WorkQueue } from '../../client/workqueue.js';

export class DelayedRequeue {
  private readonly timers = new Map<string, { due: number; handle: unknown }>();

  constructor(
    private readonly queue: WorkQueue,
    private readonly clock: Clock,
  ) {}

  /** Adds the key after `ms`; an earlier pending wake-up for the key wins. */
  after(key: string, ms: number): void {
    const due = this.clock.now() + Math.max(0, ms);
    const cur = this.timers.get(key);
    if (cur && cur.due <= due) return;
    if (cur) this.clock.clearTimeout(cur.handle);
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.queue.add(key);
    }, Math.max(0, ms));
    (handle as { unref?(): void } | undefined)?.unref?.();
    this.timers.set(key, { due, handle });
  }

  stop(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t.handle);
    this.timers.clear();
  }
}

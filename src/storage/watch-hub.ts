// In-process watch fan-out shared by the storage backends. Each watcher owns a bounded queue and
// drains it on its own turn of the event loop, so writers only append to queues and one slow or
// throwing watcher never delays writers or other watchers.
//
// No gap, no duplicate: a watcher is registered synchronously at the store's current revision R.
// Events in (fromRevision, R] are read page by page from the backend's history; every event after
// R arrives through publish() into the queue, which is delivered once history is exhausted.
import { StorageError } from './store.js';
import type { WatchEvent, WatchOptions, Watcher } from './store.js';

/** The watcher fell too far behind; like upstream's watch cache, end it so the client re-lists. */
export class WatchBacklogError extends StorageError {
  constructor(readonly limit: number) {
    super(`watcher fell behind by more than ${limit} events`);
  }
}

export interface HistorySource {
  /**
   * Up to `limit` events with revision in (after, upTo] on keys under `prefix`, oldest first.
   * Throws CompactedError when part of that range is no longer held.
   */
  readHistory(prefix: string, after: number, upTo: number, limit: number): WatchEvent[];
}

export interface WatchHubOptions {
  /** Most undelivered live events a watcher may hold before it is ended (default 10,000). */
  watchBacklogLimit?: number;
  /** History events read per turn of the event loop while a watcher catches up (default 500). */
  historyPageSize?: number;
}

const DEFAULT_BACKLOG = 10_000;
const DEFAULT_PAGE = 500;
// Live events delivered per turn, so a watcher with a long queue yields to others.
const LIVE_BATCH = 1_000;

export class WatchHub {
  private readonly watchers = new Set<HubWatcher>();
  readonly backlogLimit: number;
  readonly pageSize: number;

  constructor(readonly source: HistorySource, opts: WatchHubOptions = {}) {
    this.backlogLimit = opts.watchBacklogLimit ?? DEFAULT_BACKLOG;
    this.pageSize = opts.historyPageSize ?? DEFAULT_PAGE;
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Registers a watcher; `currentRevision` must be the store's revision at this very moment. */
  add(prefix: string, opts: WatchOptions, currentRevision: number): Watcher {
    const w = new HubWatcher(this, prefix, opts, currentRevision);
    this.watchers.add(w);
    return w;
  }

  /** Called synchronously after each commit, in revision order. The event must not be mutated later. */
  publish(event: WatchEvent): void {
    for (const w of this.watchers) w.offer(event);
  }

  /** Ends every watcher with `err` (e.g. the store closed). */
  closeAll(err: Error): void {
    for (const w of [...this.watchers]) w.fail(err);
  }

  remove(w: HubWatcher): void {
    this.watchers.delete(w);
  }
}

class HubWatcher implements Watcher {
  private queue: (WatchEvent | undefined)[] = [];
  private head = 0;
  /** Last history revision read; history is done once it reaches historyEnd. */
  private cursor: number;
  private scheduled = false;
  private done = false;

  constructor(
    private readonly hub: WatchHub,
    private readonly prefix: string,
    private readonly opts: WatchOptions,
    private readonly historyEnd: number,
  ) {
    this.cursor = opts.fromRevision;
    if (this.cursor < historyEnd) this.schedule();
  }

  offer(event: WatchEvent): void {
    if (this.done || event.revision <= this.opts.fromRevision) return;
    if (!event.kv.key.startsWith(this.prefix)) return;
    if (this.queue.length - this.head >= this.hub.backlogLimit) {
      this.fail(new WatchBacklogError(this.hub.backlogLimit));
      return;
    }
    this.queue.push(event);
    this.schedule();
  }

  close(): void {
    this.stop();
  }

  /** Ends the watch; onError runs on a microtask so it never runs inside a writer's call. */
  fail(err: Error): void {
    if (this.done) return;
    this.stop();
    const onError = this.opts.onError;
    if (onError) queueMicrotask(() => onError(err));
  }

  private stop(): void {
    this.done = true;
    this.queue = [];
    this.head = 0;
    this.hub.remove(this);
  }

  private schedule(): void {
    if (this.scheduled || this.done) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.done) return;
    try {
      if (this.cursor < this.historyEnd) {
        this.replayPage();
        this.schedule();
        return;
      }
      let n = 0;
      while (this.head < this.queue.length && n++ < LIVE_BATCH) {
        const ev = this.queue[this.head] as WatchEvent;
        this.queue[this.head++] = undefined;
        this.deliver(ev);
        if (this.done) return;
      }
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else this.schedule();
    } catch (err) {
      this.fail(err instanceof Error ? err : new StorageError(String(err)));
    }
  }

  private replayPage(): void {
    const { pageSize, source } = this.hub;
    const page = source.readHistory(this.prefix, this.cursor, this.historyEnd, pageSize);
    this.cursor = page.length < pageSize ? this.historyEnd : page[page.length - 1].revision;
    for (const ev of page) {
      this.deliver(ev);
      if (this.done) return;
    }
  }

  // Watchers share one event (read-only, see store.ts): a copy per watcher cost more than
  // everything else the hub does, and the API server only ever decodes it.
  private deliver(ev: WatchEvent): void {
    this.opts.onEvent(ev);
  }
}

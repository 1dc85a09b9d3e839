// Records Events about objects (client-go's event recorder and correlator, simplified): one
// core/v1 Event per object, type, reason and message, whose count and lastTimestamp grow when it
// repeats. As client-go's correlator, a cache remembers the Events this recorder wrote, so a repeat
// is one PATCH, and a spam filter per object (25 events, then one per 5 minutes) stops a component
// that fails the same way on every resync from flooding the store. Writes go through a bounded
// queue with an optional token bucket (a kubelet's --event-qps/--event-burst) and are dropped when
// it is full, as client-go's broadcaster drops: events never slow their component down.

import type { KubeObject } from '../api/object.js';
import type { ClientSet } from './clientset.js';
import { isAlreadyExists, isNotFound } from './informer.js';

export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface EventLimits {
  /** Events per second (default unlimited) and bucket size (default 2 × qps). */
  qps?: number;
  burst?: number;
  /** Writes waiting beyond this many are dropped (default 1000). */
  maxQueued?: number;
  /** Writes in flight at once (default 4). */
  concurrency?: number;
}

function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** client-go's EventSourceObjectSpamFilter: a bucket of 25 per source and object, refilled every 5 minutes. */
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 5 * 60_000;
/** client-go's correlator keeps 4096 entries (maxLruCacheEntries). */
const CACHE_SIZE = 4096;

/**
 * client-go names an Event `<object name>.<hex nanoseconds of its time>`, so a list (sorted by
 * name) shows each object's events in the order they happened. Milliseconds are all a Date has:
 * the nanoseconds below count up within one millisecond, and start from the monotonic clock's
 * sub-millisecond part so that two threads naming events for one object rarely collide.
 */
let lastMs = -1;
let subMs = 0;
function eventName(objectName: string, at: Date): string {
  const ms = at.getTime();
  if (ms !== lastMs) {
    lastMs = ms;
    subMs = Math.floor((performance.now() % 1) * 1000) * 1000;
  } else subMs = (subMs + 1) % 1_000_000;
  return `${objectName}.${(BigInt(ms) * 1_000_000n + BigInt(subMs)).toString(16)}`;
}

/** A Map used as an LRU: re-inserting moves a key to the end, the oldest is first. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as K);
}

export function eventRecorder(clients: ClientSet, component: string, now: () => Date = () => new Date(), onError: (e: unknown) => void = () => undefined, limits: EventLimits = {}): EventRecorder & { dropped: number } {
  const events = clients.resource('events');
  const maxQueued = limits.maxQueued ?? 1000;
  const concurrency = limits.concurrency ?? 4;
  const qps = limits.qps ?? Infinity;
  const burst = limits.burst ?? qps * 2;
  let tokens = burst;
  let last = now().getTime();
  const queue: (() => Promise<void>)[] = [];
  let running = 0;
  const pump = () => {
    while (running < concurrency && queue.length) {
      const job = queue.shift()!;
      running++;
      void job()
        .catch(onError)
        .finally(() => {
          running--;
          pump();
        });
    }
  };

  const written = new Map<string, { name: string; count: number }>();
  const spam = new Map<string, { tokens: number; at: number }>();

  const allowedBySpamFilter = (objectKey: string): boolean => {
    const t = now().getTime();
    const b = spam.get(objectKey) ?? { tokens: SPAM_BURST, at: t };
    b.tokens = Math.min(SPAM_BURST, b.tokens + (t - b.at) / SPAM_REFILL_MS);
    b.at = t;
    remember(spam, objectKey, b);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  };

  const create = async (obj: KubeObject, name: string, namespace: string, type: string, reason: string, message: string, t: string) => {
    const m = obj.metadata ?? {};
    await events.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion },
      reason,
      message,
      type,
      source: { component },
      count: 1,
      firstTimestamp: t,
      lastTimestamp: t,
      reportingComponent: component,
      reportingInstance: '',
    });
  };

  const write = async (obj: KubeObject, type: string, reason: string, message: string, at: Date) => {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    const t = formatTime(at);
    // The same object, type, reason and message share one Event, as client-go's aggregation does.
    const key = `${m.uid}/${type}/${reason}/${message}`;
    const known = written.get(key);
    if (known) {
      known.count++;
      remember(written, key, known);
      try {
        await events.patch(namespace, known.name, 'merge', { count: known.count, lastTimestamp: t });
        return;
      } catch (e) {
        // Events expire (1 h TTL); a repeat after that starts a new one.
        if (!isNotFound(e)) throw e;
        written.delete(key);
      }
    }
    for (let attempt = 0; ; attempt++) {
      const name = eventName(m.name ?? '', at);
      try {
        await create(obj, name, namespace, type, reason, message, t);
        remember(written, key, { name, count: 1 });
        return;
      } catch (e) {
        // Another recorder named an event for this object in the same instant: take the next name.
        if (!isAlreadyExists(e) || attempt >= 3) throw e;
      }
    }
  };

  const rec = {
    dropped: 0,
    event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) {
      if (qps !== Infinity) {
        const t = now().getTime();
        tokens = Math.min(burst, tokens + ((t - last) * qps) / 1000);
        last = t;
      }
      const m = obj.metadata ?? {};
      if (queue.length >= maxQueued || tokens < 1 || !allowedBySpamFilter(`${m.namespace}/${m.name}/${m.uid}`)) {
        rec.dropped++;
        return;
      }
      tokens--;
      const at = now();
      queue.push(() => write(obj, type, reason, message, at));
      pump();
    },
  };
  return rec;
}

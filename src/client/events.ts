// Records Events about objects (client-go's event recorder and correlator, simplified): one
// core/v1 Event per object, type, reason and message, whose count and lastTimestamp grow when it
// repeats. As client-go's correlator, a cache remembers the Events this recorder wrote, so a repeat
// is one PATCH, and a spam filter per object (25 events, then one per 5 minutes) stops a component
// that fails the same way on every resync from flooding the store. Writes go through a bounded
// queue with an optional token bucket (a kubelet's --event-qps/--event-burst) and are dropped when
// it is full, as client-go's broadcaster drops: events never slow their component down.

import { createHash } from 'node:crypto';
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

  const write = async (obj: KubeObject, type: string, reason: string, message: string, t: string) => {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    // The same object, type, reason and message share one Event, as client-go's aggregation does;
    // a stable name lets a restarted component find the Event it wrote before.
    const key = `${m.uid}/${type}/${reason}/${message}`;
    const name = `${m.name}.${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
    const known = written.get(key);
    if (known) {
      known.count++;
      remember(written, key, known);
      try {
        await events.patch(namespace, name, 'merge', { count: known.count, lastTimestamp: t });
        return;
      } catch (e) {
        // Events expire (1 h TTL); a repeat after that starts a new one.
        if (!isNotFound(e)) throw e;
        written.delete(key);
      }
    }
    try {
      await create(obj, name, namespace, type, reason, message, t);
      remember(written, key, { name, count: 1 });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await events.get(namespace, name);
      const count = ((existing.count as number | undefined) ?? 1) + 1;
      await events.patch(namespace, name, 'merge', { count, lastTimestamp: t });
      remember(written, key, { name, count });
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
      const t = formatTime(now());
      queue.push(() => write(obj, type, reason, message, t));
      pump();
    },
  };
  return rec;
}

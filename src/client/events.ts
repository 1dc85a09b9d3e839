// Records Events about objects (client-go's event recorder, simplified): one core/v1 Event per
// object, type, reason and message, whose count and lastTimestamp grow when it repeats. Writes
// go through a bounded queue with an optional token bucket (a kubelet's --event-qps/--event-burst)
// and are dropped when it is full, as client-go's broadcaster drops: events never slow their
// component down.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import type { ClientSet } from './clientset.js';
import { isAlreadyExists } from './informer.js';

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

  // Most events are new: create first (one request), and only a repeat pays for the update.
  const write = async (obj: KubeObject, type: string, reason: string, message: string, t: string) => {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    // The same object, type, reason and message share one Event, as client-go's aggregation does.
    const name = `${m.name}.${createHash('sha1').update(`${m.uid}/${type}/${reason}/${message}`).digest('hex').slice(0, 16)}`;
    try {
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
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await events.get(namespace, name);
      await events.patch(namespace, name, 'merge', { count: ((existing.count as number | undefined) ?? 1) + 1, lastTimestamp: t });
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
      if (queue.length >= maxQueued || tokens < 1) {
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

// Records an Event the scheduler knows is new (a pod is scheduled once): one create, without the
// recorder's look-up for an earlier copy, which would double the cost at hundreds of pods a second.
// Names follow the shared recorder's scheme, so a repeat still aggregates there. Like client-go's
// broadcaster, the queue is bounded and drops events when full, so events never slow scheduling.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import type { ClientSet } from '../client/clientset.js';
import type { EventRecorder } from '../client/events.js';
import { isAlreadyExists } from '../client/informer.js';

export function freshEventRecorder(clients: ClientSet, component: string, fallback: EventRecorder, now: () => Date, opts: { maxQueued?: number; concurrency?: number; qps?: number; burst?: number } = {}): EventRecorder & { dropped: number } {
  const events = clients.resource('events');
  const maxQueued = opts.maxQueued ?? 1000;
  const concurrency = opts.concurrency ?? 2;
  const queue: (() => Promise<void>)[] = [];
  let running = 0;
  // A token bucket (like a kubelet's --event-qps/--event-burst), dropping what exceeds it.
  const qps = opts.qps ?? Infinity;
  const burst = opts.burst ?? Infinity;
  let tokens = burst;
  let last = now().getTime();
  const pump = () => {
    while (running < concurrency && queue.length) {
      const job = queue.shift()!;
      running++;
      void job().finally(() => {
        running--;
        pump();
      });
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
      const m = obj.metadata ?? {};
      const namespace = m.namespace || 'default';
      const hash = createHash('sha1').update(`${m.uid}/${type}/${reason}/${message}`).digest('hex').slice(0, 16);
      const t = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      queue.push(() =>
        events
        .create({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${m.name}.${hash}`, namespace },
          involvedObject: { kind: obj.kind ?? 'Pod', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion ?? 'v1', resourceVersion: m.resourceVersion },
          reason,
          message,
          type,
          source: { component },
          count: 1,
          firstTimestamp: t,
          lastTimestamp: t,
          reportingComponent: component,
          reportingInstance: '',
        })
        .then(
          () => undefined,
          (e: unknown) => {
            if (isAlreadyExists(e)) fallback.event(obj, type, reason, message);
          },
        ),
      );
      pump();
    },
  };
  return rec;
}

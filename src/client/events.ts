// Records Events about objects (client-go's event recorder, simplified): one core/v1 Event per
// object, reason and message, whose count and lastTimestamp grow when it repeats.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import type { ClientSet } from './clientset.js';
import { isNotFound } from './informer.js';

export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function eventRecorder(clients: ClientSet, component: string, now: () => Date = () => new Date(), onError: (e: unknown) => void = () => undefined): EventRecorder {
  const events = clients.resource('events');
  return {
    event(obj, type, reason, message) {
      const m = obj.metadata ?? {};
      const namespace = m.namespace || 'default';
      // The same object, reason and message share one Event, as client-go's aggregation does.
      const hash = createHash('sha1').update(`${m.uid}/${type}/${reason}/${message}`).digest('hex').slice(0, 16);
      const name = `${m.name}.${hash}`;
      const t = formatTime(now());
      void (async () => {
        try {
          const existing = await events.get(namespace, name);
          const count = ((existing.count as number | undefined) ?? 1) + 1;
          await events.patch(namespace, name, 'merge', { count, lastTimestamp: t });
        } catch (e) {
          if (!isNotFound(e)) throw e;
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
        }
      })().catch(onError);
    },
  };
}

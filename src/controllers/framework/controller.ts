// The shared controller loop (sample-controller's shape): informer events enqueue keys; workers
// take a key, reconcile it from the informer caches, and requeue it with back-off on failure.
// A reconcile works on keys, never on the event that woke it, so a missed event cannot matter.

import type { ClientSet, InformerFactory } from '../../client/clientset.js';
import type { EventRecorder } from '../../client/events.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue, type Clock } from '../../client/workqueue.js';
import type { KubeObject } from '../../api/object.js';

export type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

/** What every controller is given by the controller manager. */
export interface ControllerContext {
  clients: ClientSet;
  informers: InformerFactory;
  clock: Clock;
  log: Log;
  recorder(component: string): EventRecorder;
}

export interface Controller {
  name: string;
  run(signal: AbortSignal): Promise<void>;
}

export interface LoopOptions {
  name: string;
  queue: WorkQueue;
  workers: number;
  /** Reconciles one key; throwing requeues the key with back-off. */
  reconcile(key: string): Promise<void>;
  log: Log;
}

/** Runs workers until the signal aborts; resolves when they have stopped. */
export async function runWorkers(opts: LoopOptions, signal: AbortSignal): Promise<void> {
  signal.addEventListener('abort', () => opts.queue.shutDown(), { once: true });
  const worker = async () => {
    for (;;) {
      const key = await opts.queue.get();
      if (key === undefined) return;
      try {
        await opts.reconcile(key);
        opts.queue.forget(key);
      } catch (e) {
        opts.log('debug', 'reconcile failed; will retry', { controller: opts.name, key, error: e instanceof Error ? e.message : String(e) });
        opts.queue.addRateLimited(key);
      } finally {
        opts.queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, worker));
}

/** Enqueues an object's own key on every change. */
export function enqueueSelf(queue: WorkQueue) {
  return {
    add: (o: KubeObject) => queue.add(objectKey(o)),
    update: (_old: KubeObject, o: KubeObject) => queue.add(objectKey(o)),
    delete: (o: KubeObject) => queue.add(objectKey(o)),
  };
}

/** The controller ownerReference of an object, if any. */
export function controllerRef(obj: KubeObject) {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

/** Enqueues the owner (of the given kind) of an object that changed. */
export function enqueueOwner(queue: WorkQueue, ownerKind: string) {
  const handle = (o: KubeObject) => {
    const ref = controllerRef(o);
    if (ref && ref.kind === ownerKind) queue.add(o.metadata?.namespace ? `${o.metadata.namespace}/${ref.name}` : ref.name);
  };
  return {
    add: handle,
    update: (old: KubeObject, o: KubeObject) => {
      handle(old);
      handle(o);
    },
    delete: handle,
  };
}

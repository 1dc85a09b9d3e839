// Namespace lifecycle controller (upstream's namespace-controller): a namespace being deleted
// has all its content deleted, then its `kubernetes` finalizer removed, after which the API
// server deletes it.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../framework/controller.js';
import { ResourcesRemainingError, syncNamespace } from './deleter.js';

export { ResourcesRemainingError } from './deleter.js';

export interface NamespaceControllerOptions {
  /** Parallel namespace syncs (upstream's --concurrent-namespace-syncs, 10). */
  workers?: number;
  /**
   * Wait after seeing a deletion before acting, so that creations racing it land first (upstream
   * waits 5 s for HA API servers and etcd to settle).
   */
  deletionDelayMs?: number;
  /** Upper bound on the wait before re-checking remaining content (upstream: estimate/2+1 s). */
  maxRecheckMs?: number;
}

export function namespaceController(ctx: ControllerContext, opts: NamespaceControllerOptions = {}): Controller {
  const namespaces = ctx.informers.informer('namespaces');
  // Upstream's namespace queue backs off from 5 ms to 60 s.
  const queue = new WorkQueue(ctx.clock, { baseMs: 5, maxMs: 60_000 });
  const delay = opts.deletionDelayMs ?? 5000;
  const enqueue = (ns: KubeObject) => {
    if (ns.metadata?.deletionTimestamp) queue.addAfter(objectKey(ns), delay);
  };
  namespaces.addHandler({ add: enqueue, update: (_old, ns) => enqueue(ns) });
  return {
    name: 'namespace',
    async run(signal) {
      await namespaces.synced;
      signal.addEventListener('abort', () => queue.shutDown(), { once: true });
      const worker = async () => {
        for (;;) {
          const key = await queue.get();
          if (key === undefined) return;
          try {
            await syncNamespace(ctx, key);
            queue.forget(key);
          } catch (e) {
            if (e instanceof ResourcesRemainingError) {
              queue.forget(key);
              const ms = (Math.floor(e.estimate / 2) + 1) * 1000;
              queue.addAfter(key, Math.min(ms, opts.maxRecheckMs ?? ms));
            } else {
              ctx.log('debug', 'namespace deletion failed; will retry', { namespace: key, error: e instanceof Error ? e.message : String(e) });
              queue.addRateLimited(key);
            }
          } finally {
            queue.done(key);
          }
        }
      };
      await Promise.all(Array.from({ length: opts.workers ?? 10 }, worker));
    },
  };
}

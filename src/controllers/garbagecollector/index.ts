// Garbage collector (upstream's garbagecollector controller): deletes objects whose owners are
// gone (background propagation), deletes the dependents of an owner deleted in the foreground
// before letting it go, and releases the dependents of an owner deleted with orphan propagation.

import type { KubeObject } from '../../api/object.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { Monitors, type Monitor } from './monitors.js';
import { isDeletingDependents, isOrphaning, ownerRefs, releasedOwners } from './owner-refs.js';
import { AbsentOwners, attemptToDelete, attemptToOrphan, keyOf, type Collector } from './reconcile.js';

export interface GarbageCollectorOptions {
  /** Parallel attempts to delete (upstream's --concurrent-gc-syncs, 20). */
  workers?: number;
  /** How often served resources are discovered again, so new kinds (CRDs) are watched (ms). */
  resyncMs?: number;
}

export function garbageCollectorController(ctx: ControllerContext, opts: GarbageCollectorOptions = {}): Controller {
  const attemptToDeleteQ = new WorkQueue(ctx.clock);
  const attemptToOrphanQ = new WorkQueue(ctx.clock);
  let synced = false;
  const gc: Collector = {
    monitors: new Monitors(ctx, (m) => handler(m)),
    absentOwners: new AbsentOwners(),
    attemptToDelete: attemptToDeleteQ,
    attemptToOrphan: attemptToOrphanQ,
  };
  const enqueueDelete = (m: Monitor, obj: KubeObject) => attemptToDeleteQ.add(keyOf(m, obj));

  /** A new or changed object: collect it if an owner is unknown to us or waiting on it. */
  const checkOwners = (m: Monitor, obj: KubeObject) => {
    for (const ref of ownerRefs(obj)) {
      const owner = gc.monitors.cachedOwner(ref);
      if (!owner || isDeletingDependents(owner.obj)) return enqueueDelete(m, obj);
    }
  };
  /** Entering foreground or orphan deletion starts the work on the object and its dependents. */
  const checkTransitions = (m: Monitor, old: KubeObject | undefined, obj: KubeObject) => {
    if (isOrphaning(obj) && !(old && isOrphaning(old))) attemptToOrphanQ.add(keyOf(m, obj));
    if (isDeletingDependents(obj) && !(old && isDeletingDependents(old))) {
      enqueueDelete(m, obj);
      for (const d of gc.monitors.dependents(obj.metadata!.uid!)) enqueueDelete(d.monitor, d.obj);
    }
  };
  /** Owners waiting on this object get another look once it no longer holds them. */
  const wakeOwners = (uids: string[], refsOf: KubeObject) => {
    for (const ref of ownerRefs(refsOf)) {
      if (!uids.includes(ref.uid)) continue;
      const owner = gc.monitors.cachedOwner(ref);
      if (owner && isDeletingDependents(owner.obj)) enqueueDelete(owner.monitor, owner.obj);
    }
  };
  const handler = (m: Monitor) => ({
    add(obj: KubeObject) {
      if (!synced) return;
      checkTransitions(m, undefined, obj);
      checkOwners(m, obj);
    },
    update(old: KubeObject, obj: KubeObject) {
      if (!synced) return;
      checkTransitions(m, old, obj);
      checkOwners(m, obj);
      const released = releasedOwners(old, obj);
      if (released.length) wakeOwners(released, old);
    },
    delete(obj: KubeObject) {
      if (!synced) return;
      for (const d of gc.monitors.dependents(obj.metadata?.uid ?? '')) enqueueDelete(d.monitor, d.obj);
      wakeOwners(ownerRefs(obj).map((r) => r.uid), obj);
    },
  });

  /** After a (re)start every object is looked at once, as upstream's initial graph build does. */
  const scan = (monitors: Monitor[]) => {
    for (const m of monitors) {
      for (const obj of m.informer.list()) {
        checkTransitions(m, undefined, obj);
        checkOwners(m, obj);
      }
    }
  };

  return {
    name: 'garbage-collector',
    async run(signal) {
      const retry = () => new Promise<void>((r) => ctx.clock.setTimeout(() => r(), 1000));
      for (;;) {
        if (signal.aborted) return;
        try {
          await gc.monitors.sync(signal);
          break;
        } catch (e) {
          ctx.log('warn', 'garbage collector discovery failed; retrying', { error: e instanceof Error ? e.message : String(e) });
          await retry();
        }
      }
      await gc.monitors.synced();
      if (signal.aborted) return;
      synced = true;
      scan(gc.monitors.all);
      const resync = setInterval(() => {
        const before = new Set(gc.monitors.all.map((m) => m.id));
        gc.monitors
          .sync(signal)
          .then(async (added) => {
            if (!added) return;
            const fresh = gc.monitors.all.filter((m) => !before.has(m.id));
            await Promise.all(fresh.map((m) => m.informer.synced));
            scan(fresh);
          })
          .catch((e) => ctx.log('debug', 'garbage collector resync failed', { error: e instanceof Error ? e.message : String(e) }));
      }, opts.resyncMs ?? 30_000);
      resync.unref();
      signal.addEventListener('abort', () => clearInterval(resync), { once: true });
      await Promise.all([
        runWorkers({ name: 'garbagecollector-delete', queue: attemptToDeleteQ, workers: opts.workers ?? 20, log: ctx.log, reconcile: (k) => attemptToDelete(gc, k) }, signal),
        runWorkers({ name: 'garbagecollector-orphan', queue: attemptToOrphanQ, workers: Math.max(1, Math.floor((opts.workers ?? 20) / 4)), log: ctx.log, reconcile: (k) => attemptToOrphan(gc, k) }, signal),
      ]);
    },
  };
}

// The pod garbage collector: every gcCheckPeriod it force-deletes terminated pods beyond a
// threshold, pods bound to nodes that are gone (after a quarantine and a check with the API
// server), unscheduled terminating pods, and terminating pods on out-of-service nodes.

import type { KubeObject } from '../../api/object.js';
import { isNotFound, objectKey } from '../../client/informer.js';
import type { Controller, ControllerContext } from '../framework/controller.js';
import { waitSynced } from '../endpoints/wait-synced.js';
import { isTerminated, nodeNameOf, terminatedOverThreshold, terminatingOnOutOfServiceNodes, unscheduledTerminating } from './select.js';

export interface PodGCOptions {
  /** Terminated pods kept before the oldest are deleted (terminated-pod-gc-threshold, 12500; 0 disables). */
  terminatedPodThreshold?: number;
  /** How often to collect (gcCheckPeriod, 20 s). */
  gcCheckPeriodMs?: number;
  /** How long a node must be missing before its pods go (quarantineTime, 40 s). */
  quarantineMs?: number;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function podGCController(ctx: ControllerContext, opts: PodGCOptions = {}): Controller {
  const pods = ctx.informers.informer('pods');
  const nodes = ctx.informers.informer('nodes');
  const podClient = ctx.clients.resource('pods');
  const nodeClient = ctx.clients.resource('nodes');
  const threshold = opts.terminatedPodThreshold ?? 12_500;
  const period = opts.gcCheckPeriodMs ?? 20_000;
  const quarantine = opts.quarantineMs ?? 40_000;
  /** Missing node name → when it was first seen missing. */
  const missingSince = new Map<string, number>();

  /** Marks a running pod Failed (with the condition) before force-deleting it (markFailedAndDeletePodWithCondition). */
  const failAndDelete = async (pod: KubeObject, condition?: Record<string, string>) => {
    const ns = pod.metadata?.namespace;
    const name = pod.metadata?.name ?? '';
    try {
      if (!isTerminated(pod)) {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (condition) status.conditions = [{ ...condition, status: 'True', lastTransitionTime: isoSeconds(ctx.clock.now()) }];
        await podClient.patch(ns, name, 'strategic', { status }, { subresource: 'status' });
      }
      await podClient.delete(ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
      ctx.log('info', 'PodGC is force deleting Pod', { pod: objectKey(pod) });
    } catch (e) {
      if (!isNotFound(e)) ctx.log('warn', 'pod GC failed to delete pod', { pod: objectKey(pod), error: e instanceof Error ? e.message : String(e) });
    }
  };

  const gcOrphaned = async (all: KubeObject[]) => {
    const now = ctx.clock.now();
    const missing = new Set<string>();
    for (const p of all) {
      const n = nodeNameOf(p);
      if (n && !nodes.get(n)) missing.add(n);
    }
    for (const n of [...missingSince.keys()]) if (!missing.has(n)) missingSince.delete(n);
    const deleted = new Set<string>();
    for (const n of missing) {
      const since = missingSince.get(n);
      if (since === undefined) {
        missingSince.set(n, now);
        continue;
      }
      if (now - since < quarantine) continue;
      // The cache may lag: ask the API server before deleting anything.
      try {
        await nodeClient.get(undefined, n);
        missingSince.delete(n);
      } catch (e) {
        if (isNotFound(e)) deleted.add(n);
      }
    }
    for (const p of all) {
      const n = nodeNameOf(p);
      if (n && deleted.has(n)) await failAndDelete(p, { type: 'DisruptionTarget', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    }
    for (const n of deleted) missingSince.delete(n);
  };

  const gc = async () => {
    const all = pods.list();
    for (const p of terminatedOverThreshold(all, threshold)) await failAndDelete(p);
    for (const p of terminatingOnOutOfServiceNodes(all, (n) => nodes.get(n))) await failAndDelete(p);
    await gcOrphaned(pods.list());
    for (const p of unscheduledTerminating(pods.list())) await failAndDelete(p);
  };

  return {
    name: 'pod-garbage-collector',
    async run(signal) {
      await waitSynced(signal, pods, nodes);
      let timer: unknown;
      let running: Promise<void> = Promise.resolve();
      const tick = () => {
        if (signal.aborted) return;
        running = gc()
          .catch((e: unknown) => ctx.log('warn', 'pod GC pass failed', { error: String(e) }))
          .finally(() => {
            if (!signal.aborted) timer = ctx.clock.setTimeout(tick, period);
          });
      };
      tick();
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      ctx.clock.clearTimeout(timer);
      await running;
    },
  };
}

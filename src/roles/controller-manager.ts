// The controller manager: every built-in controller, sharing one set of informers, run only
// while this process holds the kube-system/kube-controller-manager Lease.

import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ClientSet, InformerFactory } from '../client/clientset.js';
import { eventRecorder } from '../client/events.js';
import { DEFAULT_LEASE_TIMING, LeaderElector } from '../client/leader-election.js';
import type { Transport } from '../client/transport.js';
import { realClock, type Clock } from '../client/workqueue.js';
import type { Controller, ControllerContext, Log } from '../controllers/framework/controller.js';

export interface ManagerOptions {
  /** The component name: lease name, field manager and event source. */
  component: 'kube-controller-manager' | 'kube-scheduler';
  leaseTiming?: typeof DEFAULT_LEASE_TIMING;
  clock?: Clock;
  log: Log;
}

/** Upstream's proportions (15 s lease, 10 s renew deadline, 2 s retry) for any lease length. */
export function leaseTiming(seconds: number) {
  return { leaseDurationMs: seconds * 1000, renewDeadlineMs: Math.round((seconds * 1000 * 2) / 3), retryPeriodMs: Math.max(200, Math.round((seconds * 1000) / 7.5)) };
}

export function controllerContext(transport: Transport, component: string, clock: Clock, log: Log): ControllerContext {
  const clients = new ClientSet(transport, component);
  return {
    clients,
    informers: new InformerFactory(clients, { onError: (e) => log('warn', 'informer error; re-listing', { error: String(e) }) }),
    clock,
    log,
    recorder: (source) => eventRecorder(clients, source, () => new Date(clock.now()), (e) => log('debug', 'event not recorded', { error: String(e) })),
  };
}

/**
 * Campaigns for the component's Lease, then runs the controllers `build` makes until the
 * signal aborts or leadership is lost (then campaigns again, as upstream restarts).
 */
export async function runLeaderElected(transport: Transport, opts: ManagerOptions, build: (ctx: ControllerContext) => Controller[], signal: AbortSignal, onLeading?: () => void): Promise<void> {
  const clock = opts.clock ?? realClock;
  const identity = `${hostname()}_${randomUUID()}`;
  const electionClients = new ClientSet(transport, opts.component);
  const elector = new LeaderElector(electionClients, { namespace: 'kube-system', name: opts.component, identity, ...(opts.leaseTiming ?? DEFAULT_LEASE_TIMING) }, clock);
  while (!signal.aborted) {
    await elector.run(signal, async (leading) => {
      setMaxListeners(0, leading); // every controller, worker and watch listens on it
      opts.log('info', 'became leader', { component: opts.component, identity });
      onLeading?.();
      const ctx = controllerContext(transport, opts.component, clock, opts.log);
      const controllers = build(ctx);
      const running = controllers.map((c) => c.run(leading).catch((e: unknown) => opts.log('error', 'controller stopped', { controller: c.name, error: String(e) })));
      ctx.informers.start(leading);
      await Promise.all(running);
      // Lead until leadership ends, even if every controller returned early: returning would
      // campaign again at once, and with the in-process transport that loop never yields.
      if (!leading.aborted) await new Promise((r) => leading.addEventListener('abort', r, { once: true }));
      if (!signal.aborted) opts.log('warn', 'lost leadership', { component: opts.component });
    });
    if (!signal.aborted) await new Promise<void>((r) => clock.setTimeout(() => r(), elector.retryPeriodMs));
  }
}

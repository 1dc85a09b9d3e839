// Leader election on a coordination.k8s.io Lease (client-go's leaderelection): a candidate takes
// the lease when it is free or expired, renews it while leading, and stops leading when it cannot
// renew within the deadline, so two processes on one API server never both act.

import type { KubeObject } from '../api/object.js';
import type { ClientSet } from './clientset.js';
import { isConflict, isNotFound } from './informer.js';
import type { Clock } from './workqueue.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEASE_TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Whether a lease held by someone else is still valid at `now`. */
export function heldByOther(spec: LeaseSpec | undefined, identity: string, now: number): boolean {
  if (!spec?.holderIdentity || spec.holderIdentity === identity) return false;
  const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
  return renewed + (spec.leaseDurationSeconds ?? 15) * 1000 > now;
}

export class LeaderElector {
  private readonly leases;

  constructor(clients: ClientSet, private readonly opts: LeaderElectionOptions, private readonly clock: Clock) {
    this.leases = clients.resource<Lease>('leases');
  }

  get retryPeriodMs(): number {
    return this.opts.retryPeriodMs;
  }

  /** One attempt to acquire or renew; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const { namespace, name, identity } = this.opts;
    const spec = (prev?: LeaseSpec): LeaseSpec => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.opts.leaseDurationMs / 1000),
      acquireTime: prev?.holderIdentity === identity && prev.acquireTime ? prev.acquireTime : microTime(now),
      renewTime: microTime(now),
      // As client-go: any change of holder counts, a released lease's empty one included.
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (prev && (prev.holderIdentity ?? '') !== identity ? 1 : 0),
    });
    let current: Lease;
    try {
      current = await this.leases.get(namespace, name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await this.leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: { ...spec(), leaseTransitions: 0 } });
        return true;
      } catch (err) {
        if (isConflict(err) || (err as { code?: number }).code === 409) return false;
        throw err;
      }
    }
    if (heldByOther(current.spec, identity, now)) return false;
    try {
      await this.leases.update({ ...current, spec: spec(current.spec) });
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const t = this.clock.setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        this.clock.clearTimeout(t);
        resolve();
      }, { once: true });
    });
  }

  /**
   * Campaigns until leading, runs `lead` with a signal that aborts when leadership is lost (or
   * the outer signal aborts), and resolves when leadership ends.
   */
  async run(signal: AbortSignal, lead: (signal: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew().catch(() => false)) break;
      await this.sleep(this.opts.retryPeriodMs, signal);
    }
    if (signal.aborted) return;
    const leading = new AbortController();
    signal.addEventListener('abort', () => leading.abort(), { once: true });
    const renewing = (async () => {
      let lastRenew = this.clock.now();
      while (!leading.signal.aborted) {
        await this.sleep(this.opts.retryPeriodMs, leading.signal);
        if (leading.signal.aborted) return;
        if (await this.tryAcquireOrRenew().catch(() => false)) lastRenew = this.clock.now();
        else if (this.clock.now() - lastRenew > this.opts.renewDeadlineMs) leading.abort();
      }
    })();
    await lead(leading.signal);
    leading.abort();
    await renewing;
    if (signal.aborted) await this.release().catch(() => undefined);
  }

  /**
   * Gives the lease up on a graceful stop (client-go's ReleaseOnCancel, which upstream's
   * components set): a restarted or standby instance takes over at once instead of waiting out
   * the lease. A killed leader cannot, and the lease then expires as before.
   */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.opts;
    const current = await this.leases.get(namespace, name);
    if (current.spec?.holderIdentity !== identity) return;
    const now = microTime(this.clock.now());
    await this.leases.update({ ...current, spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.spec.leaseTransitions ?? 0 } });
  }
}

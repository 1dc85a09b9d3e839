// One worker per pod (pod_workers.go): every change to a pod, container event and timer for it
// funnels into one serialized loop that moves the pod through syncing (SyncPod until it is
// terminal or deleted), terminating (stop containers and the sandbox, final status) and
// terminated (volumes torn down; a deleted pod's object removed). Updates that arrive while a
// sync runs are coalesced into one more pass, so a pod is never synced twice at once.

import type { Clock } from '../client/workqueue.js';
import type { Log } from '../controllers/framework/controller.js';
import type { Pod } from './types.js';

export interface SyncResult {
  /** The pod reached Succeeded or Failed. */
  terminal: boolean;
  /** Sync again after this long (back-off expiries). */
  requeueAfterMs?: number;
}

export interface PodSyncer {
  syncPod(pod: Pod): Promise<SyncResult>;
  /** Stops everything of the pod; gracePeriodSeconds undefined means the pod's own. */
  syncTerminatingPod(pod: Pod, gracePeriodSeconds: number | undefined): Promise<void>;
  /** After termination: volumes, and for a pod deleted through the API, the final delete. */
  syncTerminatedPod(pod: Pod): Promise<void>;
  /** The pod is gone from the API and terminated: remove what the runtime still keeps. */
  cleanupPod(uid: string): Promise<void>;
}

type Phase = 'syncing' | 'terminating' | 'terminated';

interface Worker {
  pod: Pod;
  phase: Phase;
  removed: boolean;
  pending: boolean;
  busy: boolean;
  timer?: unknown;
  errors: number;
  finalized: boolean;
}

export interface PodWorkersOptions {
  syncer: PodSyncer;
  clock: Clock;
  log: Log;
  /** Periodic resync of running pods (upstream's --sync-frequency, 1 min). */
  resyncMs?: number;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  constructor(private readonly o: PodWorkersOptions) {}

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  uids(): string[] {
    return [...this.workers.keys()];
  }

  phaseOf(uid: string): Phase | undefined {
    return this.workers.get(uid)?.phase;
  }

  /** A new version of the pod from the API. */
  update(pod: Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid;
    let w = this.workers.get(uid);
    if (!w) {
      w = { pod, phase: 'syncing', removed: false, pending: false, busy: false, errors: 0, finalized: false };
      this.workers.set(uid, w);
    }
    w.pod = pod;
    this.kick(uid, w);
  }

  /** A newer copy of the pod that needs no sync (only its status changed). */
  setPod(pod: Pod): void {
    const w = this.workers.get(pod.metadata.uid);
    if (w) w.pod = pod;
  }

  /** The pod is gone from the API (deleted, possibly forcefully). */
  remove(uid: string): void {
    const w = this.workers.get(uid);
    if (!w) return;
    w.removed = true;
    this.kick(uid, w);
  }

  /** Syncs the pod again (a container changed, a probe result changed, a timer). */
  requeue(uid: string, afterMs = 0): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (afterMs <= 0) return this.kick(uid, w);
    this.o.clock.clearTimeout(w.timer);
    w.timer = this.o.clock.setTimeout(() => this.kick(uid, w), afterMs);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) this.o.clock.clearTimeout(w.timer);
  }

  /** Resolves once no worker is busy or pending (tests). */
  async idle(): Promise<void> {
    while ([...this.workers.values()].some((w) => w.busy || w.pending)) await new Promise((r) => setTimeout(r, 5));
  }

  private kick(uid: string, w: Worker): void {
    w.pending = true;
    if (!w.busy) void this.loop(uid, w);
  }

  private async loop(uid: string, w: Worker): Promise<void> {
    w.busy = true;
    try {
      while (w.pending && !this.stopped) {
        w.pending = false;
        this.o.clock.clearTimeout(w.timer);
        let next: number | undefined;
        try {
          next = await this.step(uid, w);
          w.errors = 0;
        } catch (e) {
          w.errors++;
          next = Math.min(10_000, 1000 * 2 ** (w.errors - 1));
          this.o.log('warn', 'pod sync failed; will retry', { pod: `${w.pod.metadata.namespace}/${w.pod.metadata.name}`, error: e instanceof Error ? e.message : String(e), retryMs: next });
        }
        if (!this.workers.has(uid)) return;
        if (next !== undefined && !w.pending) w.timer = this.o.clock.setTimeout(() => this.kick(uid, w), next);
      }
    } finally {
      w.busy = false;
    }
  }

  /** One pass of the state machine; returns when to come back (ms), if at all. */
  private async step(uid: string, w: Worker): Promise<number | undefined> {
    const s = this.o.syncer;
    this.o.log('debug', 'pod worker step', { pod: w.pod.metadata.name, phase: w.phase });
    if (w.phase === 'syncing') {
      if (w.removed || w.pod.metadata.deletionTimestamp) {
        w.phase = 'terminating';
      } else {
        const r = await s.syncPod(w.pod);
        if (!r.terminal) return Math.min(r.requeueAfterMs ?? Infinity, this.o.resyncMs ?? 60_000);
        w.phase = 'terminating';
      }
    }
    if (w.phase === 'terminating') {
      const grace = w.pod.metadata.deletionGracePeriodSeconds ?? undefined;
      await s.syncTerminatingPod(w.pod, grace === null ? undefined : grace);
      w.phase = 'terminated';
    }
    if (w.phase === 'terminated') {
      if (!w.finalized || (w.pod.metadata.deletionTimestamp && !w.removed)) {
        await s.syncTerminatedPod(w.pod);
        w.finalized = true;
      }
      if (w.removed) {
        await s.cleanupPod(uid);
        this.workers.delete(uid);
      }
    }
    return undefined;
  }
}

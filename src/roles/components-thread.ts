// `k8ts server` runs its controller manager, scheduler and simulated nodes in one worker thread.
// They are clients of the API server, as upstream's separate processes are: here they reach it
// through a MessagePort (thread-transport.ts) instead of HTTPS. Off the API server's thread, their
// informers, JSON and reconciling use the second core instead of delaying requests.

import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandler } from '../apiserver/handler.js';
import type { UserInfo } from '../apiserver/types.js';
import { serveThreadTransport } from '../client/thread-transport.js';
import type { Logger, LogLevel } from './log.js';

export interface ComponentsOptions {
  controllerManager: boolean;
  scheduler: boolean;
  simulatedNodes: number;
  simulatedFailingImages: string[];
  leaseDurationSeconds: number;
  clusterCidr: string;
  caCert: string;
  dataDir: string;
  logLevel: LogLevel;
}

/** Worker to main thread, besides the transport's own messages. */
export type ComponentsMessage = { t: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> };

/** Main thread to worker, besides the transport's own messages. */
export type ComponentsCommand = { t: 'start' } | { t: 'stop' };

/** The identities the worker's components may act as: control-plane users, as in-process before. */
const IDENTITIES = new Set(['kube-controller-manager', 'kube-scheduler', 'kubelet']);

function userOf(identity: string): UserInfo | undefined {
  return IDENTITIES.has(identity) ? { username: `system:${identity}`, groups: ['system:masters', 'system:authenticated'] } : undefined;
}

// From source (tests under tsx) the worker is the .ts file beside this one; from dist, the .js.
const WORKER_URL = new URL(`./components-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
const RESTART_DELAY_MS = 1000;

interface Spawned {
  worker: Worker;
  exited: Promise<number>;
}

/** A worker whose exit and errors are heard from the start, not only once it runs. */
function spawn(opts: ComponentsOptions, log: (e: Error) => void): Spawned {
  const worker = new Worker(WORKER_URL, { workerData: opts });
  worker.on('error', log);
  return { worker, exited: new Promise<number>((resolve) => worker.once('exit', resolve)) };
}

/**
 * The components' thread, made early: it loads its modules while the API server starts, and runs
 * nothing until run() (the API must be serving first). Until then it does not keep the process
 * alive, so a server that fails to start still exits.
 */
export class ComponentsThread {
  private next: Spawned | undefined;
  private early: Error[] = [];

  constructor(private readonly opts: ComponentsOptions) {
    this.next = spawn(opts, (e) => this.early.push(e));
    this.next.worker.unref();
  }

  /**
   * Runs the components until the signal aborts, then lets them stop (they release their Leases
   * through the handler, so the API server must still be serving until this resolves). A thread
   * that dies is logged and started again, as a supervisor restarts upstream's components.
   */
  async run(handler: ApiHandler, log: Logger, signal: AbortSignal): Promise<void> {
    const failed = (e: Error) => log('error', 'control-plane components thread failed', { error: e.stack ?? String(e) });
    for (const e of this.early) failed(e);
    while (!signal.aborted) {
      const spawned = this.next ?? spawn(this.opts, failed);
      this.next = undefined;
      spawned.worker.ref();
      const code = await runWorker(spawned, handler, log, signal);
      if (signal.aborted) return;
      log('error', 'control-plane components thread exited; restarting it', { code });
      await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
    }
    await this.next?.worker.terminate();
  }
}

async function runWorker({ worker, exited }: Spawned, handler: ApiHandler, log: Logger, signal: AbortSignal): Promise<number> {
  const endWatches = serveThreadTransport(worker, handler, userOf);
  worker.on('message', (m: ComponentsMessage | { t?: string }) => {
    if (m.t === 'log') {
      const l = m as ComponentsMessage;
      log(l.level, l.msg, l.fields);
    }
  });
  const stop = () => worker.postMessage({ t: 'stop' } satisfies ComponentsCommand);
  signal.addEventListener('abort', stop, { once: true });
  worker.postMessage({ t: 'start' } satisfies ComponentsCommand);
  const code = await exited;
  signal.removeEventListener('abort', stop);
  endWatches();
  return code;
}

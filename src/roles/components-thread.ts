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
export type ComponentsMessage =
  | { t: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> }
  | { t: 'stopped' };

/** The identities the worker's components may act as: control-plane users, as in-process before. */
const IDENTITIES = new Set(['kube-controller-manager', 'kube-scheduler', 'kubelet']);

function userOf(identity: string): UserInfo | undefined {
  return IDENTITIES.has(identity) ? { username: `system:${identity}`, groups: ['system:masters', 'system:authenticated'] } : undefined;
}

// From source (tests under tsx) the worker is the .ts file beside this one; from dist, the .js.
const WORKER_URL = new URL(`./components-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
const RESTART_DELAY_MS = 1000;

/**
 * Runs the components until the signal aborts, then lets them stop (they release their Leases
 * through the handler, so the API server must still be serving until this resolves). A thread that
 * dies is logged and started again, as a supervisor restarts upstream's components.
 */
export async function runComponentsThread(handler: ApiHandler, opts: ComponentsOptions, log: Logger, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const worker = new Worker(WORKER_URL, { workerData: opts });
    const endWatches = serveThreadTransport(worker, handler, userOf);
    worker.on('message', (m: ComponentsMessage | { t?: string }) => {
      if (m.t === 'log') {
        const l = m as Extract<ComponentsMessage, { t: 'log' }>;
        log(l.level, l.msg, l.fields);
      }
    });
    worker.on('error', (e) => log('error', 'control-plane components thread failed', { error: e.stack ?? String(e) }));
    const stop = () => worker.postMessage({ t: 'stop' });
    signal.addEventListener('abort', stop, { once: true });
    const code = await new Promise<number>((resolve) => worker.once('exit', resolve));
    signal.removeEventListener('abort', stop);
    endWatches();
    if (signal.aborted) return;
    log('error', 'control-plane components thread exited; restarting it', { code });
    await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
  }
}

// Entry of the worker thread that runs `k8ts server`'s control-plane components; the main thread
// side, and why a thread, is components-thread.ts.

import { parentPort, workerData } from 'node:worker_threads';
import { setMaxListeners } from 'node:events';
import { ThreadClient } from '../client/thread-transport.js';
import { realClock } from '../client/workqueue.js';
import { simulatedNodes } from '../simulator/index.js';
import { controllerContext, leaseTiming, runLeaderElected } from './controller-manager.js';
import { builtinControllers, schedulerComponents } from './controllers.js';
import type { ComponentsCommand, ComponentsOptions, ComponentsMessage } from './components-thread.js';
import { logsAt, type LogLevel } from './log.js';

async function main(port: NonNullable<typeof parentPort>, opts: ComponentsOptions): Promise<void> {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  port.on('message', (m: Partial<ComponentsCommand>) => {
    if (m.t === 'start') start();
    if (m.t === 'stop') {
      start();
      stop.abort();
    }
  });
  // Loaded while the API server starts; run once it serves.
  await started;
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (!logsAt(level, opts.logLevel)) return;
    try {
      port.postMessage({ t: 'log', level, msg, fields } satisfies ComponentsMessage);
    } catch {
      port.postMessage({ t: 'log', level, msg, fields: { fields: String(fields) } } satisfies ComponentsMessage);
    }
  };
  const client = new ThreadClient(port);
  const timing = leaseTiming(opts.leaseDurationSeconds);
  const running: Promise<unknown>[] = [];
  if (opts.controllerManager) {
    running.push(runLeaderElected(client.transport('kube-controller-manager'), { component: 'kube-controller-manager', log, leaseTiming: timing }, (ctx) => builtinControllers(ctx, { clusterCidr: opts.clusterCidr, caCert: opts.caCert, dataDir: opts.dataDir }), stop.signal));
  }
  if (opts.scheduler) {
    running.push(runLeaderElected(client.transport('kube-scheduler'), { component: 'kube-scheduler', log, leaseTiming: timing }, schedulerComponents, stop.signal));
  }
  if (opts.simulatedNodes > 0) {
    const ctx = controllerContext(client.transport('kubelet'), 'kubelet', realClock, log);
    running.push(simulatedNodes(ctx, { count: opts.simulatedNodes, failingImages: opts.simulatedFailingImages }).run(stop.signal));
    ctx.informers.start(stop.signal);
  }
  await Promise.allSettled(running);
}

if (parentPort) {
  main(parentPort, workerData as ComponentsOptions).then(
    () => process.exit(0),
    (e: unknown) => {
      parentPort!.postMessage({ t: 'log', level: 'error', msg: 'control-plane components failed', fields: { error: e instanceof Error ? e.stack : String(e) } } satisfies ComponentsMessage);
      process.exit(1);
    },
  );
}

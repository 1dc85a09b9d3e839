// An in-process cluster for controller tests: a real API server on a memory store, clients and
// shared informers through the in-process transport, and a runner for controllers.

import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../../apiserver/testing.js';
import { ClientSet, InformerFactory, type ResourceName } from '../../client/clientset.js';
import { eventRecorder } from '../../client/events.js';
import { inProcessTransport } from '../../client/in-process.js';
import { realClock, type Clock } from '../../client/workqueue.js';
import type { KubeObject } from '../../api/object.js';
import type { Controller, ControllerContext } from './controller.js';

export interface ControllerTestEnv {
  server: TestServer;
  /** Admin clients for the test's own reads and writes (field manager "test"). */
  clients: ClientSet;
  ctx: ControllerContext;
  /** Starts controllers and informers; resolves once the informers have synced. */
  start(...controllers: Controller[]): Promise<void>;
  stop(): Promise<void>;
  /** Polls until `check` returns a truthy value (default 5 s), returning it. */
  eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  /**
   * Every version of one object from now until stop(), as a watch from a list's resourceVersion
   * delivers them: for states that last only until the next sync, which polling can miss.
   */
  history(resource: ResourceName, namespace: string | undefined, name: string): Promise<{ versions: KubeObject[]; stop(): void }>;
}

export async function controllerTestEnv(opts: { clock?: Clock } = {}): Promise<ControllerTestEnv> {
  const server = await testServer(new MemoryStore());
  const transport = inProcessTransport(server.handler, undefined, 'kube-controller-manager/test');
  const clients = new ClientSet(transport, 'kube-controller-manager');
  const informers = new InformerFactory(clients, { retryDelayMs: 50 });
  const ctx: ControllerContext = {
    clients,
    informers,
    clock: opts.clock ?? realClock,
    log: () => undefined,
    recorder: (component) => eventRecorder(clients, component),
  };
  const abort = new AbortController();
  const running: Promise<void>[] = [];
  return {
    server,
    clients: new ClientSet(transport, 'test'),
    ctx,
    async start(...controllers) {
      for (const c of controllers) running.push(c.run(abort.signal));
      informers.start(abort.signal);
      await informers.waitForSync();
    },
    async stop() {
      abort.abort();
      await Promise.allSettled(running);
    },
    async history(resource, namespace, name) {
      const fieldSelector = `metadata.name=${name}`;
      const list = await clients.resource(resource).list(namespace, { fieldSelector });
      const versions: KubeObject[] = [...list.items];
      const stop = new AbortController();
      abort.signal.addEventListener('abort', () => stop.abort(), { once: true });
      const watching = clients.resource(resource).watch(namespace, { fieldSelector, resourceVersion: list.metadata?.resourceVersion }, (ev) => {
        if (ev.type !== 'BOOKMARK' && ev.type !== 'ERROR') versions.push(ev.object as KubeObject);
      }, stop.signal);
      watching.catch(() => undefined);
      return { versions, stop: () => stop.abort() };
    },
    async eventually(check, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const v = await check();
          if (v) return v as never;
        } catch (e) {
          last = e;
        }
        if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

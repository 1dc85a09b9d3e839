// The node lifecycle controller: watches nodes' heartbeats (Ready condition and Lease), marks
// silent nodes Unknown and their pods not ready, keeps the not-ready / unreachable taints in line
// with node conditions, and (through the taint-eviction part) evicts pods from NoExecute nodes.

import type { KubeObject } from '../../api/object.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { WorkQueue } from '../../client/workqueue.js';
import { waitSynced } from '../endpoints/wait-synced.js';
import { markPodNotReady, NodeMonitor } from './monitor.js';
import { TaintEvictor } from './taint-eviction.js';
import { nodeCondition } from './taints.js';


export interface NodeLifecycleOptions {
  /** How often node health is checked (nodeMonitorPeriod, 5 s). */
  nodeMonitorPeriodMs?: number;
  /** Silence after which a node is Unknown (nodeMonitorGracePeriod, 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** The same for a node that never posted a status (nodeStartupGracePeriod, 60 s). */
  nodeStartupGracePeriodMs?: number;
  /** Run the taint-eviction part (upstream's separate taint-eviction-controller). */
  taintEviction?: boolean;
}

const nodeNameOf = (pod: KubeObject) => ((pod.spec ?? {}) as Record<string, unknown>).nodeName as string | undefined;

export function nodeLifecycleController(ctx: ControllerContext, opts: NodeLifecycleOptions = {}): Controller {
  const nodes = ctx.informers.informer('nodes');
  const leases = ctx.informers.informer('leases');
  const pods = ctx.informers.informer('pods');
  pods.addIndexer('nodelifecycle:nodeName', (p) => {
    const n = nodeNameOf(p);
    return n ? [n] : [];
  });
  const podsOnNode = (node: string) => pods.byIndex('nodelifecycle:nodeName', node);
  const recorder = ctx.recorder('node-controller');
  const podClient = ctx.clients.resource('pods');
  const monitor = new NodeMonitor({
    nodes,
    leases,
    nodeClient: ctx.clients.resource('nodes'),
    podClient,
    recorder,
    log: ctx.log,
    podsOnNode,
    gracePeriodMs: opts.nodeMonitorGracePeriodMs ?? 40_000,
    startupGracePeriodMs: opts.nodeStartupGracePeriodMs ?? 60_000,
  });
  const evictor = new TaintEvictor({ pods, nodes, podClient, clock: ctx.clock, recorder: ctx.recorder('taint-eviction-controller'), log: ctx.log, podsOnNode });
  const period = opts.nodeMonitorPeriodMs ?? 5_000;

  return {
    name: 'node-lifecycle-controller',
    async run(signal) {
      const evict = opts.taintEviction ?? true;
      // A pod landing on (or staying on) a node that is not ready is not ready either.
      const podChanged = (pod: KubeObject) => {
        const n = nodeNameOf(pod);
        if (!n || !monitor.health.has(n)) return;
        const node = nodes.get(n);
        if (node && nodeCondition(node, 'Ready')?.status !== 'True' && nodeCondition(node, 'Ready') !== undefined) {
          markPodNotReady(podClient, recorder, pod, ctx.clock.now()).catch((e: unknown) => ctx.log('warn', 'marking pod not ready failed', { error: String(e) }));
        }
        if (evict) evictor.processPod(pod);
      };
      pods.addHandler({ add: podChanged, update: (_o, p) => podChanged(p), delete: (p) => evictor.podDeleted(p) });
      // Taints follow condition and cordon changes at once, not at the next monitor pass
      // (upstream's doNoScheduleTaintingPass on node events).
      const taintQueue = new WorkQueue(ctx.clock);
      const nodeChanged = (n: KubeObject) => taintQueue.add(n.metadata?.name ?? '');
      nodes.addHandler({
        add: (n) => {
          nodeChanged(n);
          if (evict) evictor.nodeChanged(undefined, n);
        },
        update: (o, n) => {
          nodeChanged(n);
          if (evict) evictor.nodeChanged(o, n);
        },
        delete: (n) => monitor.nodeDeleted(n),
      });
      await waitSynced(signal, nodes, leases, pods);
      let timer: unknown;
      let running: Promise<void> = Promise.resolve();
      const tick = () => {
        if (signal.aborted) return;
        running = monitor.pass(ctx.clock.now()).finally(() => {
          if (!signal.aborted) timer = ctx.clock.setTimeout(tick, period);
        });
      };
      tick();
      await runWorkers(
        {
          name: 'node-lifecycle-taints',
          queue: taintQueue,
          workers: 1,
          log: ctx.log,
          reconcile: async (name) => {
            const node = nodes.get(name);
            if (node) await monitor.syncTaints(node, ctx.clock.now());
          },
        },
        signal,
      );
      ctx.clock.clearTimeout(timer);
      evictor.stop();
      await running.catch(() => undefined);
    },
  };
}

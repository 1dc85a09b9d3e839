// The node IPAM controller (range allocator): gives every node a podCIDR from the cluster CIDR,
// never the same to two nodes, and takes it back when the node goes.

import { isNotFound, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../api/object.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { waitSynced } from '../endpoints/wait-synced.js';
import { CidrSet } from './cidr-set.js';

export { CidrSet } from './cidr-set.js';

export interface NodeIpamOptions {
  /** The cluster's pod network (--cluster-cidr), 10.42.0.0/16 by default. */
  clusterCidr?: string;
  /** The size of each node's range (--node-cidr-mask-size), /24. */
  nodeCidrMaskSize?: number;
}

const podCidrs = (node: KubeObject): string[] => {
  const spec = (node.spec ?? {}) as Record<string, unknown>;
  if (Array.isArray(spec.podCIDRs) && spec.podCIDRs.length) return spec.podCIDRs as string[];
  return typeof spec.podCIDR === 'string' && spec.podCIDR ? [spec.podCIDR] : [];
};

export function nodeIpamController(ctx: ControllerContext, opts: NodeIpamOptions = {}): Controller {
  const nodes: Informer = ctx.informers.informer('nodes');
  const set = new CidrSet(opts.clusterCidr ?? '10.42.0.0/16', opts.nodeCidrMaskSize ?? 24);
  const queue = new WorkQueue(ctx.clock);
  const client = ctx.clients.resource('nodes');
  const recorder = ctx.recorder('cidrAllocator');
  /** Ranges handed out but not yet seen on the node (a retry must reuse, not leak, them). */
  const pending = new Map<string, string>();

  const reconcile = async (name: string) => {
    const node = nodes.get(name);
    if (!node || node.metadata?.deletionTimestamp) return;
    const have = podCidrs(node);
    if (have.length) {
      for (const c of have) set.occupy(c);
      const p = pending.get(name);
      if (p && !have.includes(p)) set.release(p);
      pending.delete(name);
      return;
    }
    let cidr = pending.get(name);
    if (!cidr) {
      cidr = set.allocateNext();
      if (!cidr) {
        recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        throw new Error(`failed to allocate cidr from cluster cidr: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range`);
      }
      pending.set(name, cidr);
    }
    try {
      await client.patch(undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (e) {
      if (isNotFound(e)) {
        set.release(cidr);
        pending.delete(name);
        return;
      }
      recorder.event(node, 'Warning', 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
      throw e;
    }
  };

  return {
    name: 'node-ipam-controller',
    async run(signal) {
      nodes.addHandler({
        add: (n) => queue.add(n.metadata?.name ?? ''),
        update: (_o, n) => queue.add(n.metadata?.name ?? ''),
        delete: (n) => {
          const name = n.metadata?.name ?? '';
          for (const c of podCidrs(n)) set.release(c);
          const p = pending.get(name);
          if (p) set.release(p);
          pending.delete(name);
        },
      });
      await waitSynced(signal, nodes);
      // Ranges already given out are taken before anything new is handed out.
      for (const n of nodes.list()) for (const c of podCidrs(n)) set.occupy(c);
      await runWorkers({ name: 'node-ipam-controller', queue, workers: 1, log: ctx.log, reconcile }, signal);
    },
  };
}

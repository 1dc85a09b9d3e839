// The scheduler's per-node aggregate (upstream's NodeInfo): the node, its allocatable, and the sums
// over the pods on it (requests, ports, owners), updated incrementally as pods come and go.

import { nodeAllocatable, type NodeAllocatable } from './resources.js';
import { scoresAffinity, type HostPort, type PodInfo } from './pod-info.js';
import type { Node, Taint } from './types.js';

export class NodeInfo {
  node!: Node;
  name = '';
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  allocatable!: NodeAllocatable;
  readonly pods = new Map<string, PodInfo>();
  /** Requested amounts by resource (cpu in millicores). */
  readonly requested = new Map<string, number>();
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  readonly hostPorts: HostPort[] = [];
  readonly owners = new Map<string, number>();
  /** Pods on this node that carry required anti-affinity terms. */
  antiAffinityPods = 0;
  /** Pods on this node whose terms feed the InterPodAffinity score (see scoresAffinity). */
  scoreAffinityPods = 0;
  /** False for a placeholder kept for pods naming a node the informer has not shown (or has deleted). */
  present = true;

  constructor(node: Node) {
    this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node);
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.key)) this.removePod(p.key);
    this.pods.set(p.key, p);
    for (const [k, v] of p.requests) this.requested.set(k, (this.requested.get(k) ?? 0) + v);
    this.nonZeroCpu += p.nonZeroCpu;
    this.nonZeroMemory += p.nonZeroMemory;
    for (const hp of p.hostPorts) this.hostPorts.push(hp);
    if (p.ownerUid) this.owners.set(p.ownerUid, (this.owners.get(p.ownerUid) ?? 0) + 1);
    if (p.antiAffinity.length) this.antiAffinityPods++;
    if (scoresAffinity(p)) this.scoreAffinityPods++;
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    for (const [k, v] of p.requests) this.requested.set(k, (this.requested.get(k) ?? 0) - v);
    this.nonZeroCpu -= p.nonZeroCpu;
    this.nonZeroMemory -= p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      const i = this.hostPorts.indexOf(hp);
      if (i >= 0) this.hostPorts.splice(i, 1);
    }
    if (p.ownerUid) {
      const n = (this.owners.get(p.ownerUid) ?? 1) - 1;
      if (n <= 0) this.owners.delete(p.ownerUid);
      else this.owners.set(p.ownerUid, n);
    }
    if (p.antiAffinity.length) this.antiAffinityPods--;
    if (scoresAffinity(p)) this.scoreAffinityPods--;
    return p;
  }
}

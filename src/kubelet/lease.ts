// The node's heartbeat Lease in kube-node-lease (nodelease/controller.go): created owned by the
// Node, renewed every 10 s with a 40 s duration; the node lifecycle controller reads renewTime.

import type { KubeObject } from '../api/object.js';
import type { ClientSet } from '../client/clientset.js';
import { isConflict, isNotFound } from '../client/informer.js';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export class NodeLease {
  private lease?: KubeObject;

  constructor(
    private readonly clients: ClientSet,
    private readonly nodeName: string,
    private readonly nodeUid: () => string | undefined,
    private readonly durationSeconds = LEASE_DURATION_SECONDS,
  ) {}

  private spec(now: number) {
    return { holderIdentity: this.nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: microTime(now) };
  }

  private owner() {
    const uid = this.nodeUid();
    return uid ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] : undefined;
  }

  async renew(now: number): Promise<void> {
    const leases = this.clients.resource('leases');
    if (this.lease) {
      try {
        const next: KubeObject = { ...this.lease, spec: { ...(this.lease.spec as object), ...this.spec(now) } };
        if (!next.metadata?.ownerReferences?.length && this.owner()) next.metadata = { ...next.metadata, ownerReferences: this.owner() };
        this.lease = await leases.update(next);
        return;
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
        this.lease = undefined;
      }
    }
    try {
      const cur = await leases.get(LEASE_NAMESPACE, this.nodeName);
      this.lease = await leases.update({ ...cur, metadata: { ...cur.metadata, ownerReferences: cur.metadata?.ownerReferences?.length ? cur.metadata.ownerReferences : this.owner() }, spec: { ...(cur.spec as object), ...this.spec(now) } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.lease = await leases.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.nodeName, namespace: LEASE_NAMESPACE, ownerReferences: this.owner() },
        spec: this.spec(now),
      });
    }
  }
}

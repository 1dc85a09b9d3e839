// Keeps the status the kubelet generated for each pod and writes it to the API server when it
// changes (status/status_manager.go): a strategic merge patch of pods/status carrying the pod's
// uid (so a recreated pod of the same name is never written to), and, once a deleted pod has
// terminated and its resources are gone, the final delete with grace 0 and a uid precondition.

import type { ClientSet } from '../client/clientset.js';
import { isConflict, isNotFound } from '../client/informer.js';
import type { Log } from '../controllers/framework/controller.js';
import type { Pod, PodStatus } from './types.js';

/** The top-level keys of a PodStatus, so a key that disappears is sent as null. */
const STATUS_KEYS: (keyof PodStatus)[] = ['phase', 'conditions', 'message', 'reason', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'qosClass', 'initContainerStatuses', 'containerStatuses'];

export function statusPatch(uid: string, old: PodStatus | undefined, next: PodStatus): Record<string, unknown> {
  const status: Record<string, unknown> = {};
  for (const k of STATUS_KEYS) {
    const v = next[k];
    if (v !== undefined) {
      if (JSON.stringify(v) !== JSON.stringify(old?.[k])) status[k] = v;
    } else if (old?.[k] !== undefined && k !== 'nominatedNodeName') status[k] = null;
  }
  return { metadata: { uid }, status };
}

export class StatusManager {
  private readonly cache = new Map<string, PodStatus>();
  /** What the API server has, as far as this kubelet knows. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly clients: ClientSet,
    private readonly log: Log,
  ) {}

  get(uid: string): PodStatus | undefined {
    return this.cache.get(uid);
  }

  /** Records a freshly generated status and writes it if it differs from what was written. */
  async set(pod: Pod, status: PodStatus): Promise<void> {
    const uid = pod.metadata.uid;
    this.cache.set(uid, status);
    const text = JSON.stringify(status);
    const apiOld = pod.status;
    if (this.written.get(uid) === text) return;
    const patch = statusPatch(uid, this.written.has(uid) ? (JSON.parse(this.written.get(uid)!) as PodStatus) : apiOld, status);
    if (!Object.keys(patch.status as object).length) {
      this.written.set(uid, text);
      return;
    }
    try {
      await this.clients.resource('pods').patch(pod.metadata.namespace, pod.metadata.name, 'strategic', patch, { subresource: 'status' });
      this.written.set(uid, text);
    } catch (e) {
      // A pod deleted (or recreated) meanwhile: nothing to write to.
      if (isNotFound(e) || isConflict(e)) return;
      this.written.delete(uid);
      this.log('warn', 'failed to update pod status', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** The final step for a deleted pod whose containers and volumes are gone. */
  async deletePod(pod: Pod): Promise<void> {
    try {
      await this.clients.resource('pods').delete(pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  forget(uid: string): void {
    this.cache.delete(uid);
    this.written.delete(uid);
  }
}

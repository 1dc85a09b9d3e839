// The disruption controller's second duty (disruption.go syncStalePodDisruption): a pod marked
// DisruptionTarget=True by an eviction that then did not delete it gets the condition set to
// False after two minutes, so the mark does not claim a disruption that never happened.

import { formatTime } from '../util/time.js';
import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { isNotFound, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';

export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;

interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

function conditionsOf(pod: KubeObject): PodCondition[] {
  return ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions) ?? [];
}

/**
 * How long until the pod's DisruptionTarget mark is stale (0: now), or undefined when it has
 * none that can go stale: a terminating or finished pod, or a mark the kubelet set.
 */
export function staleDisruptionWait(pod: KubeObject, now: number, timeoutMs = STALE_POD_DISRUPTION_TIMEOUT_MS): number | undefined {
  if (pod.metadata?.deletionTimestamp) return undefined;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const c = conditionsOf(pod).find((x) => x.type === 'DisruptionTarget');
  if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet') return undefined;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : now;
  return Math.max(0, since + timeoutMs - now);
}

export interface StaleConditionDeps {
  podInformer: Informer;
  podClient: ResourceClient;
  queue: WorkQueue;
  now(): number;
}


/** Clears one pod's stale DisruptionTarget condition, or re-queues it for when it goes stale. */
export async function syncStalePodDisruption(d: StaleConditionDeps, key: string): Promise<void> {
  const pod = d.podInformer.get(key);
  if (!pod) return;
  const now = d.now();
  const wait = staleDisruptionWait(pod, now);
  if (wait === undefined) return;
  if (wait > 0) {
    d.queue.addAfter(key, wait);
    return;
  }
  const next = cloneJson(pod);
  // UpdatePodCondition with a bare {type, status}: the reason and message go with the old condition.
  const cond: PodCondition = { type: 'DisruptionTarget', status: 'False', lastProbeTime: null, lastTransitionTime: formatTime(now) };
  (next.status as { conditions: PodCondition[] }).conditions = conditionsOf(pod).map((c) => (c.type === 'DisruptionTarget' ? cond : c));
  try {
    await d.podClient.updateStatus(next);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

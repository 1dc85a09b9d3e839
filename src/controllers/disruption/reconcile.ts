// One PodDisruptionBudget sync (disruption.go sync/trySync): from the cached pods and workloads,
// compute how many matched pods are healthy and how many must be, and write the status that the
// eviction subresource reads. A failed computation fails safe: no disruptions allowed.

import { formatTime } from '../util/time.js';
import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { isConflict, isNotFound, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { PdbStatus } from '../../api/disruption-budget.js';
import { buildDisruptedPods, countHealthy, expectedPodCount, failSafeStatus, nextStatus, type WorkloadKind } from './status.js';

export interface DisruptionDeps {
  pdbInformer: Informer;
  podInformer: Informer;
  workloads: Record<WorkloadKind, Informer>;
  pdbClient: ResourceClient;
  recorder: EventRecorder;
  queue: WorkQueue;
  now(): number;
}

/** getPodsForPdb: the pods of the budget's namespace its selector matches (policy/v1: an empty selector matches all, a missing one none). */
export function podsForPdb(pdb: KubeObject, pods: KubeObject[]): KubeObject[] {
  const sel = labelSelectorFromMeta((pdb.spec as { selector?: unknown } | undefined)?.selector);
  return pods.filter((p) => matchesLabels(sel, p.metadata?.labels));
}


async function writeStatus(d: DisruptionDeps, pdb: KubeObject, st: PdbStatus): Promise<void> {
  try {
    await d.pdbClient.updateStatus({ ...cloneJson(pdb), status: st as unknown as KubeObject['status'] });
  } catch (e) {
    // A deleted budget needs no status; any other failure is retried by the queue, as upstream.
    if (!isNotFound(e)) throw e;
  }
}

export async function syncDisruptionBudget(d: DisruptionDeps, key: string): Promise<void> {
  const pdb = d.pdbInformer.get(key);
  if (!pdb) return;
  const now = d.now();
  let recheckAt: number | undefined;
  try {
    let pods: KubeObject[];
    try {
      pods = podsForPdb(pdb, d.podInformer.list(pdb.metadata!.namespace));
    } catch (e) {
      d.recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    if (pods.length === 0) d.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let counts;
    try {
      counts = expectedPodCount(pdb, pods, (kind, ns, name) => d.workloads[kind].getByName(ns, name));
    } catch (e) {
      d.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    if (counts.unmanagedPods.length) {
      const sel = JSON.stringify((pdb.spec as { selector?: unknown }).selector ?? null);
      d.recorder.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${sel}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
    }
    const disrupted = buildDisruptedPods(pods, (pdb.status as { disruptedPods?: Record<string, string> } | undefined)?.disruptedPods, now);
    for (const pod of disrupted.notDeleted) {
      // Upstream's message names the namespace twice; kept for fidelity.
      d.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata!.namespace}/${pdb.metadata!.namespace} to be deleted but it wasn't`);
    }
    recheckAt = disrupted.recheckAt;
    const currentHealthy = countHealthy(pods, disrupted.disruptedPods, now);
    const st = nextStatus(pdb, { currentHealthy, desiredHealthy: counts.desiredHealthy, expectedCount: counts.expectedCount, disruptedPods: disrupted.disruptedPods }, formatTime(now));
    if (st) await writeStatus(d, pdb, st);
  } catch (e) {
    // A conflict means the cache is behind: retry without failing safe.
    if (isConflict(e)) throw e;
    await writeStatus(d, pdb, failSafeStatus(pdb, e instanceof Error ? e.message : String(e), formatTime(now)));
    return;
  }
  if (recheckAt !== undefined) d.queue.addAfter(key, Math.max(0, recheckAt - now));
}

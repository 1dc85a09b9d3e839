// Eviction that honours PodDisruptionBudgets (pkg/registry/core/pod/storage/eviction.go): a pod
// covered by a budget is deleted only after the budget's status has been charged for it, so the
// disruption controller counts it as gone before the deletion is even observed.

import { errors, StatusError } from '../../api/errors.js';
import { cloneJson, type KubeObject } from '../../api/object.js';
import { labelSelectorFromMeta, matchesLabels } from '../../api/selectors/index.js';
import { pdbStatus, withDisruptionAllowedCondition, type PdbStatus } from '../../api/disruption-budget.js';
import { isConflict } from '../../client/informer.js';
import type { RequestContext } from '../context.js';
import { formatTime } from '../rest/meta.js';
import { checkPreconditions, deleteOne, type DeleteOptions } from '../verbs/delete.js';
import { namespaceFor } from '../verbs/read.js';

/** Upstream refuses evictions once this many approved ones are still unconfirmed by the controller. */
export const MAX_DISRUPTED_POD_SIZE = 2000;

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

function phaseOf(pod: KubeObject): string {
  return ((pod.status as { phase?: string } | undefined)?.phase) ?? '';
}

function isReady(pod: KubeObject): boolean {
  return ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** canIgnorePDB: a finished, pending or terminating pod disrupts nothing more by going. */
export function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

/** shouldEnforceResourceVersion: a live pod could turn Ready between our read and the delete. */
export function shouldEnforceResourceVersion(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp);
}

/**
 * The budgets of the pod's namespace whose selector matches its labels. Unlike the disruption
 * controller, eviction lets a missing or empty selector match nothing, and skips invalid ones.
 */
export function budgetsForPod(pod: KubeObject, pdbs: KubeObject[]): KubeObject[] {
  return pdbs.filter((pdb) => {
    if (pdb.metadata?.namespace !== pod.metadata?.namespace) return false;
    try {
      const sel = labelSelectorFromMeta((pdb.spec as { selector?: unknown } | undefined)?.selector);
      if (sel.nothing || sel.requirements.length === 0) return false;
      return matchesLabels(sel, pod.metadata?.labels);
    } catch {
      return false;
    }
  });
}

/** The 429 for a budget the controller has not yet processed (createTooManyRequestsError). */
export function budgetNotProcessed(pdbName: string): StatusError {
  return new StatusError(429, 'TooManyRequests', VIOLATION, { causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdbName} is still being processed by the server.` }], retryAfterSeconds: 10 });
}

/**
 * checkAndDecrement: the budget's status after charging it one disruption, or the error that
 * refuses the eviction. `now` is the RFC 3339 time recorded in disruptedPods.
 */
export function chargeBudget(pdb: KubeObject, podName: string, now: string): PdbStatus {
  const name = pdb.metadata!.name!;
  const st = pdbStatus(pdb);
  if ((st.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) throw budgetNotProcessed(name);
  const gr = { group: 'policy', resource: 'poddisruptionbudget' };
  if (st.disruptionsAllowed < 0) throw errors.forbidden(gr, name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) throw errors.forbidden(gr, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (st.disruptionsAllowed === 0) {
    throw new StatusError(429, 'TooManyRequests', VIOLATION, { causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${name} needs ${st.desiredHealthy} healthy pods and has ${st.currentHealthy} currently` }] });
  }
  let next: PdbStatus = { ...st, disruptionsAllowed: st.disruptionsAllowed - 1 };
  if (next.disruptionsAllowed === 0) next = withDisruptionAllowedCondition(next, now);
  next.disruptedPods = { ...(st.disruptedPods ?? {}), [podName]: now };
  return next;
}

/** UpdatePodCondition for DisruptionTarget: the pod says why it is going before it goes. */
function withDisruptionTarget(pod: KubeObject, now: string): KubeObject {
  const next = cloneJson(pod);
  const status = (next.status ?? {}) as { conditions?: PodCondition[] };
  const conds = status.conditions ?? [];
  const old = conds.find((c) => c.type === 'DisruptionTarget');
  const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: old?.status === 'True' ? (old.lastTransitionTime ?? now) : now, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
  status.conditions = old ? conds.map((c) => (c === old ? cond : c)) : [...conds, cond];
  next.status = status as KubeObject['status'];
  return next;
}

/**
 * addConditionAndDeletePod: marks the pod with DisruptionTarget (checking the preconditions
 * against the stored pod), then deletes it; a resourceVersion precondition moves on to the
 * version the marking wrote.
 */
async function markAndDelete(podsRc: RequestContext, name: string, opts: DeleteOptions): Promise<void> {
  let del = opts;
  if (!opts.dryRun) {
    const objects = podsRc.server.objects(podsRc.type);
    const now = formatTime(podsRc.server.now());
    const r = await objects.guaranteedUpdate(namespaceFor(podsRc), name, (current) => {
      checkPreconditions(objects.gr, name, current.metadata ?? {}, opts.preconditions);
      return withDisruptionTarget(current, now);
    });
    if (opts.preconditions?.resourceVersion) del = { ...opts, preconditions: { ...opts.preconditions, resourceVersion: r.object.metadata?.resourceVersion } };
  }
  await deleteOne(podsRc, name, del);
}


/** EvictionREST.Create after the request checks: evicts the pod named by podsRc, or throws why not. */
export async function evictWithBudgets(podsRc: RequestContext, name: string, opts: DeleteOptions): Promise<void> {
  const pods = podsRc.server.objects(podsRc.type);
  const namespace = namespaceFor(podsRc);
  const callerSetVersion = !!opts.preconditions?.resourceVersion;
  let pod: KubeObject | undefined;
  // Pods that can skip the budgets are deleted at once; conflicts are retried unless the caller pinned a version.
  for (let attempt = 0; ; attempt++) {
    pod = await pods.get(namespace, name);
    if (!canIgnoreBudget(pod)) break;
    const del = shouldEnforceResourceVersion(pod) && !callerSetVersion ? { ...opts, preconditions: { ...opts.preconditions, resourceVersion: pod.metadata?.resourceVersion } } : opts;
    try {
      await markAndDelete(podsRc, name, del);
      return;
    } catch (e) {
      if (!isConflict(e) || callerSetVersion || attempt >= 19) throw e;
    }
  }

  const pdbStore = podsRc.server.objectsOf('policy', 'poddisruptionbudgets');
  const budgets = budgetsForPod(pod, (await pdbStore.list({ namespace })).items);
  if (budgets.length > 1) throw new StatusError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  let del = opts;
  let unhealthyDelete = false;
  if (budgets.length === 1) {
    const pdb = budgets[0];
    const pdbName = pdb.metadata!.name!;
    const st = (pdb.status ?? {}) as Partial<PdbStatus>;
    const policy = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
    // A pod that is not Ready does not count as healthy: it may go without charging the budget
    // when the policy always allows it, or when the budget is met without it.
    if (!isReady(pod) && (policy === 'AlwaysAllow' || ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0))) {
      unhealthyDelete = true;
    } else {
      const now = formatTime(podsRc.server.now());
      await pdbStore.guaranteedUpdate(namespace, pdbName, (current) => {
        const next = chargeBudget(current, name, now);
        if (opts.dryRun) return current;
        return { ...cloneJson(current), status: next as unknown as KubeObject['status'] };
      });
    }
    if (unhealthyDelete) {
      // The pod must still be the one judged not Ready when it is deleted.
      del = { ...opts, preconditions: { ...opts.preconditions, resourceVersion: pod.metadata?.resourceVersion } };
    }
    try {
      await markAndDelete(podsRc, name, del);
    } catch (e) {
      if (isConflict(e) && unhealthyDelete && !callerSetVersion) throw budgetNotProcessed(pdbName);
      throw e;
    }
    return;
  }
  await markAndDelete(podsRc, name, del);
}

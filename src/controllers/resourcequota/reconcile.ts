// One ResourceQuota sync (resource_quota_controller.go syncResourceQuota): status.hard becomes
// spec.hard and status.used is recounted from the informer caches, written through /status only
// when it changed. Resources the controller cannot list keep their last observation.

import { cloneJson, type KubeObject } from '../../api/object.js';
import { evaluatorsForNames } from '../../api/quota/evaluators.js';
import { podChargeEndsAt } from '../../api/quota/pod-usage.js';
import { quotaStatus, type ListObjects } from '../../api/quota/quota.js';
import { parseResourceList } from '../../api/quota/resource-list.js';
import { isConflict, isNotFound, splitKey, type Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import type { WorkQueue } from '../../client/workqueue.js';

export interface ResourceQuotaDeps {
  quotaInformer: Informer;
  quotaClient: ResourceClient;
  /** The synced informer holding a resource's objects, or undefined when it has none. */
  informerFor(group: string, resource: string): Promise<Informer | undefined>;
  queue: WorkQueue;
  now(): number;
}

export async function syncResourceQuota(d: ResourceQuotaDeps, key: string): Promise<void> {
  const cached = d.quotaInformer.get(key);
  if (!cached) return;
  const { namespace, name } = splitKey(key);
  const hard = parseResourceList((cached.spec as { hard?: unknown } | undefined)?.hard);
  // Fetch (and wait for) every informer the hard names need before counting anything.
  const sources = new Map<string, Informer | undefined>();
  for (const { evaluator } of evaluatorsForNames(Object.keys(hard))) {
    const k = `${evaluator.group}/${evaluator.resource}`;
    if (!sources.has(k)) sources.set(k, await d.informerFor(evaluator.group, evaluator.resource));
  }
  const listObjects: ListObjects = (group, resource) => sources.get(`${group}/${resource}`)?.list(namespace);
  const now = d.now();

  let quota: KubeObject = cached;
  for (let attempt = 0; ; attempt++) {
    const { status, dirty } = quotaStatus(quota, listObjects, now);
    if (!dirty) break;
    try {
      await d.quotaClient.updateStatus({ ...cloneJson(quota), status });
      break;
    } catch (e) {
      if (isNotFound(e)) return;
      // Admission charges the same status: take its version and recount.
      if (!isConflict(e) || attempt >= 3) throw e;
      quota = await d.quotaClient.get(namespace, name);
    }
  }

  // A deleting pod stops being charged when its grace period ends: look again then.
  const pods = sources.get('/pods');
  if (pods) {
    let next: number | undefined;
    for (const p of pods.list(namespace)) {
      const end = podChargeEndsAt(p);
      if (end !== undefined && end >= now && (next === undefined || end < next)) next = end;
    }
    if (next !== undefined) d.queue.addAfter(key, next - now + 1);
  }
}

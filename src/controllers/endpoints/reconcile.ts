// One sync of a Service's Endpoints (endpoints controller syncService): computes the subsets
// from the pods the selector matches and writes the Endpoints object when they differ.

import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isAlreadyExists, isNotFound, splitKey } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import { selectorMatches, serviceSelector, isHeadless } from './pod-util.js';
import { computeSubsets, type EndpointSubset } from './subsets.js';
import type { TriggerTimeTracker } from './trigger-time.js';

export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Endpoints beyond this many addresses are truncated (maxCapacity). */
export const MAX_CAPACITY = 1000;

export interface EndpointsDeps {
  services: Informer;
  pods: Informer;
  endpoints: Informer;
  client: ResourceClient;
  triggers: TriggerTimeTracker;
}

const json = (v: unknown) => JSON.stringify(v ?? null);

/** Truncates to MAX_CAPACITY addresses, ready ones kept first; returns whether it cut. */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let total = 0;
  for (const s of subsets) total += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (total <= MAX_CAPACITY) return false;
  let room = MAX_CAPACITY;
  for (const s of subsets) {
    const take = Math.min(room, s.addresses?.length ?? 0);
    if (s.addresses) s.addresses = s.addresses.slice(0, take);
    room -= take;
  }
  for (const s of subsets) {
    const take = Math.min(room, s.notReadyAddresses?.length ?? 0);
    if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, take);
    room -= take;
  }
  return true;
}

export async function reconcileEndpoints(key: string, d: EndpointsDeps): Promise<void> {
  const { namespace, name } = splitKey(key);
  const svc = d.services.get(key);
  if (!svc) {
    d.triggers.forget(key);
    // The Endpoints go with their Service.
    if (d.endpoints.get(key)) {
      try {
        await d.client.delete(namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return;
  }
  const spec = (svc.spec ?? {}) as Record<string, unknown>;
  if (spec.type === 'ExternalName') return;
  const selector = serviceSelector(svc);
  if (!selector) return; // endpoints of selector-less services are the user's
  const pods = d.pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
  const { subsets } = computeSubsets(svc, pods);
  const { time: trigger, commit } = d.triggers.compute(key, svc, pods);

  const current = d.endpoints.get(key);
  const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  const truncated = truncateSubsets(subsets);
  if (current) {
    const ann = current.metadata?.annotations ?? {};
    const sameCapacity = truncated === (ann[OVER_CAPACITY_ANNOTATION] === 'truncated');
    if (json(current.subsets ?? []) === json(subsets) && json(current.metadata?.labels ?? {}) === json(labels) && sameCapacity) {
      commit();
      return;
    }
  }
  const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
  if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
  else delete annotations[TRIGGER_TIME_ANNOTATION];
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  const body: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { ...(current?.metadata ?? {}), name, namespace, labels, annotations },
    ...(subsets.length ? { subsets } : {}),
  };
  if (body.metadata && Object.keys(annotations).length === 0) delete body.metadata.annotations;
  if (current) {
    await d.client.update(body);
    commit();
    return;
  }
  try {
    await d.client.create(body);
    commit();
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    // Our cache has not seen it yet (a write of ours, or of a previous run): overwrite it.
    const existing = await d.client.get(namespace, name);
    if (json(existing.subsets ?? []) === json(subsets) && json(existing.metadata?.labels ?? {}) === json(labels)) {
      commit();
      return;
    }
    await d.client.update({ ...body, metadata: { ...existing.metadata, labels, annotations } });
    commit();
  }
}

// One sync of an Endpoints object's mirrored EndpointSlices (upstream syncEndpoints + reconcile):
// slices go when the Endpoints, its Service or the Service's selectorlessness goes; otherwise the
// desired groups are planned against the existing mirrored slices and written.

import type { KubeObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import type { Informer } from '../../client/informer.js';
import { isNotFound } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import { LABEL_MANAGED_BY, SLICE_SERVICE_INDEX } from '../endpointslice/labels.js';
import type { SliceTracker } from '../endpointslice/tracker.js';
import { isNamespaceTerminating } from '../serviceaccount/reconcile.js';
import { desiredFromEndpoints } from './desired.js';
import { planMirror } from './plan.js';
import { MIRROR_CONTROLLER_NAME, serviceWantsMirror, shouldMirror } from './rules.js';

export interface MirrorDeps {
  services: Informer;
  endpoints: Informer;
  /** Indexed by 'mirror-service' (namespace/service-name label). */
  slices: Informer;
  client: ResourceClient;
  tracker: SliceTracker;
  recorder: EventRecorder;
  maxEndpointsPerSubset: number;
}


/** The slices this controller mirrored for an Endpoints key, from the cache. */
export function mirroredSlices(slices: Informer, key: string): KubeObject[] {
  return slices.byIndex(SLICE_SERVICE_INDEX, key).filter((s) => s.metadata?.labels?.[LABEL_MANAGED_BY] === MIRROR_CONTROLLER_NAME);
}

async function deleteSlice(d: MirrorDeps, key: string, s: KubeObject): Promise<void> {
  try {
    await d.client.delete(s.metadata?.namespace, s.metadata?.name ?? '');
  } catch (e) {
    if (!isNotFound(e)) throw new Error(`failed to delete ${s.metadata?.name} EndpointSlice for Endpoints ${key}: ${e instanceof Error ? e.message : String(e)}`);
  }
  d.tracker.deleted(key, s.metadata?.name ?? '');
}

export async function reconcileMirroring(key: string, d: MirrorDeps): Promise<void> {
  const endpoints = d.endpoints.get(key);
  const existing = mirroredSlices(d.slices, key);
  if (!shouldMirror(endpoints) || !serviceWantsMirror(d.services.get(key))) {
    d.tracker.forget(key);
    for (const s of existing) await deleteSlice(d, key, s);
    return;
  }
  const ep = endpoints!;
  if (d.tracker.stale(key, existing)) throw new Error(`EndpointSlice informer cache is out of date for Endpoints ${key}`);
  const desired = desiredFromEndpoints(ep, d.maxEndpointsPerSubset);
  if (desired.invalid > 0) d.recorder.event(ep, 'Warning', 'InvalidIPAddress', `Skipped ${desired.invalid} invalid IP addresses when mirroring to EndpointSlices`);
  if (desired.skipped > desired.invalid) {
    d.recorder.event(ep, 'Warning', 'TooManyAddressesToMirror', `A max of ${d.maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${desired.skipped} addresses were skipped`);
  }
  const plan = planMirror(ep, desired.groups, existing);
  // No new slices for an Endpoints object on its way out.
  if (!ep.metadata?.deletionTimestamp) {
    for (const s of plan.create) {
      try {
        d.tracker.wrote(key, await d.client.create(s));
      } catch (e) {
        if (isNamespaceTerminating(e)) return;
        throw new Error(`failed to create EndpointSlice for Endpoints ${key}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  for (const s of plan.update) d.tracker.wrote(key, await d.client.update(s));
  for (const s of plan.delete) await deleteSlice(d, key, s);
}

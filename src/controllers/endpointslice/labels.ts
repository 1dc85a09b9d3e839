// The labels of a service's EndpointSlices (setEndpointSliceLabels): the service's own labels
// except reserved keys, the headless marker, and the service-name and managed-by labels.

import type { KubeObject } from '../../api/object.js';
import { isHeadless } from '../endpoints/pod-util.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

/** The informer index of slices by their service's key, shared by the slice and mirroring controllers. */
export const SLICE_SERVICE_INDEX = 'service';

/** A slice's service (or Endpoints) key: its namespace and service-name label. */
export function sliceServiceKey(s: KubeObject): string | undefined {
  const svc = s.metadata?.labels?.[LABEL_SERVICE_NAME];
  return svc ? `${s.metadata?.namespace ?? ''}/${svc}` : undefined;
}

/** Indexes slices by service; registering it again replaces the index, so both controllers may. */
export function indexSlicesByService(slices: { addIndexer(name: string, fn: (o: KubeObject) => string[]): void }): void {
  slices.addIndexer(SLICE_SERVICE_INDEX, (s) => {
    const k = sliceServiceKey(s);
    return k ? [k] : [];
  });
}

const reserved = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

/** The labels a slice of this service should carry, and whether the slice's copy of the service labels is out of date. */
export function sliceLabels(slice: KubeObject | undefined, svc: KubeObject): { labels: Record<string, string>; changed: boolean } {
  const mine: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata?.labels ?? {})) if (!reserved.has(k)) mine[k] = v;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!reserved.has(k)) labels[k] = v;
  const sorted = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort());
  const changed = sorted(mine) !== sorted(labels);
  if (isHeadless(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata?.name ?? '';
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return { labels, changed };
}

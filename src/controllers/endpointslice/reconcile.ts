// One sync of a Service's EndpointSlices (endpointslice controller syncService + reconciler):
// desired endpoints from the selected pods, grouped by port set, planned against the existing
// slices, then written.

import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isNotFound, splitKey } from '../../client/informer.js';
import type { ResourceClient } from '../../client/rest.js';
import { selectorMatches, serviceSelector, shouldPodBeInEndpoints } from '../endpoints/pod-util.js';
import type { TriggerTimeTracker } from '../endpoints/trigger-time.js';
import { TRIGGER_TIME_ANNOTATION } from '../endpoints/reconcile.js';
import { endpointKey, endpointPorts, podToEndpoint, portsKey } from './desired.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, sliceLabels, SLICE_SERVICE_INDEX } from './labels.js';
import { planSlices, type DesiredGroup, type PlannedSlice } from './plan.js';
import type { SliceTracker } from './tracker.js';

export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SliceDeps {
  services: Informer;
  pods: Informer;
  nodes: Informer;
  slices: Informer;
  client: ResourceClient;
  tracker: SliceTracker;
  triggers: TriggerTimeTracker;
  maxEndpointsPerSlice: number;
}

/** The slices of a service this controller manages, from the cache. */
export function managedSlices(slices: Informer, namespace: string, service: string): KubeObject[] {
  return slices.byIndex(SLICE_SERVICE_INDEX, `${namespace}/${service}`).filter((s) => s.metadata?.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME && !s.metadata?.deletionTimestamp);
}

/** Slice name prefix: the service name and a dash, shortened to leave room for the suffix. */
export function slicePrefix(service: string): string {
  const prefix = `${service}-`;
  return prefix.length > 58 ? prefix.slice(0, 58) : prefix;
}

export async function reconcileSlices(key: string, d: SliceDeps): Promise<void> {
  const { namespace = '', name } = splitKey(key);
  const svc = d.services.get(key);
  if (!svc) {
    // The garbage collector removes slices through their ownerReference.
    d.triggers.forget(key);
    d.tracker.forget(key);
    return;
  }
  const selector = serviceSelector(svc);
  if (!selector || ((svc.spec ?? {}) as Record<string, unknown>).type === 'ExternalName') return;
  const existingAll = managedSlices(d.slices, namespace, name);
  if (d.tracker.stale(key, existingAll)) throw new Error(`EndpointSlice informer cache is out of date for service ${key}`);

  const pods = d.pods.list(namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
  const publishNotReady = ((svc.spec ?? {}) as Record<string, unknown>).publishNotReadyAddresses === true;
  const desired = new Map<string, DesiredGroup>();
  const missingNodes: string[] = [];
  for (const pod of [...pods].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const nodeName = ((pod.spec ?? {}) as Record<string, unknown>).nodeName as string | undefined;
    const node = nodeName ? d.nodes.get(nodeName) : undefined;
    // A pod on a node we do not know is left out (and the service retried), unless not-ready
    // addresses are published anyway.
    if (!node && !publishNotReady) {
      missingNodes.push(pod.metadata?.name ?? '');
      continue;
    }
    const ep = podToEndpoint(pod, node, svc, 'IPv4');
    if (ep.addresses.length === 0) continue;
    const ports = endpointPorts(svc, pod);
    const pk = portsKey(ports);
    let g = desired.get(pk);
    if (!g) desired.set(pk, (g = { ports, endpoints: new Map() }));
    g.endpoints.set(endpointKey(ep), ep);
  }

  // Slices of another address type, or left from an older service of the same name, go.
  const uid = svc.metadata?.uid;
  const owned = (s: KubeObject) => (s.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Service' && r.uid === uid);
  const stray = existingAll.filter((s) => s.addressType !== 'IPv4' || !owned(s));
  const existing = existingAll.filter((s) => !stray.includes(s));
  const plan = planSlices(desired, existing, d.maxEndpointsPerSlice, (s) => sliceLabels(s, svc).changed);
  plan.delete.push(...stray);

  const { time: trigger, commit } = d.triggers.compute(key, svc, pods);
  const build = (p: PlannedSlice): KubeObject => {
    const base = p.existing;
    const annotations: Record<string, string> = { ...(base?.metadata?.annotations ?? {}) };
    if (trigger) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
    else delete annotations[TRIGGER_TIME_ANNOTATION];
    const meta = base
      ? { ...base.metadata }
      : { generateName: slicePrefix(name), namespace, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: uid ?? '', controller: true, blockOwnerDeletion: true }] };
    meta.labels = sliceLabels(base, svc).labels;
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
    return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: 'IPv4', endpoints: p.endpoints, ports: p.ports };
  };
  for (const s of plan.delete) {
    try {
      await d.client.delete(namespace, s.metadata?.name ?? '', { preconditions: { uid: s.metadata?.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    d.tracker.deleted(key, s.metadata?.name ?? '');
  }
  for (const p of plan.update) d.tracker.wrote(key, await d.client.update(build(p)));
  for (const p of plan.create) d.tracker.wrote(key, await d.client.create(build(p)));
  commit();
  if (missingNodes.length) throw new Error(`skipping pods ${missingNodes.join(', ')} for service ${key}: node not found`);
}

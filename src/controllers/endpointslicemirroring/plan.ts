// Plans the EndpointSlice writes that mirror one Endpoints object (upstream reconciler's
// reconcileByPortMapping, finalize's recycling, newEndpointSlice): each desired group keeps one
// slice, rewritten when its endpoints, labels or annotations differ; surplus slices and slices of
// groups no longer desired are deleted; a create and a delete of one address type become an update.

import { LAST_APPLIED_ANNOTATION } from '../../api/apply/field-manager.js';
import type { KubeObject } from '../../api/object.js';
import { TRIGGER_TIME_ANNOTATION } from '../endpoints/reconcile.js';
import { endpointKey, type SlicePort } from '../endpointslice/desired.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from '../endpointslice/labels.js';
import { slicePrefix } from '../endpointslice/reconcile.js';
import { groupKey, type MirrorGroup, type MirroredEndpoint } from './desired.js';
import { MIRROR_CONTROLLER_NAME } from './rules.js';


export interface MirrorPlan {
  create: KubeObject[];
  update: KubeObject[];
  delete: KubeObject[];
}

type Obj = Record<string, unknown>;
type StrMap = Record<string, string>;

const without = (m: StrMap | undefined, ...keys: string[]): StrMap => {
  const out: StrMap = { ...(m ?? {}) };
  for (const k of keys) delete out[k];
  return out;
};
/** Map equality where absent and empty are the same (apimachinery's semantic equality). */
const sameMap = (a: StrMap, b: StrMap): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
};
const sorted = (o: unknown): unknown => (o && typeof o === 'object' ? Object.fromEntries(Object.entries(o as Obj).sort(([a], [b]) => a.localeCompare(b))) : o ?? null);

/** The annotations a mirrored slice carries: the Endpoints' own, bar the trigger time and kubectl's last-applied copy. */
export function mirroredAnnotations(endpoints: KubeObject): StrMap {
  return without(endpoints.metadata?.annotations, TRIGGER_TIME_ANNOTATION, LAST_APPLIED_ANNOTATION);
}

/** The labels a mirrored slice carries: the Endpoints' own, then the service name and managed-by. */
export function mirroredLabels(endpoints: KubeObject): StrMap {
  return { ...(endpoints.metadata?.labels ?? {}), [LABEL_SERVICE_NAME]: endpoints.metadata?.name ?? '', [LABEL_MANAGED_BY]: MIRROR_CONTROLLER_NAME };
}

/** Endpoints equal beyond their identity (EndpointsEqualBeyondHash): conditions, node, zone, hints, targetRef. */
export function sameMirroredEndpoint(a: MirroredEndpoint, b: MirroredEndpoint): boolean {
  const norm = (e: MirroredEndpoint & Obj) => {
    const c = (e.conditions ?? {}) as Obj;
    return JSON.stringify([c.ready ?? null, c.serving ?? null, c.terminating ?? null, e.nodeName ?? null, e.zone ?? null, e.hints ?? null, sorted(e.targetRef)]);
  };
  return norm(a as MirroredEndpoint & Obj) === norm(b as MirroredEndpoint & Obj);
}

/** Whether a slice already holds exactly the group's endpoints (totalChanges is all zero). */
export function sliceMatches(slice: KubeObject, group: MirrorGroup): boolean {
  const have = Array.isArray(slice.endpoints) ? (slice.endpoints as MirroredEndpoint[]) : [];
  if (have.length !== group.endpoints.size) return false;
  const seen = new Set<string>();
  for (const ep of have) {
    const k = endpointKey(ep);
    const want = group.endpoints.get(k);
    if (!want || seen.has(k) || !sameMirroredEndpoint(want, ep)) return false;
    seen.add(k);
  }
  return true;
}

/** A mirrored slice for a group; `existing` given means a rewrite of that slice. */
export function mirroredSlice(endpoints: KubeObject, group: MirrorGroup, existing?: KubeObject): KubeObject {
  const name = endpoints.metadata?.name ?? '';
  const meta: NonNullable<KubeObject['metadata']> = {
    namespace: endpoints.metadata?.namespace,
    labels: mirroredLabels(endpoints),
    annotations: mirroredAnnotations(endpoints),
    ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: endpoints.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
  };
  if (existing) {
    meta.name = existing.metadata?.name;
    meta.resourceVersion = existing.metadata?.resourceVersion;
  } else meta.generateName = slicePrefix(name);
  if (Object.keys(meta.annotations ?? {}).length === 0) delete meta.annotations;
  const ports: SlicePort[] = group.ports.map((p) => ({ ...p }));
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: group.addressType, endpoints: [...group.endpoints.values()], ports };
}

/**
 * Plans the writes mirroring `endpoints` (groups from desiredFromEndpoints) over the existing
 * mirrored slices. A group is one subset's addresses of one family, capped per subset, so it
 * always fits one slice.
 */
export function planMirror(endpoints: KubeObject, groups: Map<string, MirrorGroup>, existing: KubeObject[]): MirrorPlan {
  const plan: MirrorPlan = { create: [], update: [], delete: [] };
  const byKey = new Map<string, KubeObject[]>();
  const sortedExisting = [...existing].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const s of sortedExisting) {
    const k = groupKey(String(s.addressType ?? ''), Array.isArray(s.ports) ? (s.ports as SlicePort[]) : []);
    byKey.set(k, [...(byKey.get(k) ?? []), s]);
  }
  const wantAnnotations = mirroredAnnotations(endpoints);
  const wantLabels = endpoints.metadata?.labels ?? {};
  for (const [k, group] of groups) {
    if (group.endpoints.size === 0) continue;
    const [keep, ...surplus] = byKey.get(k) ?? [];
    plan.delete.push(...surplus);
    if (keep) {
      const upToDate = sliceMatches(keep, group) && sameMap(wantLabels, without(keep.metadata?.labels, LABEL_MANAGED_BY, LABEL_SERVICE_NAME)) && sameMap(wantAnnotations, keep.metadata?.annotations ?? {});
      if (!upToDate) plan.update.push(mirroredSlice(endpoints, group, keep));
    } else plan.create.push(mirroredSlice(endpoints, group));
  }
  for (const [k, slices] of byKey) if (!groups.get(k)?.endpoints.size) plan.delete.push(...slices);
  // Rather than delete one slice and create another of the same address type, rewrite the first.
  for (const created of [...plan.create]) {
    const i = plan.delete.findIndex((d) => d.addressType === created.addressType);
    if (i < 0) continue;
    const [recycled] = plan.delete.splice(i, 1);
    plan.create.splice(plan.create.indexOf(created), 1);
    const meta = { ...created.metadata, name: recycled!.metadata?.name, resourceVersion: recycled!.metadata?.resourceVersion };
    delete meta.generateName;
    plan.update.push({ ...created, metadata: meta });
  }
  return plan;
}

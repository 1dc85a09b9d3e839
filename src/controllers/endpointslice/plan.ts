// Plans the EndpointSlice writes for one service and address type (the staging endpointslice
// reconciler's reconcileByPortMapping and finalize): keep slices whose endpoints are still
// wanted, update those that changed, fill the remaining endpoints into slices with room or new
// slices of at most `max` endpoints, delete what is left empty, and recycle deletions as updates.

import type { KubeObject } from '../../api/object.js';
import { endpointKey, portsKey, type SliceEndpoint, type SlicePort } from './desired.js';

export interface DesiredGroup {
  ports: SlicePort[];
  /** By endpointKey. */
  endpoints: Map<string, SliceEndpoint>;
}

/** A slice to write: `existing` set means update that slice, unset means create one. */
export interface PlannedSlice {
  existing?: KubeObject;
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export interface SlicePlan {
  create: PlannedSlice[];
  update: PlannedSlice[];
  delete: KubeObject[];
  /** Slices left as they are. */
  unchanged: KubeObject[];
}

const slicePorts = (s: KubeObject): SlicePort[] => (Array.isArray(s.ports) ? (s.ports as SlicePort[]) : []);
const sliceEndpoints = (s: KubeObject): SliceEndpoint[] => (Array.isArray(s.endpoints) ? (s.endpoints as SliceEndpoint[]) : []);

/** Endpoints equal in every field we set (EndpointsEqualBeyondHash). */
function sameEndpoint(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const norm = (e: SliceEndpoint) =>
    JSON.stringify([
      [...e.addresses].sort(),
      e.conditions?.ready ?? null,
      e.conditions?.serving ?? null,
      e.conditions?.terminating ?? null,
      e.hostname ?? null,
      e.nodeName ?? null,
      e.zone ?? null,
      e.targetRef?.kind ?? null,
      e.targetRef?.namespace ?? null,
      e.targetRef?.name ?? null,
      e.targetRef?.uid ?? null,
    ]);
  return norm(a) === norm(b);
}

/**
 * Plans the writes. `labelsChanged(slice)` says whether a slice's labels are stale (then it is
 * updated even if its endpoints are right). A service with no endpoints keeps one empty
 * placeholder slice.
 */
export function planSlices(desired: Map<string, DesiredGroup>, existing: KubeObject[], max: number, labelsChanged: (s: KubeObject) => boolean): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], unchanged: [] };
  const existingByPorts = new Map<string, KubeObject[]>();
  for (const s of existing) {
    const k = portsKey(slicePorts(s));
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const keys = new Set([...desired.keys(), ...existingByPorts.keys()]);
  for (const k of keys) {
    const group = desired.get(k);
    const wanted = new Map(group?.endpoints ?? []);
    const toUpdate: PlannedSlice[] = [];
    let unchanged: KubeObject[] = [];
    // 1. Keep the wanted endpoints of existing slices, refreshed.
    for (const s of existingByPorts.get(k) ?? []) {
      const kept: SliceEndpoint[] = [];
      let updated = false;
      for (const ep of sliceEndpoints(s)) {
        const key = endpointKey(ep);
        const got = wanted.get(key);
        if (!got) continue;
        kept.push(got);
        if (!sameEndpoint(got, ep)) updated = true;
        wanted.delete(key);
      }
      if (kept.length === 0) plan.delete.push(s);
      else if (updated || kept.length !== sliceEndpoints(s).length || labelsChanged(s)) toUpdate.push({ existing: s, ports: slicePorts(s), endpoints: kept });
      else unchanged.push(s);
    }
    const rest = [...wanted.values()];
    // 2. Fill slices already being updated, fullest first.
    toUpdate.sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of toUpdate) while (rest.length && s.endpoints.length < max) s.endpoints.push(rest.shift()!);
    // 3. The rest goes into an untouched slice it fits in entirely, else into new slices.
    const created: PlannedSlice[] = [];
    while (rest.length) {
      let fill: PlannedSlice | undefined;
      if (rest.length < max) {
        const fits = unchanged.filter((s) => sliceEndpoints(s).length + rest.length <= max).sort((a, b) => sliceEndpoints(b).length - sliceEndpoints(a).length)[0];
        if (fits) {
          unchanged = unchanged.filter((s) => s !== fits);
          fill = { existing: fits, ports: slicePorts(fits), endpoints: [...sliceEndpoints(fits)] };
        }
      }
      fill ??= { ports: group?.ports ?? [], endpoints: [] };
      while (rest.length && fill.endpoints.length < max) fill.endpoints.push(rest.shift()!);
      (fill.existing ? toUpdate : created).push(fill);
    }
    plan.update.push(...toUpdate);
    plan.create.push(...created);
    plan.unchanged.push(...unchanged);
  }
  // A service with nothing to publish still gets one empty placeholder slice.
  if (existing.length === plan.delete.length && plan.create.length === 0) {
    const only = plan.delete.length === 1 ? plan.delete[0]! : undefined;
    if (only && sliceEndpoints(only).length === 0 && slicePorts(only).length === 0 && !labelsChanged(only)) {
      plan.delete = [];
      plan.unchanged.push(only);
    } else plan.create.push({ ports: [], endpoints: [] });
  }
  // Rather than delete one slice and create another, rewrite the one being deleted.
  while (plan.create.length && plan.delete.length) {
    const c = plan.create.pop()!;
    c.existing = plan.delete.shift()!;
    plan.update.push(c);
  }
  return plan;
}

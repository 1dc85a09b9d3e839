// LimitRanger admission (upstream plugin/pkg/admission/limitranger): pods created in a namespace
// with LimitRanges get the Container defaults (default limits, defaultRequest) and an annotation
// saying what was set; then pods (Container and Pod items) and PersistentVolumeClaims
// (PersistentVolumeClaim items) are held to min, max and maxLimitRequestRatio, with upstream's
// 403 messages. Pods are only checked on create: their containers' resources are immutable.

import { errors, type StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { addQuantity, compareQuantity, formatQuantity, integerValue, milliValue, parseQuantity, type Quantity } from '../../api/validation/quantity.js';
import type { AdmissionAttributes, AdmissionPlugin, ServerContext } from '../context.js';
import { watchedCache } from './watched-cache.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type ResourceList = Record<string, string>;

interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

interface Container {
  name?: string;
  restartPolicy?: string;
  resources?: { limits?: ResourceList; requests?: ResourceList };
}

/** Parsed resource lists: what the checks compare. Unparseable values are left to validation. */
type Quantities = Map<string, Quantity>;

function itemsOf(limitRange: KubeObject): LimitRangeItem[] {
  const spec = limitRange.spec as { limits?: unknown } | undefined;
  return Array.isArray(spec?.limits) ? (spec.limits as LimitRangeItem[]) : [];
}

function podContainers(pod: KubeObject): { containers: Container[]; initContainers: Container[] } {
  const spec = (pod.spec ?? {}) as { containers?: unknown; initContainers?: unknown };
  return {
    containers: Array.isArray(spec.containers) ? (spec.containers as Container[]) : [],
    initContainers: Array.isArray(spec.initContainers) ? (spec.initContainers as Container[]) : [],
  };
}

function quantities(list: ResourceList | undefined): Quantities {
  const out: Quantities = new Map();
  for (const [k, v] of Object.entries(list ?? {})) {
    const r = parseQuantity(v);
    if (r.ok) out.set(k, r.quantity);
  }
  return out;
}

function str(q: Quantity): string {
  return formatQuantity(q);
}

/**
 * Sets the LimitRange's Container defaults on every container (and init container) that lacks
 * them, and records what was set in the kubernetes.io/limit-ranger annotation.
 */
export function applyContainerDefaults(limitRange: KubeObject, pod: KubeObject): void {
  const defaultLimits: ResourceList = {};
  const defaultRequests: ResourceList = {};
  for (const item of itemsOf(limitRange)) {
    if (item.type !== 'Container') continue;
    Object.assign(defaultRequests, item.defaultRequest ?? {});
    Object.assign(defaultLimits, item.default ?? {});
  }
  const notes: string[] = [];
  const merge = (c: Container, what: string) => {
    const setLimits: string[] = [];
    const setRequests: string[] = [];
    for (const [k, v] of Object.entries(defaultLimits)) {
      const res = (c.resources ??= {});
      if (res.limits?.[k] !== undefined) continue;
      (res.limits ??= {})[k] = v;
      setLimits.push(k);
    }
    for (const [k, v] of Object.entries(defaultRequests)) {
      const res = (c.resources ??= {});
      if (res.requests?.[k] !== undefined) continue;
      (res.requests ??= {})[k] = v;
      setRequests.push(k);
    }
    if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${what} ${c.name ?? ''}`);
    if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${what} ${c.name ?? ''}`);
  };
  const { containers, initContainers } = podContainers(pod);
  for (const c of containers) merge(c, 'container');
  for (const c of initContainers) merge(c, 'init container');
  if (notes.length) {
    const meta = (pod.metadata ??= {});
    meta.annotations = { ...(meta.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
  }
}

/** Request, limit and enforced value at a common precision: milli-units unless that would overflow int64. */
const MAX_MILLI_VALUE = 9223372036854775807n / 1000n;

function comparable(req: Quantity | undefined, lim: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const zero = 0n;
  const r = req ? integerValue(req) : zero;
  const l = lim ? integerValue(lim) : zero;
  const e = integerValue(enforced);
  if (r <= MAX_MILLI_VALUE && l <= MAX_MILLI_VALUE && e <= MAX_MILLI_VALUE) {
    return [req ? milliValue(req) : zero, lim ? milliValue(lim) : zero, milliValue(enforced)];
  }
  return [r, l, e];
}

function minConstraint(type: string, name: string, enforced: Quantity, requests: Quantities, limits: Quantities): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = comparable(req, lim, enforced);
  if (!req) return `minimum ${name} usage per ${type} is ${str(enforced)}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(req)}`;
  if (lim && l < e) return `minimum ${name} usage per ${type} is ${str(enforced)}, but limit is ${str(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: Quantities, limits: Quantities): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = comparable(req, lim, enforced);
  if (!lim) return `maximum ${name} usage per ${type} is ${str(enforced)}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${type} is ${str(enforced)}, but limit is ${str(lim)}`;
  if (req && r > e) return `maximum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(req)}`;
  return undefined;
}

/** PVCs: only requests count, so max is held against the request. */
function maxRequestConstraint(type: string, name: string, enforced: Quantity, requests: Quantities): string | undefined {
  const req = requests.get(name);
  const [r, , e] = comparable(req, undefined, enforced);
  if (!req) return `maximum ${name} usage per ${type} is ${str(enforced)}.  No request is specified`;
  if (r > e) return `maximum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(req)}`;
  return undefined;
}

/** Go's %f: six decimals. */
function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  return f.toFixed(6);
}

function ratioConstraint(type: string, name: string, enforced: Quantity, requests: Quantities, limits: Quantities): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l] = comparable(req, lim, enforced);
  if (!req || r === 0n) return `${name} max limit to request ratio per ${type} is ${str(enforced)}, but no request is specified or request is 0`;
  if (!lim || l === 0n) return `${name} max limit to request ratio per ${type} is ${str(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  const ev = integerValue(enforced);
  const [cmpObserved, cmpMax] = ev <= MAX_MILLI_VALUE ? [observed * 1000, Number(milliValue(enforced))] : [observed, Number(ev)];
  if (cmpObserved > cmpMax) return `${name} max limit to request ratio per ${type} is ${str(enforced)}, but provided ratio is ${goFloat(observed)}`;
  return undefined;
}

function checkItem(item: LimitRangeItem, type: string, requests: Quantities, limits: Quantities, out: string[]): void {
  const push = (m: string | undefined) => m && out.push(m);
  for (const [k, q] of quantities(item.min)) push(minConstraint(type, k, q, requests, limits));
  for (const [k, q] of quantities(item.max)) push(maxConstraint(type, k, q, requests, limits));
  for (const [k, q] of quantities(item.maxLimitRequestRatio)) push(ratioConstraint(type, k, q, requests, limits));
}

function addInto(list: Quantities, add: Quantities): void {
  for (const [k, q] of add) {
    const cur = list.get(k);
    list.set(k, cur ? addQuantity(cur, q) : q);
  }
}

function maxInto(list: Quantities, other: Quantities): void {
  for (const [k, q] of other) {
    const cur = list.get(k);
    if (!cur || compareQuantity(q, cur) > 0) list.set(k, q);
  }
}

/**
 * What the pod asks for as a whole: its containers summed, sidecars (restartable init containers)
 * added, and each other init container counted with the sidecars started before it, the largest
 * of those winning over the sum where it is bigger.
 */
export function podTotals(pod: KubeObject, which: 'requests' | 'limits'): Quantities {
  const { containers, initContainers } = podContainers(pod);
  const total: Quantities = new Map();
  for (const c of containers) addInto(total, quantities(c.resources?.[which]));
  const sidecars: Quantities = new Map();
  const initMax: Quantities = new Map();
  for (const c of initContainers) {
    const own = quantities(c.resources?.[which]);
    if (c.restartPolicy === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars: Quantities = new Map();
      addInto(withSidecars, own);
      addInto(withSidecars, sidecars);
      maxInto(initMax, withSidecars);
    }
  }
  maxInto(total, initMax);
  return total;
}

/** The ways a pod breaks one LimitRange's Container and Pod items, in upstream's words. */
export function podViolations(limitRange: KubeObject, pod: KubeObject): string[] {
  const out: string[] = [];
  const { containers, initContainers } = podContainers(pod);
  for (const item of itemsOf(limitRange)) {
    if (item.type === 'Container') {
      for (const c of [...containers, ...initContainers]) checkItem(item, 'Container', quantities(c.resources?.requests), quantities(c.resources?.limits), out);
    } else if (item.type === 'Pod') {
      checkItem(item, 'Pod', podTotals(pod, 'requests'), podTotals(pod, 'limits'), out);
    }
  }
  return out;
}

/** The ways a claim breaks one LimitRange's PersistentVolumeClaim items: min and max of its requests. */
export function claimViolations(limitRange: KubeObject, pvc: KubeObject): string[] {
  const out: string[] = [];
  const requests = quantities(((pvc.spec ?? {}) as { resources?: { requests?: ResourceList } }).resources?.requests);
  for (const item of itemsOf(limitRange)) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, q] of quantities(item.min)) {
      const m = minConstraint('PersistentVolumeClaim', k, q, requests, new Map());
      if (m) out.push(m);
    }
    for (const [k, q] of quantities(item.max)) {
      const m = maxRequestConstraint('PersistentVolumeClaim', k, q, requests);
      if (m) out.push(m);
    }
  }
  return out;
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several deduplicated in brackets. */
export function aggregateMessage(msgs: string[]): string {
  if (msgs.length === 1) return msgs[0];
  const seen = [...new Set(msgs)];
  return seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`;
}

type Kind = 'pod' | 'pvc';

function kindOf(a: AdmissionAttributes): Kind | undefined {
  if (a.subresource || !a.object || a.type.group !== '') return undefined;
  if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return undefined;
  // A pod's containers cannot change after create, so upstream leaves pod updates alone.
  if (a.type.resource === 'pods') return a.operation === 'CREATE' ? 'pod' : undefined;
  if (a.type.resource === 'persistentvolumeclaims') return 'pvc';
  return undefined;
}

/** Upstream's liveTTL: how long a live lookup that found no LimitRange is trusted. */
const LIVE_LOOKUP_TTL_MS = 30_000;
const liveLookups = new WeakMap<ServerContext, Map<string, { items: KubeObject[]; expiry: number }>>();

/** Upstream's GetLimitRanges: the lister first; when it holds none, a live lookup remembered for 30 s. */
async function limitRangesFor(a: AdmissionAttributes, server: ServerContext): Promise<KubeObject[] | undefined> {
  // Objects on their way out are not held to limits.
  if (a.oldObject?.metadata?.deletionTimestamp) return undefined;
  const cached = await watchedCache(server, '', 'limitranges').list(a.namespace);
  if (cached.length) return cached;
  let live = liveLookups.get(server);
  if (!live) liveLookups.set(server, (live = new Map()));
  const now = Date.now();
  let entry = live.get(a.namespace);
  if (!entry || entry.expiry < now) {
    const page = await server.objectsOf('', 'limitranges').list({ namespace: a.namespace });
    live.set(a.namespace, (entry = { items: page.items, expiry: now + LIVE_LOOKUP_TTL_MS }));
  }
  return entry.items.length ? entry.items : undefined;
}

function forbidden(a: AdmissionAttributes, msgs: string[]): StatusError {
  const meta = a.object?.metadata;
  const name = meta?.name || meta?.generateName || a.name || 'Unknown';
  return errors.forbidden({ group: a.type.group, resource: a.type.resource }, name, aggregateMessage(msgs));
}

export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  async admit(a, server) {
    if (kindOf(a) !== 'pod') return;
    const ranges = await limitRangesFor(a, server);
    for (const lr of ranges ?? []) applyContainerDefaults(lr, a.object!);
  },
  async validate(a, server) {
    const kind = kindOf(a);
    if (!kind) return;
    const ranges = await limitRangesFor(a, server);
    // Upstream stops at the first LimitRange the object breaks.
    for (const lr of ranges ?? []) {
      const msgs = kind === 'pod' ? podViolations(lr, a.object!) : claimViolations(lr, a.object!);
      if (msgs.length) throw forbidden(a, msgs);
    }
  },
};

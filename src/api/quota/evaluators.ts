// Quota evaluators (upstream pkg/quota/v1/evaluator/core and generic/): for one resource, which of
// a quota's names it counts, what one object costs, which writes can change that, and whether an
// object falls in a quota's scopes. Pods, services and claims have their own; every other resource
// is an object count, "count/<resource>[.<group>]", with the legacy bare names kept for a few.

import type { KubeObject } from '../object.js';
import { compareQuantity } from '../validation/quantity.js';
import { parseResourceList, qty, type ResourceList } from './resource-list.js';
import { podConstraintError, podMatchesScope, podUsage, type ScopeRequirement } from './pod-usage.js';

export interface Evaluator {
  group: string;
  resource: string;
  /** The names of a quota's hard list that this evaluator counts. */
  matchingResources(names: string[]): string[];
  /** Whether an admission operation can change usage (create; updates for some). */
  handles(operation: string, subresource: string): boolean;
  matchesScope(req: ScopeRequirement, obj: KubeObject): boolean;
  usage(obj: KubeObject, now: number): ResourceList;
  /** An error message when the object cannot be admitted under quotas on `required`. */
  constraints(required: string[], obj: KubeObject): string | undefined;
}

/** generic.ObjectCountQuotaResourceNameFor. */
export function countResourceName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** The resource a "count/..." name stands for: the first dot splits resource from group. */
export function parseCountResourceName(name: string): { group: string; resource: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

const noScope = () => false;
const one = () => qty(1);

/** Core resources whose count also answers to the bare name (legacyObjectCountAliases). */
const LEGACY_ALIASES: Record<string, string> = {
  configmaps: 'configmaps',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
  secrets: 'secrets',
};

export function objectCountEvaluator(group: string, resource: string): Evaluator {
  const names = [countResourceName(group, resource)];
  const alias = group === '' ? LEGACY_ALIASES[resource] : undefined;
  if (alias) names.push(alias);
  return {
    group,
    resource,
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    handles: (op, sub) => op === 'CREATE' && sub === '',
    matchesScope: noScope,
    usage: () => Object.fromEntries(names.map((n) => [n, one()])),
    constraints: () => undefined,
  };
}

const POD_RESOURCES = new Set([
  'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods',
]);

function isPodExtendedQuotaName(n: string): boolean {
  if (n.startsWith('hugepages-') || n.startsWith('requests.hugepages-')) return true;
  return n.startsWith('requests.') && n.includes('/') && !n.includes('kubernetes.io/');
}

export const podEvaluator: Evaluator = {
  group: '',
  resource: 'pods',
  matchingResources: (input) => input.filter((n) => POD_RESOURCES.has(n) || isPodExtendedQuotaName(n)),
  // Containers' resources cannot change after create (no in-place resize in v1.32 by default).
  handles: (op, sub) => op === 'CREATE' && sub === '',
  matchesScope: podMatchesScope,
  usage: podUsage,
  constraints: podConstraintError,
};

const SERVICE_RESOURCES = ['count/services', 'services', 'services.nodeports', 'services.loadbalancers'];

interface ServiceSpec {
  type?: string;
  ports?: { nodePort?: number }[];
  allocateLoadBalancerNodePorts?: boolean;
}

export const serviceEvaluator: Evaluator = {
  group: '',
  resource: 'services',
  matchingResources: (input) => input.filter((n) => SERVICE_RESOURCES.includes(n)),
  handles: (op, sub) => (op === 'CREATE' || op === 'UPDATE') && sub === '',
  matchesScope: noScope,
  usage(svc) {
    const spec = (svc.spec ?? {}) as ServiceSpec;
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    const out: ResourceList = { 'count/services': one(), services: one(), 'services.loadbalancers': qty(0), 'services.nodeports': qty(0) };
    if (spec.type === 'NodePort') out['services.nodeports'] = qty(ports.length);
    if (spec.type === 'LoadBalancer') {
      // Without allocated node ports a load balancer only costs the ports that name one.
      const n = spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
      out['services.nodeports'] = qty(n);
      out['services.loadbalancers'] = one();
    }
    return out;
  },
  constraints: () => undefined,
};

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';
const PVC_RESOURCES = ['count/persistentvolumeclaims', 'persistentvolumeclaims', 'requests.storage'];

function storageClassOf(pvc: KubeObject): string {
  const cls = (pvc.spec as { storageClassName?: string } | undefined)?.storageClassName;
  return cls ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

export const pvcEvaluator: Evaluator = {
  group: '',
  resource: 'persistentvolumeclaims',
  matchingResources: (input) =>
    input.filter((n) => PVC_RESOURCES.includes(n) || (n.includes(STORAGE_CLASS_SUFFIX) && (n.endsWith('/requests.storage') || n.endsWith('/persistentvolumeclaims')))),
  handles: (op, sub) => (op === 'CREATE' || op === 'UPDATE') && sub === '',
  matchesScope: noScope,
  usage(pvc) {
    const out: ResourceList = { 'count/persistentvolumeclaims': one(), persistentvolumeclaims: one() };
    const cls = storageClassOf(pvc);
    if (cls) out[`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`] = one();
    let storage = parseResourceList((pvc.spec as { resources?: { requests?: unknown } } | undefined)?.resources?.requests).storage;
    const allocated = parseResourceList((pvc.status as { allocatedResources?: unknown } | undefined)?.allocatedResources).storage;
    // An expansion in progress is charged at the larger of what is asked and what is allocated.
    if (allocated && (!storage || compareQuantity(allocated, storage) > 0)) storage = allocated;
    if (storage) {
      out['requests.storage'] = storage;
      if (cls) out[`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`] = storage;
    }
    return out;
  },
  constraints: () => undefined,
};

const SPECIAL: Evaluator[] = [podEvaluator, serviceEvaluator, pvcEvaluator];

/** The evaluator for a resource: its own, or an object count. */
export function evaluatorFor(group: string, resource: string): Evaluator {
  return SPECIAL.find((e) => e.group === group && e.resource === resource) ?? objectCountEvaluator(group, resource);
}

/**
 * The evaluators a quota's hard names call for, each with the names it counts: the special ones
 * and the legacy aliases always, any other resource through its "count/..." name.
 */
export function evaluatorsForNames(names: string[]): { evaluator: Evaluator; names: string[] }[] {
  const out: { evaluator: Evaluator; names: string[] }[] = [];
  const seen = new Set<string>();
  const consider = (ev: Evaluator) => {
    const key = `${ev.group}/${ev.resource}`;
    if (seen.has(key)) return;
    seen.add(key);
    const matched = ev.matchingResources(names);
    if (matched.length) out.push({ evaluator: ev, names: matched });
  };
  for (const ev of SPECIAL) consider(ev);
  for (const r of Object.keys(LEGACY_ALIASES)) consider(objectCountEvaluator('', r));
  for (const n of names) {
    const gr = parseCountResourceName(n);
    if (gr) consider(evaluatorFor(gr.group, gr.resource));
  }
  return out;
}

// ResourceQuota semantics shared by the quota controller and the ResourceQuota admission plugin:
// which objects a quota's scopes admit, what a namespace uses (quota.CalculateUsage), the status
// the controller writes, and the admission check with upstream's 403 messages.

import type { KubeObject } from '../object.js';
import { evaluatorsForNames, type Evaluator } from './evaluators.js';
import type { ScopeRequirement } from './pod-usage.js';
import {
  add, equals, formatResourceList, isZero, lessThanOrEqual, mask, negativeNames, parseResourceList, prettyPrint,
  subtractNonNegative, ZERO, type ResourceList,
} from './resource-list.js';

interface QuotaSpec {
  hard?: unknown;
  scopes?: string[];
  scopeSelector?: { matchExpressions?: ScopeRequirement[] };
}

function specOf(q: KubeObject): QuotaSpec {
  return (q.spec ?? {}) as QuotaSpec;
}

export function statusHard(q: KubeObject): ResourceList {
  return parseResourceList((q.status as { hard?: unknown } | undefined)?.hard);
}

export function statusUsed(q: KubeObject): ResourceList {
  return parseResourceList((q.status as { used?: unknown } | undefined)?.used);
}

/** spec.scopes as Exists requirements, then spec.scopeSelector's expressions. */
export function scopeRequirements(q: KubeObject): ScopeRequirement[] {
  const spec = specOf(q);
  const out: ScopeRequirement[] = (Array.isArray(spec.scopes) ? spec.scopes : []).map((s) => ({ scopeName: s, operator: 'Exists' }));
  const exprs = spec.scopeSelector?.matchExpressions;
  if (Array.isArray(exprs)) out.push(...exprs);
  return out;
}

/** generic.Matches: the quota's status.hard names something the evaluator counts and every scope admits obj. */
export function quotaMatches(ev: Evaluator, q: KubeObject, obj: KubeObject): boolean {
  if (!ev.matchingResources(Object.keys(statusHard(q))).length) return false;
  return scopeRequirements(q).every((r) => ev.matchesScope(r, obj));
}

/** Lists a resource's objects in the quota's namespace; undefined when they cannot be listed now. */
export type ListObjects = (group: string, resource: string) => KubeObject[] | undefined;

/**
 * The usage of every name in `hard` that some evaluator counts (zero when nothing is charged).
 * Names whose objects cannot be listed are left out, so the previous observation stands.
 */
export function calculateUsage(q: KubeObject, hard: ResourceList, listObjects: ListObjects, now: number): ResourceList {
  const scopes = scopeRequirements(q);
  let used: ResourceList = {};
  for (const { evaluator, names } of evaluatorsForNames(Object.keys(hard))) {
    const objects = listObjects(evaluator.group, evaluator.resource);
    if (!objects) continue;
    let u: ResourceList = Object.fromEntries(names.map((n) => [n, ZERO]));
    for (const o of objects) {
      if (!scopes.every((r) => evaluator.matchesScope(r, o))) continue;
      u = add(u, mask(evaluator.usage(o, now), names));
    }
    used = { ...used, ...u };
  }
  return used;
}

export interface QuotaStatus {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/**
 * The controller's status for a quota: hard is spec.hard, used the new observation over the old
 * one, limited to the hard names. `dirty` says whether it differs from what is stored.
 */
export function quotaStatus(q: KubeObject, listObjects: ListObjects, now: number): { status: QuotaStatus; dirty: boolean } {
  const hard = parseResourceList(specOf(q).hard);
  const st = (q.status ?? {}) as { hard?: unknown; used?: unknown };
  const oldUsed = statusUsed(q);
  const used = mask({ ...oldUsed, ...calculateUsage(q, hard, listObjects, now) }, Object.keys(hard));
  const dirty = st.hard === undefined || st.used === undefined || !equals(hard, statusHard(q)) || !equals(used, oldUsed);
  return { status: { hard: formatResourceList(hard), used: formatResourceList(used) }, dirty };
}

/** What admission decided: the quotas to charge (name → new used), or a refusal message. */
export type QuotaDecision = { allowed: true; charges: Map<string, ResourceList> } | { allowed: false; message: string };

/**
 * checkRequest: for each quota whose scopes take obj and that limits something it uses, refuse
 * missing constraints, unknown status and excess; otherwise the usage each quota would have.
 * `old` is the stored object of an update (charged only the growth).
 */
export function checkRequest(quotas: KubeObject[], ev: Evaluator, obj: KubeObject, old: KubeObject | undefined, now: number): QuotaDecision {
  const interesting: KubeObject[] = [];
  for (const q of [...quotas].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    if (!quotaMatches(ev, q, obj)) continue;
    const restricted = ev.matchingResources(Object.keys(statusHard(q)));
    const name = q.metadata?.name ?? '';
    const bad = ev.constraints(restricted, obj);
    if (bad) return { allowed: false, message: `failed quota: ${name}: ${bad}` };
    const used = statusUsed(q);
    if (!restricted.every((r) => r in used)) return { allowed: false, message: `status unknown for quota: ${name}, resources: ${[...restricted].sort().join(',')}` };
    interesting.push(q);
  }
  const charges = new Map<string, ResourceList>();
  if (!interesting.length) return { allowed: true, charges };
  let delta = ev.usage(obj, now);
  const negative = negativeNames(delta);
  if (negative.length) return { allowed: false, message: `quota usage is negative for resource(s): ${negative.join(',')}` };
  if (old?.metadata?.resourceVersion) delta = subtractNonNegative(delta, ev.usage(old, now));
  if (isZero(delta)) return { allowed: true, charges };
  for (const q of interesting) {
    const hard = statusHard(q);
    const used = statusUsed(q);
    const requested = mask(delta, Object.keys(hard));
    const next = add(used, requested);
    const { ok, exceeded } = lessThanOrEqual(mask(next, Object.keys(requested)), hard);
    if (!ok) {
      const name = q.metadata?.name ?? '';
      return { allowed: false, message: `exceeded quota: ${name}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}` };
    }
    charges.set(q.metadata?.name ?? '', next);
  }
  return { allowed: true, charges };
}

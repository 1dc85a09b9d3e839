// Deployment helpers (pkg/controller/deployment/util): surge and unavailability fenceposts,
// revisions and the annotations a Deployment writes on its ReplicaSets, template comparison,
// and replica counting over sets of ReplicaSets.

import type { KubeObject } from '../../api/object.js';
import { goJsonMarshal } from '../history/go-json.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Upstream keeps revision-history under this many characters. */
export const MAX_REV_HISTORY_CHARS = 2000;

const SKIP_COPY = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

export type Obj = Record<string, unknown>;
export type IntOrString = number | string | undefined;

export function spec(o: KubeObject): Obj {
  return (o.spec as Obj | undefined) ?? {};
}

export function statusOf(o: KubeObject): Obj {
  return (o.status as Obj | undefined) ?? {};
}

export function replicas(o: KubeObject): number {
  return (spec(o).replicas as number | undefined) ?? 1;
}

export function num(o: Obj, k: string): number {
  return (o[k] as number | undefined) ?? 0;
}

export function isRollingUpdate(d: KubeObject): boolean {
  return ((spec(d).strategy as Obj | undefined)?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: IntOrString, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number.parseInt(v, 10);
    if (Number.isNaN(n)) throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
    return n;
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** maxSurge (rounded up) and maxUnavailable (rounded down); both zero would deadlock, so 1 unavailable. */
export function resolveFenceposts(maxSurge: IntOrString, maxUnavailable: IntOrString, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

function rollingParams(d: KubeObject): Obj {
  return (((spec(d).strategy as Obj | undefined)?.rollingUpdate as Obj | undefined) ?? {});
}

export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = rollingParams(d);
  return resolveFenceposts(ru.maxSurge as IntOrString, ru.maxUnavailable as IntOrString, replicas(d))[0];
}

export function maxUnavailable(d: KubeObject): number {
  if (!isRollingUpdate(d) || replicas(d) === 0) return 0;
  const ru = rollingParams(d);
  const u = resolveFenceposts(ru.maxSurge as IntOrString, ru.maxUnavailable as IntOrString, replicas(d))[1];
  return Math.min(u, replicas(d));
}

export function revisionOf(o: KubeObject): number {
  const v = o.metadata?.annotations?.[REVISION];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

export function maxRevision(rss: KubeObject[]): number {
  return Math.max(0, ...rss.map(revisionOf));
}

/** Drops what Go's semantic equality ignores: nulls, and empty maps and lists. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(normalize) : undefined;
  if (v !== null && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) {
      const n = normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** The template as compared and hashed: normalized, and without the pod-template-hash label. */
export function templateKey(template: unknown): string {
  const t = structuredClone((template as Obj | undefined) ?? {});
  const labels = (t.metadata as Obj | undefined)?.labels as Obj | undefined;
  if (labels) delete labels[POD_TEMPLATE_HASH];
  return goJsonMarshal(normalize(t) ?? {});
}

export function normalizedTemplate(template: unknown): unknown {
  return normalize(structuredClone(template ?? {})) ?? {};
}

export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return templateKey(a) === templateKey(b);
}

function created(o: KubeObject): number {
  return Date.parse(o.metadata?.creationTimestamp ?? '') || 0;
}

/** Oldest first; ties by name (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return created(a) - created(b) || (a.metadata!.name! < b.metadata!.name! ? -1 : a.metadata!.name! > b.metadata!.name! ? 1 : 0);
}

/** Larger first, then newer first (ReplicaSetsBySizeNewer). */
export function bySizeNewer(a: KubeObject, b: KubeObject): number {
  return replicas(b) - replicas(a) || -byCreation(a, b);
}

/** Larger first, then older first (ReplicaSetsBySizeOlder). */
export function bySizeOlder(a: KubeObject, b: KubeObject): number {
  return replicas(b) - replicas(a) || byCreation(a, b);
}

export function byRevision(a: KubeObject, b: KubeObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** The oldest ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(d: KubeObject, rss: KubeObject[]): KubeObject | undefined {
  const key = templateKey(spec(d).template);
  return [...rss].sort(byCreation).find((rs) => templateKey(spec(rs).template) === key);
}

export function findOldReplicaSets(d: KubeObject, rss: KubeObject[]): KubeObject[] {
  const n = findNewReplicaSet(d, rss);
  return rss.filter((rs) => rs.metadata?.uid !== n?.metadata?.uid);
}

export function activeOf(rss: (KubeObject | undefined)[]): KubeObject[] {
  return rss.filter((rs): rs is KubeObject => !!rs && replicas(rs) > 0);
}

export const sumSpec = (rss: (KubeObject | undefined)[]) => rss.reduce((n, rs) => n + (rs ? replicas(rs) : 0), 0);
export const sumStatus = (rss: (KubeObject | undefined)[], k: string) => rss.reduce((n, rs) => n + (rs ? num(statusOf(rs), k) : 0), 0);

/** Copies the Deployment's annotations (but the controller's own ones) to a ReplicaSet. */
export function copyAnnotations(d: KubeObject, rs: KubeObject): boolean {
  const ann = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIP_COPY.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const ann = (rs.metadata!.annotations ??= {});
  if (ann[DESIRED_REPLICAS] === String(desired) && ann[MAX_REPLICAS] === String(max)) return false;
  ann[DESIRED_REPLICAS] = String(desired);
  ann[MAX_REPLICAS] = String(max);
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const ann = rs.metadata?.annotations ?? {};
  return ann[DESIRED_REPLICAS] !== String(desired) || ann[MAX_REPLICAS] !== String(max);
}

/** SetNewReplicaSetAnnotations: copied annotations, the new revision (keeping the history of a reused set). */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  let changed = copyAnnotations(d, rs);
  const ann = (rs.metadata!.annotations ??= {});
  const oldRevision = ann[REVISION];
  const oldNum = oldRevision === undefined ? 0 : Number(oldRevision);
  if (oldRevision !== undefined && !Number.isInteger(oldNum)) return false;
  if (oldNum < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
  }
  if (oldRevision !== undefined && oldNum < newRevision) {
    const history = ann[REVISION_HISTORY] ?? '';
    let old = history.split(',');
    if (!old[0]) ann[REVISION_HISTORY] = oldRevision;
    else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > MAX_REV_HISTORY_CHARS && start < old.length) total -= old[start++].length + 1;
      if (total <= MAX_REV_HISTORY_CHARS) {
        old = [...old.slice(start), oldRevision];
        ann[REVISION_HISTORY] = old.join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: KubeObject, all: KubeObject[], newRS: KubeObject): number {
  if (!isRollingUpdate(d)) return replicas(d);
  const current = sumSpec(all);
  const maxTotal = replicas(d) + maxSurge(d);
  if (current >= maxTotal) return replicas(newRS);
  const up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
  return replicas(newRS) + up;
}

/** The new set has all replicas, all available, and its desired annotation is current. */
export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false;
  const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS]);
  if (!Number.isInteger(desired)) return false;
  return replicas(rs) === replicas(d) && desired === replicas(d) && num(statusOf(rs), 'availableReplicas') === replicas(d);
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** How much of a proportional scale a ReplicaSet takes (GetProportion). */
export function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicas(d) === 0) fraction = -replicas(rs);
  else {
    const dReplicas = replicas(d) + maxSurge(d);
    const ann = Number(rs.metadata?.annotations?.[MAX_REPLICAS]);
    const annotated = Number.isInteger(ann) && rs.metadata?.annotations?.[MAX_REPLICAS] !== undefined ? ann : num(statusOf(d), 'replicas');
    fraction = annotated ? roundHalfAway((replicas(rs) * dReplicas) / annotated) - replicas(rs) : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

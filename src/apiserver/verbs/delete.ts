// DELETE of one object and of a collection: preconditions, graceful deletion, finalizers and
// the propagation policy finalizers the garbage collector acts on.

import { errors, field } from '../../api/errors.js';
import { cloneJson, isPlainObject, type KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { negotiate, parseJson } from '../codec.js';
import type { RequestContext } from '../context.js';
import { formatTime } from '../rest/meta.js';
import { DELETE } from '../rest/object-store.js';
import { writeOptions } from '../rest/write.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import { namespaceFor } from './read.js';
import { goParseInt, parseListQuery } from './params.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export function parseDeleteOptions(req: ApiRequest, q: URLSearchParams): DeleteOptions {
  let body: Record<string, unknown> = {};
  if (req.body.length > 0) {
    const parsed = parseJson(req.body);
    if (!isPlainObject(parsed)) throw errors.badRequest('DeleteOptions must be an object');
    body = parsed;
  }
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  let propagation = (q.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
  const orphan = q.get('orphanDependents') ?? body.orphanDependents;
  if (propagation === undefined && orphan !== undefined && orphan !== null) propagation = orphan === true || orphan === 'true' ? 'Orphan' : 'Background';
  if (propagation !== undefined && propagation !== null && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
    throw errors.invalid('meta.k8s.io', 'DeleteOptions', '', [field.notSupported('propagationPolicy', propagation, ['Foreground', 'Background', 'Orphan'])]);
  }
  let gracePeriodSeconds: number | undefined;
  if (grace !== undefined && grace !== null) {
    gracePeriodSeconds = typeof grace === 'string' ? goParseInt(grace) : Number(grace);
    if (!Number.isInteger(gracePeriodSeconds)) throw errors.badRequest(`json: cannot unmarshal ${typeof grace === 'number' ? 'number' : typeof grace} into Go struct field DeleteOptions.gracePeriodSeconds of type int64`);
  }
  const dryRun = [...q.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? (body.dryRun as string[]) : [])];
  for (const d of dryRun) if (d !== 'All') throw errors.badRequest(`Invalid dry run value "${d}"`);
  const pre = isPlainObject(body.preconditions) ? (body.preconditions as DeleteOptions['preconditions']) : undefined;
  return { gracePeriodSeconds, propagationPolicy: (propagation ?? undefined) as DeleteOptions['propagationPolicy'], preconditions: pre, dryRun: dryRun.length > 0 };
}

/** Grace period a deletion gets: pods on a node get their termination grace period. */
function gracePeriod(rc: RequestContext, obj: KubeObject, opts: DeleteOptions): number {
  if (rc.type.group !== '' || rc.type.resource !== 'pods') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = ((obj.status ?? {}) as { phase?: string }).phase;
  // Pods never scheduled, or already finished, have nothing to stop: upstream deletes them at once.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(g, 0);
}

function propagationFinalizer(opts: DeleteOptions): string | undefined {
  if (opts.propagationPolicy === 'Orphan') return 'orphan';
  if (opts.propagationPolicy === 'Foreground') return 'foregroundDeletion';
  return undefined;
}

/** A delete's uid and resourceVersion preconditions against the stored object: 409 Conflict when they fail. */
export function checkPreconditions(gr: Parameters<typeof errors.conflict>[0], name: string, meta: NonNullable<KubeObject['metadata']>, preconditions: DeleteOptions['preconditions']): void {
  if (preconditions?.uid && preconditions.uid !== meta.uid) {
    throw errors.conflict(gr, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${meta.uid}`);
  }
  if (preconditions?.resourceVersion && preconditions.resourceVersion !== meta.resourceVersion) {
    throw errors.conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
  }
}

/** Deletes one object; returns the final object and whether it is gone (vs. pending deletion). */
export async function deleteOne(rc: RequestContext, name: string, opts: DeleteOptions): Promise<{ object: KubeObject; gone: boolean }> {
  const objects = rc.server.objects(rc.type);
  const t = rc.type;
  const now = rc.server.now();
  let gone = false;
  const r = await objects.guaranteedUpdate(namespaceFor(rc), name, (current) => {
    const meta = current.metadata ?? {};
    checkPreconditions(objects.gr, name, meta, opts.preconditions);
    const next = cloneJson(current);
    const nm = next.metadata!;
    const pf = propagationFinalizer(opts);
    // The two propagation finalizers exclude each other: the newest request wins.
    let finalizers = (nm.finalizers ?? []).filter((f) => !pf || (f !== 'orphan' && f !== 'foregroundDeletion'));
    if (pf) finalizers = [...finalizers, pf];
    const isNamespace = t.group === '' && t.resource === 'namespaces';
    const nsFinalizers = isNamespace ? (((next.spec ?? {}) as { finalizers?: string[] }).finalizers ?? []) : [];
    const grace = gracePeriod(rc, current, opts);
    if (finalizers.length === 0 && nsFinalizers.length === 0 && grace === 0) {
      if (opts.dryRun) return current;
      gone = true;
      return DELETE;
    }
    if (meta.deletionTimestamp) {
      // Already terminating: a shorter grace period may move the deadline closer.
      const remaining = meta.deletionGracePeriodSeconds ?? 0;
      if (grace >= remaining && JSON.stringify(finalizers) === JSON.stringify(meta.finalizers ?? [])) return current;
    }
    if (finalizers.length) nm.finalizers = finalizers;
    nm.deletionTimestamp = formatTime(new Date(now.getTime() + grace * 1000));
    nm.deletionGracePeriodSeconds = grace;
    if (nm.generation !== undefined) nm.generation += 1;
    if (isNamespace) next.status = { ...((next.status ?? {}) as object), phase: 'Terminating' };
    if (opts.dryRun) return current;
    return next;
  });
  return { object: r.object, gone: gone || r.deleted };
}

function successStatus(rc: RequestContext, obj: KubeObject) {
  const details: Record<string, unknown> = { name: obj.metadata?.name, kind: rc.type.resource, uid: obj.metadata?.uid };
  if (rc.type.group) details.group = rc.type.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** Kinds whose DELETE answers with the object rather than a Status (upstream's ReturnDeletedObject). */
const RETURNS_OBJECT = new Set(['pods', 'namespaces', 'persistentvolumes', 'persistentvolumeclaims', 'services', 'nodes']);

export async function remove(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const opts = parseDeleteOptions(req, rc.query);
  writeOptions(rc);
  const { object, gone } = await deleteOne(rc, rc.info.name, opts);
  if (!gone) return respond(200, object, rendering);
  if (RETURNS_OBJECT.has(rc.type.resource) && rc.type.group === '') return respond(200, object, rendering);
  return respond(200, successStatus(rc, object), rendering);
}

export async function removeCollection(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const opts = parseDeleteOptions(req, rc.query);
  const q = parseListQuery(rc.type, rc.query);
  const page = await rc.server.objects(rc.type).list({ namespace: namespaceFor(rc), filter: q.filter });
  const items: KubeObject[] = [];
  for (const obj of page.items) {
    const sub: RequestContext = { ...rc, info: { ...rc.info, namespace: obj.metadata?.namespace ?? rc.info.namespace } };
    try {
      items.push((await deleteOne(sub, obj.metadata!.name!, opts)).object);
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && (e as { code: number }).code === 404)) throw e;
    }
  }
  return respond(200, { kind: rc.type.listKind, apiVersion: apiVersionOf(rc.type), metadata: { resourceVersion: String(page.revision) }, items }, rendering);
}

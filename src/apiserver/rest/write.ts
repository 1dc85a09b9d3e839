// The write path shared by create, update, patch and the subresources: type checks, server-owned
// metadata, defaulting, admission, validation, managedFields, dry run, storage.

import { errors, type FieldError } from '../../api/errors.js';
import { cloneJson, isPlainObject, type KubeObject, type ManagedFieldsEntry } from '../../api/object.js';
import { apiVersionOf, type ResourceType } from '../../api/registry/types.js';
import { updateManagedFields } from '../../api/apply/index.js';
import type { AdmissionAttributes, Operation, RequestContext } from '../context.js';
import { goRoundTrip } from './go-roundtrip.js';
import { formatTime, generateName, generationChanged, newUid, tracksGeneration } from './meta.js';
import { DELETE } from './object-store.js';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
}

export function writeOptions(rc: RequestContext): WriteOptions {
  const dryRun = rc.query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw errors.badRequest(`Invalid dry run value "${d}"`);
  const fm = rc.query.get('fieldManager');
  if (fm !== null && fm.length > 128) throw errors.invalid('', 'fieldManager', '', []);
  return { dryRun: dryRun.length > 0, fieldManager: fm ?? managerFromUserAgent(rc) };
}

function managerFromUserAgent(rc: RequestContext): string {
  const ua = rc.userAgent ?? '';
  const name = ua.split('/')[0];
  return name.length > 128 ? name.slice(0, 128) : name;
}

/** Checks apiVersion/kind of a body against the endpoint, as upstream's decoder does. */
export function checkTypeMeta(obj: Record<string, unknown>, expectedApiVersion: string, expectedKind: string, bodyText: () => string): void {
  const kind = obj.kind;
  const apiVersion = obj.apiVersion;
  if (kind === undefined || kind === '') throw errors.badRequest(`Object 'Kind' is missing in '${bodyText()}'`);
  if (typeof kind !== 'string' || (apiVersion !== undefined && typeof apiVersion !== 'string')) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${typeof kind === 'string' ? typeof apiVersion : typeof kind} into Go struct field .${typeof kind === 'string' ? 'apiVersion' : 'kind'} of type string`);
  }
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== expectedApiVersion) {
    throw errors.badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expectedApiVersion})`);
  }
  if (kind !== expectedKind) {
    throw errors.badRequest(`the kind in the data (${kind}) does not match the expected kind (${expectedKind})`);
  }
}

function metaOf(obj: KubeObject): NonNullable<KubeObject['metadata']> {
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isPlainObject(obj.metadata)) throw errors.badRequest('metadata must be an object');
  return obj.metadata;
}

function validateOrThrow(t: ResourceType, name: string, errs: FieldError[]): void {
  if (errs.length) throw errors.invalid(t.group, t.kind, name, errs);
}

async function runAdmission(rc: RequestContext, attrs: AdmissionAttributes): Promise<void> {
  for (const p of rc.server.admission) if (p.admit) await p.admit(attrs, rc.server);
  for (const p of rc.server.admission) if (p.validate) await p.validate(attrs, rc.server);
}

function attrs(rc: RequestContext, operation: Operation, obj: KubeObject | undefined, old: KubeObject | undefined, dryRun: boolean): AdmissionAttributes {
  return {
    operation,
    type: rc.type,
    subresource: rc.info.subresource,
    namespace: rc.info.namespace,
    name: obj?.metadata?.name ?? old?.metadata?.name ?? rc.info.name,
    object: obj,
    oldObject: old,
    user: rc.user,
    dryRun,
  };
}

function managed(rc: RequestContext, live: KubeObject | undefined, updated: KubeObject, opts: WriteOptions): ManagedFieldsEntry[] | undefined {
  const entries = updateManagedFields({
    live,
    updated,
    manager: opts.fieldManager,
    operation: 'Update',
    apiVersion: apiVersionOf(rc.type),
    subresource: rc.info.subresource || undefined,
    now: rc.server.now(),
    defName: rc.type.schemaName,
  });
  return entries.length ? entries : undefined;
}

function setManaged(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) obj.metadata!.managedFields = entries;
  else delete obj.metadata!.managedFields;
}

/** Fills server-owned fields and runs defaulting, admission and validation for a new object. */
export async function prepareCreate(rc: RequestContext, body: KubeObject, opts: WriteOptions, managedFieldsGiven?: ManagedFieldsEntry[]): Promise<KubeObject> {
  const t = rc.type;
  const obj = body;
  obj.apiVersion = apiVersionOf(t);
  obj.kind = t.kind;
  const meta = metaOf(obj);
  if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
  if (t.scope === 'Namespaced') {
    if (meta.namespace && rc.info.namespace && meta.namespace !== rc.info.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = rc.info.namespace || meta.namespace;
  } else {
    delete meta.namespace;
  }
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
  const now = rc.server.now();
  meta.uid = newUid();
  meta.creationTimestamp = formatTime(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (tracksGeneration(t)) meta.generation = 1;
  else delete meta.generation;
  t.strategy.defaults?.(obj);
  t.strategy.prepareForCreate?.(obj, { now });
  await runAdmission(rc, attrs(rc, 'CREATE', obj, undefined, opts.dryRun));
  goRoundTrip(obj, obj.apiVersion, t.kind);
  validateOrThrow(t, meta.name ?? '', t.strategy.validate?.(obj) ?? []);
  if (managedFieldsGiven) meta.managedFields = managedFieldsGiven;
  else setManaged(obj, managed(rc, undefined, obj, opts));
  return obj;
}

export async function createObject(rc: RequestContext, body: KubeObject, opts: WriteOptions): Promise<KubeObject> {
  const obj = await prepareCreate(rc, body, opts);
  if (opts.dryRun) return obj;
  return rc.server.objects(rc.type).create(obj);
}

/**
 * Carries server-owned fields from the stored object into an update and runs the update
 * pipeline. `mainResource` is false for /status, which changes only status.
 */
export async function prepareUpdate(rc: RequestContext, obj: KubeObject, old: KubeObject, opts: WriteOptions, computeManaged = true): Promise<KubeObject> {
  const t = rc.type;
  obj.apiVersion = apiVersionOf(t);
  obj.kind = t.kind;
  const meta = metaOf(obj);
  const oldMeta = old.metadata ?? {};
  if (meta.name !== undefined && meta.name !== oldMeta.name) {
    throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${oldMeta.name})`);
  }
  if (t.scope === 'Namespaced' && meta.namespace && meta.namespace !== oldMeta.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  meta.name = oldMeta.name;
  if (t.scope === 'Namespaced') meta.namespace = oldMeta.namespace;
  if (meta.uid && meta.uid !== oldMeta.uid) {
    throw errors.conflict({ group: t.group, resource: t.resource }, oldMeta.name ?? '', `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${oldMeta.uid}`);
  }
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  // Preconditions were checked by the caller; validation wants the version being replaced.
  if (!meta.resourceVersion) meta.resourceVersion = oldMeta.resourceVersion;
  if (oldMeta.deletionTimestamp) {
    meta.deletionTimestamp = oldMeta.deletionTimestamp;
    if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  const sub = rc.info.subresource;
  if (sub === 'status') {
    // /status writes status only: everything else comes from the stored object.
    const merged: KubeObject = { ...cloneJson(old), status: obj.status };
    if (obj.status === undefined) delete merged.status;
    return finishUpdate(rc, merged, old, opts, computeManaged);
  }
  if (t.hasStatusSubresource && sub === '') {
    if (old.status === undefined) delete obj.status;
    else obj.status = cloneJson(old.status);
  }
  t.strategy.defaults?.(obj);
  t.strategy.prepareForUpdate?.(obj, old, { now: rc.server.now() });
  return finishUpdate(rc, obj, old, opts, computeManaged);
}

async function finishUpdate(rc: RequestContext, obj: KubeObject, old: KubeObject, opts: WriteOptions, computeManaged: boolean): Promise<KubeObject> {
  const t = rc.type;
  await runAdmission(rc, attrs(rc, 'UPDATE', obj, old, opts.dryRun));
  // Compare and store what upstream would after its Go round trip, so defaults that encode as
  // nothing (zero values) never look like a change.
  goRoundTrip(obj, obj.apiVersion!, t.kind);
  const oldGeneration = old.metadata?.generation;
  if (tracksGeneration(t)) obj.metadata!.generation = (oldGeneration ?? 1) + (generationChanged(t, obj, old) ? 1 : 0);
  else delete obj.metadata!.generation;
  const errs = [...(t.strategy.validate?.(obj) ?? []), ...(t.strategy.validateUpdate?.(obj, old) ?? [])];
  validateOrThrow(t, obj.metadata?.name ?? '', errs);
  if (computeManaged) setManaged(obj, managed(rc, old, obj, opts));
  return obj;
}

/** An object whose deletion was pending and whose last finalizer is gone is deleted. */
export function shouldDeleteAfterUpdate(obj: KubeObject): boolean {
  const m = obj.metadata;
  return !!m?.deletionTimestamp && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
}

export interface UpdateResult {
  object: KubeObject;
  created: boolean;
}

/**
 * PUT semantics: optimistic concurrency on metadata.resourceVersion, create-on-update where
 * the kind allows it.
 */
export async function updateObject(rc: RequestContext, body: KubeObject, opts: WriteOptions, allowCreate: boolean): Promise<UpdateResult> {
  const objects = rc.server.objects(rc.type);
  const name = rc.info.name;
  const rv = body.metadata?.resourceVersion;
  if (body.metadata?.name !== undefined && body.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  const r = await objects.guaranteedUpdate(
    rc.info.namespace,
    name,
    async (current) => {
      if (rv && rv !== current.metadata?.resourceVersion) throw errors.staleResourceVersion(objects.gr, name);
      const next = await prepareUpdate(rc, cloneJson(body), current, opts);
      if (opts.dryRun) throw new DryRunResult(next);
      if (shouldDeleteAfterUpdate(next)) return DELETE;
      return next;
    },
    allowCreate
      ? async () => {
          if (rv) throw errors.notFound(objects.gr, name);
          const obj = await prepareCreate(rc, cloneJson(body), opts);
          if (opts.dryRun) throw new DryRunResult(obj);
          return obj;
        }
      : undefined,
  ).catch((e: unknown) => {
    if (e instanceof DryRunResult) return { object: e.object, created: false, deleted: false, changed: true };
    throw e;
  });
  return { object: r.object, created: r.created };
}

/** Thrown inside an update loop to leave it with the would-be object, for dryRun=All. */
export class DryRunResult {
  constructor(readonly object: KubeObject) {}
}

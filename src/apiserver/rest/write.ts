// The write path shared by create, update, patch and the subresources: type checks, server-owned
// metadata, defaulting, admission, validation, managedFields, dry run, storage.

import { validateObjectMetaUpdate } from '../../api/validation/object-meta.js';
import { errors, field, FieldError } from '../../api/errors.js';
import { cloneJson, isPlainObject, type KubeObject, type ManagedFieldsEntry } from '../../api/object.js';
import { apiVersionOf, type ResourceType } from '../../api/registry/types.js';
import { updateManagedFields } from '../../api/apply/index.js';
import type { AdmissionAttributes, Operation, RequestContext } from '../context.js';
import { goRoundTrip } from './go-roundtrip.js';
import { nameWarnings } from '../../api/validation/names.js';
import { formatTime, generateName, generationChanged, newUid, tracksGeneration } from './meta.js';
import { DELETE } from './object-store.js';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
}

/** The options kind a verb decodes its query into, named in its 422s. */
export function optionsKind(rc: RequestContext): string {
  switch (rc.info.verb) {
    case 'create':
      return 'CreateOptions';
    case 'update':
      return 'UpdateOptions';
    case 'patch':
      return 'PatchOptions';
    case 'delete':
    case 'deletecollection':
      return 'DeleteOptions';
    default:
      return 'CreateOptions';
  }
}

/** fieldManager, dryRun and fieldValidation checks of upstream's ValidateCreate/Update/PatchOptions. */
export function optionErrors(rc: RequestContext): FieldError[] {
  const errs: FieldError[] = [];
  const fm = rc.query.get('fieldManager');
  if (fm !== null) {
    if (fm.length > 128) errs.push(field.tooLong('fieldManager', '', 128));
    [...fm].forEach((ch, i) => {
      if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) {
        errs.push(field.invalid('fieldManager', fm, `invalid character ${goRuneQuote(ch)} (at position ${i})`));
      }
    });
  }
  const dryRun = rc.query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) errs.push(new FieldError('FieldValueNotSupported', 'dryRun', undefined, `${goStringSlice(dryRun)}: supported values: "All"`, false));
  const fv = rc.query.get('fieldValidation');
  if (fv !== null && !['', 'Ignore', 'Warn', 'Strict'].includes(fv)) errs.push(field.notSupported('fieldValidation', fv, ['', 'Ignore', 'Strict', 'Warn']));
  return errs;
}

export function writeOptions(rc: RequestContext): WriteOptions {
  const errs = optionErrors(rc);
  if (errs.length) throw errors.invalid('meta.k8s.io', optionsKind(rc), '', errs);
  const fm = rc.query.get('fieldManager');
  return { dryRun: rc.query.getAll('dryRun').length > 0, fieldManager: fm || managerFromUserAgent(rc) };
}

/** %#U of one rune: U+0007, or U+00E9 'é' for printable ones. */
function goRuneQuote(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** %#v of a []string, as upstream echoes the dryRun values. */
function goStringSlice(xs: string[]): string {
  return `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;
}

function managerFromUserAgent(rc: RequestContext): string {
  const ua = rc.userAgent ?? '';
  const name = ua.split('/')[0];
  return name.length > 128 ? name.slice(0, 128) : name;
}

/** Go's package name of a group's internal types, for conversion errors: core.Pod, apps.Deployment. */
function internalPackage(group: string): string {
  if (group === '' || group === 'events.k8s.io') return 'core';
  return group.split('.')[0];
}

function versionOnly(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? apiVersion : apiVersion.slice(i + 1);
}

/**
 * Checks apiVersion/kind of a body against the endpoint as upstream's decoder does: missing
 * ones take the endpoint's, an unknown kind/version is not registered, a known other kind does
 * not convert, and a known other version of the kind is the wrong API version. `registered`
 * says whether the scheme knows an apiVersion/kind pair. Returns the body with its defaults.
 */
export function checkTypeMeta(
  obj: Record<string, unknown>,
  expectedApiVersion: string,
  expectedKind: string,
  bodyText: () => string,
  registered?: (apiVersion: string, kind: string) => boolean,
): void {
  let kind = obj.kind;
  let apiVersion = obj.apiVersion;
  if ((kind !== undefined && kind !== null && typeof kind !== 'string') || (apiVersion !== undefined && apiVersion !== null && typeof apiVersion !== 'string')) {
    const which = kind !== undefined && kind !== null && typeof kind !== 'string' ? 'kind' : 'apiVersion';
    const v = which === 'kind' ? kind : apiVersion;
    const goKind = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${goKind} into Go struct field .${which} of type string (${summarize(bodyText())})`);
  }
  const kindGiven = (kind as string | undefined | null) || '';
  const versionGiven = (apiVersion as string | undefined | null) || '';
  // gvkWithDefaults: a missing kind or apiVersion takes the endpoint's.
  kind = kindGiven || expectedKind;
  apiVersion = versionGiven || expectedApiVersion;
  return checkGvk(obj, kind as string, apiVersion as string, expectedApiVersion, expectedKind, bodyText, registered);
}

function checkGvk(
  obj: Record<string, unknown>,
  kind: string,
  apiVersion: string,
  expectedApiVersion: string,
  expectedKind: string,
  bodyText: () => string,
  registered?: (apiVersion: string, kind: string) => boolean,
): void {
  if (apiVersion.split('/').length > 2) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): unexpected GroupVersion string: ${apiVersion} (${summarize(bodyText())})`);
  }
  obj.kind = kind;
  obj.apiVersion = apiVersion;
  if (apiVersion === expectedApiVersion && kind === expectedKind) return;
  const prefix = `${kind} in version ${JSON.stringify(versionOnly(apiVersion))} cannot be handled as a ${expectedKind}`;
  if (registered && !registered(apiVersion, kind)) {
    throw errors.badRequest(`${prefix}: no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  if (kind !== expectedKind) {
    const group = (v: string) => (v.includes('/') ? v.slice(0, v.indexOf('/')) : '');
    const from = `${versionOnly(apiVersion)}.${kind}`;
    const to = `${internalPackage(group(expectedApiVersion))}.${expectedKind}`;
    throw errors.badRequest(`${prefix}: converting (${from}) to (${to}): unknown conversion`);
  }
  throw errors.badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expectedApiVersion})`);
}

function summarize(text: string): string {
  if (text.length === 0) return '<empty>';
  if (text.startsWith('{')) return text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  const hex = Buffer.from(text.slice(0, 30)).toString('hex');
  return text.length > 30 ? `${hex} ...` : hex;
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
  rc.warnings.push(...nameWarnings(t.group ? `${t.resource}.${t.group}` : t.resource, meta.name ?? ''));
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
    return finishUpdate(rc, statusUpdate(t, obj, old), old, opts, computeManaged);
  }
  if (t.hasStatusSubresource && sub === '') {
    if (old.status === undefined) delete obj.status;
    else obj.status = cloneJson(old.status);
  }
  t.strategy.defaults?.(obj);
  t.strategy.prepareForUpdate?.(obj, old, { now: rc.server.now() });
  return finishUpdate(rc, obj, old, opts, computeManaged);
}

// What a status write takes from the request; everything else is the stored object's.
const STATUS_WRITE_FIELDS = ['metadata', 'status'] as const;

async function finishUpdate(rc: RequestContext, obj: KubeObject, old: KubeObject, opts: WriteOptions, computeManaged: boolean): Promise<KubeObject> {
  const t = rc.type;
  await runAdmission(rc, attrs(rc, 'UPDATE', obj, old, opts.dryRun));
  // Compare and store what upstream would after its Go round trip, so defaults that encode as
  // nothing (zero values) never look like a change.
  goRoundTrip(obj, obj.apiVersion!, t.kind, rc.info.subresource === 'status' ? STATUS_WRITE_FIELDS : undefined);
  const oldGeneration = old.metadata?.generation;
  if (tracksGeneration(t)) obj.metadata!.generation = (oldGeneration ?? 1) + (generationChanged(t, obj, old) ? 1 : 0);
  else delete obj.metadata!.generation;
  // A status write keeps everything but metadata and status from the stored (valid) object, so
  // as upstream's status strategies it validates the metadata update, not the spec again.
  const errs = rc.info.subresource === 'status'
    ? validateObjectMetaUpdate(obj.metadata, old.metadata)
    : [...(t.strategy.validate?.(obj) ?? []), ...(t.strategy.validateUpdate?.(obj, old) ?? [])];
  validateOrThrow(t, obj.metadata?.name ?? '', errs);
  if (computeManaged) setManaged(obj, managed(rc, old, obj, opts));
  return obj;
}

/**
 * A /status write keeps the request's status and metadata (labels, annotations, finalizers)
 * but every other top-level field (spec...) of the stored object, as upstream's status
 * strategies do; Deployments also keep their stored labels, pods their owners.
 */
function statusUpdate(t: ResourceType, obj: KubeObject, old: KubeObject): KubeObject {
  const merged: KubeObject = { metadata: obj.metadata };
  for (const [k, v] of Object.entries(old)) if (k !== 'metadata' && k !== 'status') merged[k] = cloneJson(v);
  if (obj.status !== undefined) merged.status = obj.status;
  const meta = merged.metadata!;
  if (t.group === 'apps' && t.kind === 'Deployment') {
    if (old.metadata?.labels) meta.labels = cloneJson(old.metadata.labels);
    else delete meta.labels;
  }
  if (t.group === '' && t.kind === 'Pod') {
    if (old.metadata?.ownerReferences) meta.ownerReferences = cloneJson(old.metadata.ownerReferences);
    else delete meta.ownerReferences;
  }
  return merged;
}

/** An object whose deletion was pending and whose last finalizer is gone is deleted. */
export function shouldDeleteAfterUpdate(obj: KubeObject): boolean {
  const m = obj.metadata;
  // A namespace also waits for its spec.finalizers (the namespace controller's "kubernetes").
  const specFinalizers = obj.kind === 'Namespace' ? ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  return !!m?.deletionTimestamp && (m.finalizers ?? []).length === 0 && specFinalizers.length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
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

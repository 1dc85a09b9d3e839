// metadata validation on create and update (apimachinery/pkg/api/validation/objectmeta.go plus
// core's finalizer-name check).

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { ObjectMeta, OwnerReference } from '../object.js';
import { RenderedFieldError, goStringSlice, goQuote } from './go-errors.js';
import { isQualifiedName, isValidLabelValue, validateNamespaceName } from './names.js';
import type { NameFn } from './names.js';
import { child, index, asStr, objOf } from './util.js';

export const totalAnnotationSizeLimitB = 256 * 1024;
export const fieldImmutableErrorMsg = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);
/** Kinds that may never own anything: events (both groups). */
const bannedOwners = new Set(['events.k8s.io/v1, Kind=Event', '/v1, Kind=Event']);

export function validateNonnegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [field.invalid(path, value, isNegativeErrorMsg)] : [];
}

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(objOf(labels))) {
    errs.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(asStr(v))) errs.push(field.invalid(path, asStr(v), m));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(objOf(annotations))) {
    // Annotation keys are qualified names where case doesn't matter.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(asStr(v));
  }
  if (size > totalAnnotationSizeLimitB) errs.push(field.tooLong(path, '', totalAnnotationSizeLimitB));
  return errs;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function goOwnerReference(r: OwnerReference): string {
  const bool = (b: boolean | undefined) => (b === undefined ? '(*bool)(nil)' : `(*bool)(${b})`);
  return `v1.OwnerReference{APIVersion:${goQuote(r.apiVersion ?? '')}, Kind:${goQuote(r.kind ?? '')}, Name:${goQuote(r.name ?? '')}, UID:${goQuote(r.uid ?? '')}, Controller:${bool(r.controller)}, BlockOwnerDeletion:${bool(r.blockOwnerDeletion)}}`;
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controllerName = '';
  for (const ref of refs ?? []) {
    const { group, version } = splitApiVersion(ref.apiVersion ?? '');
    // Upstream reports these without an index.
    if (!version) errs.push(field.invalid(child(path, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(field.invalid(child(path, 'kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(field.invalid(child(path, 'name'), ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(field.invalid(child(path, 'uid'), ref.uid ?? '', 'uid must not be empty'));
    const gvk = `${group}/${version}, Kind=${ref.kind ?? ''}`;
    if (bannedOwners.has(gvk)) errs.push(new RenderedFieldError('FieldValueInvalid', path, goOwnerReference(ref), `${gvk} is disallowed from being an owner`));
    if (ref.controller === true) {
      if (controllerName !== '') {
        errs.push(
          new RenderedFieldError('FieldValueInvalid', path, `[]v1.OwnerReference{${(refs ?? []).map(goOwnerReference).join(', ')}}`, `Only one reference can have Controller set to true. Found "true" in references for ${controllerName} and ${ref.name}`),
        );
      } else controllerName = ref.name;
    }
  }
  return errs;
}

function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => field.invalid(path, name, m));
}

/** apimachinery's finalizer checks (path without index) plus core's standard-name rule (indexed). */
export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(new RenderedFieldError('FieldValueInvalid', path, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** validateKubeFinalizerName: core's extra per-item check, used by ObjectMeta and Namespace spec. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  const errs = validateFinalizerName(name, path);
  if (!name.includes('/') && !standardFinalizers.has(name)) {
    errs.push(field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameFn: NameFn;
}

export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameFn(m.generateName, true)) errs.push(field.invalid(child(path, 'generateName'), m.generateName, msg));
  }
  if (!m.name) errs.push(field.required(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of opts.nameFn(m.name, false)) errs.push(field.invalid(child(path, 'name'), m.name, msg));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(field.required(child(path, 'namespace'), ''));
    else for (const msg of validateNamespaceName(m.namespace, false)) errs.push(field.invalid(child(path, 'namespace'), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(field.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(m.generation, child(path, 'generation')));
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, child(path, 'finalizers')));
  (m.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, index(child(path, 'finalizers'), i))));
  return errs;
}

/** ValidateImmutableField: the new value is echoed. */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: string, equal: (a: unknown, b: unknown) => boolean = (a, b) => (a ?? '') === (b ?? '')): FieldError[] {
  return equal(newVal, oldVal) ? [] : [field.invalid(path, newVal ?? '', fieldImmutableErrorMsg)];
}

export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const extra = (n.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (extra.length) errs.push(field.forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice([...new Set(extra)].sort())}`));
  }
  if (!n.resourceVersion) errs.push(field.invalid(child(path, 'resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(field.invalid(child(path, 'generation'), n.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutable(n.name, o.name, child(path, 'name')));
  errs.push(...validateImmutable(n.namespace, o.namespace, child(path, 'namespace')));
  errs.push(...validateImmutable(n.uid, o.uid, child(path, 'uid')));
  if ((n.creationTimestamp ?? null) !== (o.creationTimestamp ?? null)) errs.push(new RenderedFieldError('FieldValueInvalid', child(path, 'creationTimestamp'), goTime(n.creationTimestamp), fieldImmutableErrorMsg));
  if ((n.deletionTimestamp ?? null) !== (o.deletionTimestamp ?? null)) errs.push(new RenderedFieldError('FieldValueInvalid', child(path, 'deletionTimestamp'), n.deletionTimestamp ? goTime(n.deletionTimestamp) : 'null', fieldImmutableErrorMsg));
  if ((n.deletionGracePeriodSeconds ?? null) !== (o.deletionGracePeriodSeconds ?? null)) errs.push(new RenderedFieldError('FieldValueInvalid', child(path, 'deletionGracePeriodSeconds'), n.deletionGracePeriodSeconds === undefined ? 'null' : String(n.deletionGracePeriodSeconds), fieldImmutableErrorMsg));
  errs.push(...validateLabels(n.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(n.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(path, 'ownerReferences')));
  (n.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, index(child(path, 'finalizers'), i))));
  return errs;
}

/** metav1.Time's String(): `2024-01-02 03:04:05 +0000 UTC`. */
function goTime(t: string | null | undefined): string {
  if (!t) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return t;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** Convenience for per-kind validators: `metadata` of an untyped body. */
export function metaOf(obj: { metadata?: ObjectMeta }): ObjectMeta {
  return obj.metadata ?? {};
}


// Server-side field management, as upstream's fieldmanager pipeline composes it: non-apply writes
// (create, update, patch) move ownership of what they changed to their manager; apply merges a
// configuration into the live object, prunes what the applier stopped setting, and refuses to
// change fields other managers own unless forced.
import type { JsonValue, KubeObject, ManagedFieldsEntry } from '../object.js';
import { errors } from '../errors.js';
import { FieldSet } from './field-set.js';
import {
  applyConflictError, capUpdateManagers, cloneManaged, conflictsFromManagers, decodeManagedFields, decodeOrEmpty,
  emptyManaged, encodeManagedFields, managerIdentifier, rfc3339,
} from './managed-fields.js';
import type { Conflict, Managed } from './managed-fields.js';
import { goJson } from './path-element.js';
import { Schema } from './schema.js';
import type { SchemaNode, TypeLookup } from './schema.js';
import {
  compare, dropNulls, ensureNamedFieldsAreMembers, isObj, jsonEqual, materialize, merge, removeItems, toFieldSet,
} from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

// Fields that never appear in managedFields (upstream's stripMeta set).
const STRIP = FieldSet.of(
  [{ f: 'apiVersion' }], [{ f: 'kind' }], [{ f: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']
    .map((n) => [{ f: 'metadata' }, { f: n }]),
);

interface Common {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: Date;
  defName: string;
  /**
   * Top-level paths the resource's strategy resets for this endpoint, never owned through it.
   * Default: `status` on the main resource (and scale), `spec` on the status subresource.
   */
  resetFields?: string[][];
  /** Type table override (tests); defaults to the built-in OpenAPI type metadata. */
  types?: TypeLookup;
}

class Conflicts extends Error {
  constructor(readonly list: Conflict[]) {
    super('conflicts');
  }
}

class Engine {
  readonly schema: Schema;
  readonly node: SchemaNode;
  readonly ignore: FieldSet;
  readonly ignoredTopLevel: string[];

  constructor(readonly p: Common) {
    this.schema = new Schema(p.types);
    this.node = this.schema.root(p.defName);
    const hasStatus = this.node.kind === 'struct' && this.schema.structField(this.node, 'status') !== undefined;
    const reset = p.resetFields ?? (p.subresource === 'status' ? [['spec']] : hasStatus ? [['status']] : []);
    this.ignore = FieldSet.of(...reset.map((path) => path.map((f) => ({ f }))));
    this.ignoredTopLevel = reset.filter((path) => path.length === 1).map((path) => path[0]);
  }

  typed(obj: KubeObject | JsonValue | undefined): JsonValue {
    return materialize(this.schema, this.node, withoutManagedFields(obj)) ?? {};
  }

  /** SMD's Updater.update: other managers lose what changed (conflicts unless forced) and what was removed. */
  update(oldV: JsonValue, newV: JsonValue, m: Managed, workflow: string, force: boolean) {
    const c = compare(this.schema, this.node, oldV, newV);
    const added = c.added.recursiveDifference(this.ignore);
    const modified = c.modified.recursiveDifference(this.ignore);
    const removed = c.removed.recursiveDifference(this.ignore);
    const changed = modified.union(added);
    const conflicts = new Map<string, FieldSet>();
    for (const [id, vs] of m.fields) {
      if (id === workflow) continue;
      const cs = vs.set.intersection(changed);
      if (!cs.empty()) conflicts.set(id, cs);
    }
    if (!force && conflicts.size > 0) throw new Conflicts(conflictsFromManagers(conflicts));
    for (const [id, vs] of m.fields) {
      if (id === workflow) continue;
      const left = vs.set.difference(conflicts.get(id) ?? new FieldSet()).difference(removed);
      if (left.empty()) m.fields.delete(id);
      else m.fields.set(id, { ...vs, set: left });
    }
    return { added, modified, removed };
  }

  /** The managedFieldsUpdater + stripMeta + SMD Update steps for one non-apply write. */
  recordUpdate(oldV: JsonValue, newV: JsonValue, m: Managed, id: string): void {
    const workflow = 'current-operation';
    const c = this.update(oldV, newV, m, workflow, true);
    const set = c.modified.union(c.added).recursiveDifference(this.ignore).difference(STRIP);
    if (set.empty()) return;
    const prev = m.fields.get(id);
    m.fields.set(id, { set: prev ? set.union(prev.set) : set, apiVersion: this.p.apiVersion, applied: false });
    m.times.set(id, rfc3339(this.p.now));
  }

  prune(merged: JsonValue, m: Managed, lastSet: FieldSet | undefined): JsonValue {
    if (!lastSet || lastSet.empty()) return merged;
    const ens = (s: FieldSet) => ensureNamedFieldsAreMembers(this.schema, this.node, s);
    const fieldsOf = (v: JsonValue) => toFieldSet(this.schema, this.node, v);
    const remove = (v: JsonValue, s: FieldSet) => removeItems(this.schema, this.node, v, s) ?? {};
    let pruned = remove(merged, ens(lastSet));
    // Add back what other managers (or this config) still own.
    let owned = new FieldSet();
    for (const vs of m.fields.values()) owned = owned.union(vs.set);
    const mergedSet = ens(fieldsOf(merged));
    pruned = remove(merged, mergedSet.difference(ens(fieldsOf(pruned)).union(ens(owned))));
    // Only remove what this applier itself set last time.
    return remove(merged, mergedSet.difference(ens(fieldsOf(pruned))).intersection(ens(lastSet)));
  }
}

function withoutManagedFields(obj: KubeObject | JsonValue | undefined): JsonValue | undefined {
  if (!isObj(obj as JsonValue)) return obj as JsonValue | undefined;
  const o = obj as { [k: string]: JsonValue };
  const md = o.metadata;
  if (!isObj(md) || !('managedFields' in md)) return o;
  const { managedFields: _drop, ...rest } = md;
  return { ...o, metadata: rest };
}

function without(obj: KubeObject, fields: string[]): KubeObject {
  if (!fields.some((f) => f in obj)) return obj;
  const rest: Record<string, unknown> = { ...obj };
  for (const f of fields) delete rest[f];
  return rest as KubeObject;
}

function isResetManagedFields(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && isObj(mf[0] as JsonValue) && Object.keys(mf[0] as object).length === 0;
}

/**
 * managedFields after a create, update or non-apply patch: `live` is the stored object (undefined
 * on create), `updated` the object about to be stored (after defaulting).
 */
export function updateManagedFields(params: Common & { live: KubeObject | undefined; updated: KubeObject; operation: 'Update' }): ManagedFieldsEntry[] {
  const e = new Engine(params);
  const { live, updated, subresource } = params;
  const newMF: unknown = updated.metadata?.managedFields;
  let managed: Managed;
  // A client may rewrite managedFields through the main resource; [] or [{}] resets them.
  if (subresource) managed = decodeOrEmpty(live?.metadata?.managedFields);
  else if (isResetManagedFields(newMF)) managed = emptyManaged();
  else {
    let fromNew: Managed | undefined;
    try {
      fromNew = newMF === undefined || newMF === null ? undefined : decodeManagedFields(newMF as ManagedFieldsEntry[]);
    } catch {
      fromNew = undefined;
    }
    managed = fromNew && fromNew.fields.size > 0 ? fromNew : decodeOrEmpty(live?.metadata?.managedFields);
  }
  // Objects that predate field tracking stay untracked until their first apply.
  if (managed.fields.size === 0 && live !== undefined && live.metadata?.uid) return [];
  const id = managerIdentifier({ manager: params.manager || 'unknown', operation: 'Update', apiVersion: params.apiVersion, subresource });
  // Top-level fields the write ignores (spec for a status write, status for the main resource)
  // need no walking on either side: on a pod that halves what each update costs here.
  e.recordUpdate(e.typed(without(live ?? {}, e.ignoredTopLevel)), e.typed(without(updated, e.ignoredTopLevel)), managed, id);
  capUpdateManagers(managed);
  return encodeManagedFields(managed);
}

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
  /** True when the apply left the object unchanged (managedFields may still differ). */
  noop: boolean;
}

function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  const group = slash >= 0 ? av.slice(0, slash) : '';
  const version = slash >= 0 ? av.slice(slash + 1) : av;
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

/**
 * Server-side apply of `config` (the decoded apply-patch body) onto `live` (undefined: create).
 * Throws StatusError 400 for a wrong kind/version or a config carrying managedFields, and 409
 * Conflict (FieldManagerConflict causes) when other managers own fields it would change.
 */
export function applyConfiguration(params: Common & { live: KubeObject | undefined; config: KubeObject; force: boolean }): ApplyResult {
  const e = new Engine(params);
  const { live, config, manager } = params;
  const kind = e.node.kind === 'struct' ? new Schema(params.types).lookup(e.node.def)?.gvk?.[0]?.kind : undefined;
  if (config.apiVersion !== params.apiVersion || (kind !== undefined && config.kind !== kind)) {
    throw errors.badRequest(`invalid object type: ${gvkString(config.apiVersion, config.kind)}`);
  }
  if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  let decoded: Managed;
  try {
    decoded = decodeManagedFields(live?.metadata?.managedFields);
  } catch (err) {
    throw errors.internal(`failed to decode managed fields: ${(err as Error).message}`);
  }
  const liveV = e.typed(live ?? {});
  const configV = config as unknown as JsonValue;
  const id = managerIdentifier({ manager, operation: 'Apply', subresource: params.subresource });

  const attempt = (force: boolean): { merged: JsonValue; managed: Managed } => {
    const m = cloneManaged(decoded);
    if (m.fields.size === 0) {
      // Fields set before the first apply are attributed to a synthetic updater.
      const before = managerIdentifier({ manager: 'before-first-apply', operation: 'Update', apiVersion: params.apiVersion, subresource: params.subresource });
      e.recordUpdate(e.typed({}), liveV, m, before);
      capUpdateManagers(m);
    }
    let merged: JsonValue = merge(e.schema, e.node, liveV, configV) ?? {};
    const lastSet = m.fields.get(id)?.set;
    const set = toFieldSet(e.schema, e.node, configV).recursiveDifference(e.ignore);
    m.fields.set(id, { set, apiVersion: params.apiVersion, applied: true });
    merged = e.prune(merged, m, lastSet);
    e.update(liveV, merged, m, id, force);
    const stripped = m.fields.get(id)!.set.difference(STRIP);
    if (stripped.empty()) m.fields.delete(id);
    else m.fields.set(id, { set: stripped, apiVersion: params.apiVersion, applied: true });
    return { merged, managed: m };
  };

  let result: { merged: JsonValue; managed: Managed };
  try {
    result = attempt(params.force);
  } catch (err) {
    if (!(err instanceof Conflicts)) throw err;
    // kubectl's own server-side apply may take over what its client-side apply set (per the
    // last-applied annotation) without a conflict.
    const allowed = manager === 'kubectl' ? allowedFromLastApplied(e, live, liveV) : undefined;
    const remaining = allowed ? err.list.filter((c) => !allowed.has(c.path)) : err.list;
    if (remaining.length > 0) throw applyConflictError(remaining);
    result = attempt(true);
  }

  const noop = jsonEqual(liveV, result.merged);
  if (!noop || !result.managed.times.get(id)) result.managed.times.set(id, rfc3339(params.now));
  const object = dropNulls(noop ? liveV : result.merged) as KubeObject;
  if (manager === 'kubectl') syncLastApplied(object, config);
  const managedFields = encodeManagedFields(result.managed);
  object.metadata ??= {};
  if (managedFields.length > 0) object.metadata.managedFields = managedFields;
  else delete object.metadata.managedFields;
  return { object, managedFields, noop };
}

function allowedFromLastApplied(e: Engine, live: KubeObject | undefined, liveV: JsonValue): FieldSet | undefined {
  const raw = live?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!raw) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObj(last as JsonValue) || (last as KubeObject).apiVersion !== e.p.apiVersion) return undefined;
  const lastV = last as JsonValue;
  const c = compare(e.schema, e.node, lastV, liveV);
  // Fields whose last-applied value no longer matches live were not really applied by kubectl.
  return toFieldSet(e.schema, e.node, lastV).difference(c.modified).difference(c.added).difference(c.removed);
}

function syncLastApplied(object: KubeObject, config: KubeObject): void {
  const ann = object.metadata?.annotations;
  if (!ann || !ann[LAST_APPLIED_ANNOTATION]) return;
  const copy = structuredClone(config) as KubeObject;
  if (copy.metadata?.annotations) delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
  // Go's encoding of the unstructured config: compact, sorted keys.
  ann[LAST_APPLIED_ANNOTATION] = goJson(copy as unknown as JsonValue);
}


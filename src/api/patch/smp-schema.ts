// Patch metadata lookup for strategic merge patch, driven by type-meta: the role upstream's
// PatchMetaFromStruct plays with Go struct tags (k8s.io/apimachinery/pkg/util/strategicpatch/meta.go),
// including its lookup errors.
import type { FieldMeta } from './type-meta.js';
import { typeMeta } from './type-meta.js';

export type SmpSchema =
  /** A struct with known JSON fields. */
  | { kind: 'struct'; name: string; def: string }
  /** A Go struct with no JSON fields of its own (RawExtension, JSON, Quantity, Time...). */
  | { kind: 'opaque'; name: string }
  | { kind: 'map' }
  | { kind: 'slice'; elem: SmpSchema }
  | { kind: 'scalar'; goKind: string }
  /** No metadata (unknown kinds, custom resources): maps merge, lists are replaced. */
  | { kind: 'open' };

export interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

export class SchemaLookupError extends Error {}

const OPEN: SmpSchema = { kind: 'open' };

function goKindOfScalar(type: string | undefined, format: string | undefined): string {
  switch (type) {
    case 'integer':
      return format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'string';
  }
}

export function schemaForDef(defName: string): SmpSchema {
  const t = typeMeta(defName);
  if (!t) return OPEN;
  const name = defName.slice(defName.lastIndexOf('.') + 1);
  if (t.type !== 'object' || Object.keys(t.fields).length === 0) return { kind: 'opaque', name };
  return { kind: 'struct', name, def: defName };
}

function schemaForElem(f: FieldMeta): SmpSchema {
  if (f.elemList) return { kind: 'slice', elem: { kind: 'scalar', goKind: goKindOfScalar(f.elemType, f.elemFormat) } };
  if (f.ref) return schemaForDef(f.ref);
  return { kind: 'scalar', goKind: goKindOfScalar(f.elemType, f.elemFormat) };
}

function schemaForField(f: FieldMeta): SmpSchema {
  if (f.list) return { kind: 'slice', elem: schemaForElem(f) };
  if (f.map) return { kind: 'map' };
  if (f.ref) return schemaForDef(f.ref);
  return { kind: 'scalar', goKind: goKindOfScalar(f.type, f.format) };
}

/** reflect.Kind name of the Go type behind a schema, as upstream prints it in errors. */
export function goKindName(s: SmpSchema): string {
  switch (s.kind) {
    case 'struct':
    case 'opaque':
    case 'open':
      return 'struct';
    case 'map':
      return 'map';
    case 'slice':
      return 'slice';
    case 'scalar':
      return s.goKind;
  }
}

function findField(fields: Record<string, FieldMeta>, key: string): FieldMeta | undefined {
  if (Object.prototype.hasOwnProperty.call(fields, key)) return fields[key];
  // encoding/json falls back to a case-insensitive match, and so does upstream's lookup.
  const lower = key.toLowerCase();
  for (const [name, f] of Object.entries(fields)) if (name.toLowerCase() === lower) return f;
  return undefined;
}

export function lookupForStruct(s: SmpSchema, key: string): [SmpSchema, PatchMeta] {
  switch (s.kind) {
    case 'open':
      return [OPEN, { strategies: [], mergeKey: '' }];
    case 'struct': {
      const t = typeMeta(s.def);
      const f = t ? findField(t.fields, key) : undefined;
      // Upstream fails here, but only ever for keys its typed objects cannot hold; ours may
      // hold them (stored as JSON), so merge them without metadata rather than fail.
      if (!f) return [OPEN, { strategies: [], mergeKey: '' }];
      return [schemaForField(f), { strategies: (f.patchStrategy ?? '').split(','), mergeKey: f.patchMergeKey ?? '' }];
    }
    case 'opaque':
      throw new SchemaLookupError(`unable to find api field in struct ${s.name} for the json field ${JSON.stringify(key)}`);
    default:
      throw new SchemaLookupError(`merging an object in json but data type is not struct, instead is: ${goKindName(s)}`);
  }
}

export function lookupForSlice(s: SmpSchema, key: string): [SmpSchema, PatchMeta] {
  const [sub, meta] = lookupForStruct(s, key);
  if (sub.kind === 'open') return [OPEN, meta];
  if (sub.kind !== 'slice') throw new SchemaLookupError(`expected slice or array type, but got: ${goKindName(s)}`);
  if (sub.elem.kind === 'slice') throw new SchemaLookupError('unexpected slice of slice');
  return [sub.elem, meta];
}

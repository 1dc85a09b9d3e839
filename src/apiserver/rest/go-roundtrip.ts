// Makes a JSON body look as it would after upstream decodes it into Go structs and encodes it
// again: unknown fields and nulls vanish, and empty values of `omitempty` fields are dropped
// (an empty `annotations: {}`, `ports: []`, `hostNetwork: false`). Clients compare what they
// sent with what they read back (kubectl diff and apply), so stored objects must match.
// The Go facts (omitempty, pointer, inline) come from the protobuf field table.

import { isPlainObject } from '../../api/object.js';
import { MESSAGES, TOP_LEVEL_KINDS, type FieldDef } from '../protobuf/messages.js';

const flatFields = new Map<string, Map<string, FieldDef>>();

/** A message's JSON fields, with those of inline-embedded structs lifted into it. */
function fieldsOf(name: string): Map<string, FieldDef> | undefined {
  const cached = flatFields.get(name);
  if (cached) return cached;
  const msg = MESSAGES[name];
  if (!msg) return undefined;
  const out = new Map<string, FieldDef>();
  for (const f of msg.fields) {
    if (f.inline) {
      for (const [k, v] of fieldsOf(f.kind) ?? []) out.set(k, v);
    } else out.set(f.json, f);
  }
  flatFields.set(name, out);
  return out;
}

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double', 'float', 'uint32', 'uint64']);

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function normalizeValue(v: unknown, kind: string): unknown {
  if (SCALARS.has(kind)) return v;
  const msg = MESSAGES[kind];
  if (!msg || msg.special) return v;
  return isPlainObject(v) ? normalizeMessage(v, kind) : v;
}

function normalizeMessage(obj: Record<string, unknown>, name: string, keys: readonly string[] = Object.keys(obj)): Record<string, unknown> {
  const fields = fieldsOf(name);
  if (!fields) return obj;
  for (const key of keys) {
    if (!(key in obj)) continue;
    const f = fields.get(key);
    const v = obj[key];
    if (!f || v === null) {
      delete obj[key];
      continue;
    }
    if (f.kind.startsWith('map<')) {
      if (!isPlainObject(v)) continue;
      const valueKind = f.kind.slice(f.kind.indexOf(',') + 1, -1);
      for (const k of Object.keys(v)) v[k] = normalizeValue(v[k], valueKind);
      if (f.omitempty && Object.keys(v).length === 0) delete obj[key];
      continue;
    }
    if (f.repeated) {
      if (!Array.isArray(v)) continue;
      for (let i = 0; i < v.length; i++) v[i] = normalizeValue(v[i], f.kind);
      if (f.omitempty && v.length === 0) delete obj[key];
      continue;
    }
    if (SCALARS.has(f.kind)) {
      if (f.omitempty && !f.pointer && isZero(v)) delete obj[key];
      continue;
    }
    obj[key] = normalizeValue(v, f.kind);
  }
  return obj;
}

/**
 * Normalizes a top-level object of a built-in kind in place; other kinds are left alone. `only`
 * limits it to some top-level fields (the others already went through it: a status write keeps
 * the stored spec).
 */
export function goRoundTrip(obj: Record<string, unknown>, apiVersion: string, kind: string, only?: readonly string[]): void {
  const name = TOP_LEVEL_KINDS[`${apiVersion}/${kind}`];
  if (!name) return;
  const { apiVersion: av, kind: k } = obj;
  normalizeMessage(obj, name, only);
  obj.apiVersion = av;
  obj.kind = k;
}

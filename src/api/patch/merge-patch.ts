// RFC 7386 JSON Merge Patch as the apiserver applies it (evanphx/json-patch v4 MergePatch):
// null deletes a key; objects merge recursively; anything else replaces. Nulls inside values that
// are added whole are pruned too.
import type { JsonValue } from '../object.js';
import { cloneJson, isPlainObject } from '../object.js';
import { patchBadRequest, setOwn } from './patch-errors.js';

type Obj = { [key: string]: JsonValue };

function pruneNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) {
    // Null list elements are kept; only objects inside are pruned.
    for (const item of v) if (item !== null) pruneNulls(item);
    return v;
  }
  if (isPlainObject(v)) {
    const o = v as Obj;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else pruneNulls(o[k]);
    }
  }
  return v;
}

function merge(cur: JsonValue, patch: JsonValue): JsonValue {
  if (!isPlainObject(cur)) return pruneNulls(patch);
  if (!isPlainObject(patch)) return patch;
  mergeDocs(cur as Obj, patch as Obj);
  return cur;
}

function mergeDocs(doc: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
    } else if (!Object.prototype.hasOwnProperty.call(doc, k) || doc[k] === null) {
      setOwn(doc, k, pruneNulls(v));
    } else {
      setOwn(doc, k, merge(doc[k], v));
    }
  }
}

/**
 * Applies a merge patch (already parsed from JSON) and returns the new document; inputs are not
 * modified. A null or scalar patch is upstream's 400 "Invalid JSON Patch"; an array patch replaces
 * the whole document (which then fails to decode as an object, as upstream).
 */
export function applyMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (patch === null || (typeof patch !== 'object')) throw patchBadRequest('Invalid JSON Patch');
  const p = cloneJson(patch);
  if (Array.isArray(p)) return pruneNulls(p);
  if (!isPlainObject(doc)) return pruneNulls(p);
  const d = cloneJson(doc) as Obj;
  mergeDocs(d, p as Obj);
  return d;
}

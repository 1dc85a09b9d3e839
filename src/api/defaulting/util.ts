// Helpers for in-place defaulting of untyped JSON bodies.

import { isPlainObject } from '../object.js';

export type Obj = Record<string, unknown>;

/** The object at obj[k], created empty when absent (a Go struct field that is never nil). */
export function ensureObj(obj: Obj, k: string): Obj {
  const v = obj[k];
  if (isPlainObject(v)) return v;
  const fresh: Obj = {};
  obj[k] = fresh;
  return fresh;
}

export function objAt(obj: Obj, k: string): Obj | undefined {
  const v = obj[k];
  return isPlainObject(v) ? v : undefined;
}

export function arrAt(obj: Obj, k: string): Obj[] {
  const v = obj[k];
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** Sets obj[k] = value when unset (Go's `if x == nil` / `if x == ""` defaulting). */
export function setDefault(obj: Obj, k: string, value: unknown): void {
  if (obj[k] === undefined || obj[k] === null || obj[k] === '') obj[k] = value;
}

export function isObj(v: unknown): v is Obj {
  return isPlainObject(v);
}

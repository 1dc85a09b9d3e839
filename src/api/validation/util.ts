// Helpers shared by the validators: field-path building (upstream's field.Path rendering) and
// narrowing of untyped JSON bodies.

import { isPlainObject } from '../object.js';

export type Obj = Record<string, unknown>;

/** `a.b`, or `b` at the root; field.Path's Child(). */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** field.Path's Index(): `a[3]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** field.Path's Key(): `a[key]`, unquoted as upstream prints it. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

export function asObj(v: unknown): Obj | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** An object, or an empty one: mirrors Go's zero-valued embedded struct. */
export function objOf(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asStr(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function asNum(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export function asStrMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : String(val);
  return out;
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Deep equality on JSON data, ignoring key order; semantic DeepEqual for our purposes. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined && a[k] !== null);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined && b[k] !== null);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Go's nil-vs-empty distinction is lost in JSON; empty maps/lists equal absent ones (Semantic.DeepEqual does not, but omitempty makes them identical on the wire). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(prune(a), prune(b));
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(prune);
  if (isPlainObject(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined && p !== null) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

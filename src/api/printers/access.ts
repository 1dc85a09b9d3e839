// Total, typed reads of untyped JSON objects: printers must never throw on a partial object, and
// read absent fields as Go's zero values (the printers upstream work on typed structs).

import { isPlainObject } from '../object.js';

export type Obj = Record<string, unknown>;

export function get(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

export function has(o: unknown, ...path: string[]): boolean {
  const v = get(o, ...path);
  return v !== undefined && v !== null;
}

export function str(o: unknown, ...path: string[]): string {
  const v = get(o, ...path);
  return typeof v === 'string' ? v : '';
}

export function num(o: unknown, ...path: string[]): number {
  const v = get(o, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

export function bool(o: unknown, ...path: string[]): boolean {
  return get(o, ...path) === true;
}

export function arr(o: unknown, ...path: string[]): unknown[] {
  const v = get(o, ...path);
  return Array.isArray(v) ? v : [];
}

export function obj(o: unknown, ...path: string[]): Obj {
  const v = get(o, ...path);
  return isPlainObject(v) ? v : {};
}

/** Number of keys of a map field (Go's len(map)). */
export function mapLen(o: unknown, ...path: string[]): number {
  return Object.keys(obj(o, ...path)).length;
}

/** Status of the first condition of that type, e.g. "True"; "" if there is none. */
export function conditionStatus(o: unknown, type: string, ...path: string[]): string {
  const c = arr(o, ...path).find((x) => str(x, 'type') === type);
  return c === undefined ? '' : str(c, 'status');
}

/** intstr.IntOrString.String(). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'string' ? v : '0';
}

/** A resource.Quantity field as text; quantities are stored in canonical form, absent is "0". */
export function quantity(v: unknown): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return '0';
}

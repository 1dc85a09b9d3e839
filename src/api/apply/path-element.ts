// Field-path elements as structured-merge-diff models them (field name, associative-list key,
// set value, list index): their total order, the FieldsV1 key encoding (`f:`, `k:`, `v:`, `i:`)
// and the `.spec.containers[name="web"]` text used in conflict messages.
import type { JsonValue } from '../object.js';

export type KeyField = [name: string, value: JsonValue];

export type PathElement =
  | { f: string }
  | { k: KeyField[] } // sorted by name
  | { v: JsonValue }
  | { i: number };

export type Path = PathElement[];

function rank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5; // null sorts last, as in SMD's value.Compare
}

function cmpStr(a: string, b: string): number {
  // Go compares strings bytewise; UTF-16 order differs only outside the BMP, which keys never use.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SMD's total order over values: numbers, strings, bools, lists, maps, null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1: return cmpStr(a as string, b as string);
    case 2: return a === b ? 0 : a === false ? -1 : 1;
    case 3: {
      const la = a as JsonValue[];
      const lb = b as JsonValue[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length === lb.length ? 0 : la.length < lb.length ? -1 : 1;
    }
    case 4: {
      const ea = Object.entries(a as Record<string, JsonValue>).sort(([x], [y]) => cmpStr(x, y));
      const eb = Object.entries(b as Record<string, JsonValue>).sort(([x], [y]) => cmpStr(x, y));
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const c = cmpStr(ea[i][0], eb[i][0]) || compareValues(ea[i][1], eb[i][1]);
        if (c !== 0) return c;
      }
      return ea.length === eb.length ? 0 : ea.length < eb.length ? -1 : 1;
    }
    default: return 0;
  }
}

function peRank(pe: PathElement): number {
  return 'f' in pe ? 0 : 'k' in pe ? 1 : 'v' in pe ? 2 : 3;
}

export function comparePathElements(a: PathElement, b: PathElement): number {
  const ra = peRank(a);
  const rb = peRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ('f' in a && 'f' in b) return cmpStr(a.f, b.f);
  if ('k' in a && 'k' in b) {
    for (let i = 0; i < Math.min(a.k.length, b.k.length); i++) {
      const c = cmpStr(a.k[i][0], b.k[i][0]) || compareValues(a.k[i][1], b.k[i][1]);
      if (c !== 0) return c;
    }
    return a.k.length === b.k.length ? 0 : a.k.length < b.k.length ? -1 : 1;
  }
  if ('v' in a && 'v' in b) return compareValues(a.v, b.v);
  if ('i' in a && 'i' in b) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  return 0;
}

/** JSON as Go's encoding/json writes it: sorted map keys, and <, >, & escaped. */
export function goJson(v: JsonValue): string {
  if (v === null || typeof v !== 'object') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = Object.keys(v).sort(cmpStr);
  return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k])}`).join(',')}}`;
}

/** The FieldsV1 object key of one element, e.g. `f:image`, `k:{"name":"web"}`, `v:"x"`, `i:0`. */
export function serializePathElement(pe: PathElement): string {
  if ('f' in pe) return `f:${pe.f}`;
  if ('k' in pe) return `k:{${pe.k.map(([n, v]) => `${goJson(n)}:${goJson(v)}`).join(',')}}`;
  if ('v' in pe) return `v:${goJson(pe.v)}`;
  return `i:${pe.i}`;
}

export class UnknownPathElementType extends Error {}

export function deserializePathElement(s: string): PathElement {
  if (s.length < 2) throw new Error(`key must be 2 characters long: ${s}`);
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f': return { f: body };
    case 'v': return { v: JSON.parse(body) as JsonValue };
    case 'k': {
      const o: unknown = JSON.parse(body);
      if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error(`invalid key: ${s}`);
      const k = Object.entries(o as Record<string, JsonValue>) as KeyField[];
      k.sort(([a], [b]) => cmpStr(a, b));
      return { k };
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index: ${s}`);
      return { i: Number(body) };
    }
    default: throw new UnknownPathElementType(s);
  }
}

/** Go's value.ToString, for conflict messages. */
function valueText(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueText).join(',')}]`;
  return Object.keys(v).sort(cmpStr).map((k) => `${k}=${valueText(v[k])}`).join('');
}

export function pathElementString(pe: PathElement): string {
  if ('f' in pe) return `.${pe.f}`;
  if ('k' in pe) return `[${pe.k.map(([n, v]) => `${n}=${valueText(v)}`).join(',')}]`;
  if ('v' in pe) return `[=${valueText(pe.v)}]`;
  return `[${pe.i}]`;
}

export function pathString(p: Path): string {
  return p.map(pathElementString).join('');
}

// Resource lists as quota does arithmetic on them (upstream's quota/v1 resources.go): exact sums,
// differences, masks and comparisons of named quantities, and the sorted "name=value" form that
// quota's error messages print.

import { addQuantity, compareQuantity, formatQuantity, parseQuantity, type Quantity } from '../validation/quantity.js';

/** Resource name → quantity. */
export type ResourceList = Record<string, Quantity>;

export const ZERO: Quantity = { num: 0n, scale: 0, format: 'DecimalSI' };

export function qty(n: number | string): Quantity {
  const r = parseQuantity(n);
  if (!r.ok) throw new Error(`bad quantity ${n}`);
  return r.quantity;
}

/** Parses a wire resource list; values that do not parse are skipped (validation owns them). */
export function parseResourceList(list: unknown): ResourceList {
  const out: ResourceList = {};
  if (!list || typeof list !== 'object') return out;
  for (const [k, v] of Object.entries(list as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const r = parseQuantity(v);
    if (r.ok) out[k] = r.quantity;
  }
  return out;
}

export function formatResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(list).sort()) out[k] = formatQuantity(list[k]);
  return out;
}

/** Quantity.Add: a zero left side takes the right side's format, so 0 + 1Gi prints as 1Gi. */
export function addQ(a: Quantity, b: Quantity): Quantity {
  const sum = addQuantity(a, b);
  return a.num === 0n ? { ...sum, format: b.format } : sum;
}

function negate(q: Quantity): Quantity {
  return { ...q, num: -q.num };
}

/** a + b over the union of names. */
export function add(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [k, q] of Object.entries(b)) out[k] = k in out ? addQ(out[k], q) : q;
  return out;
}

/** a − b, clamped at zero per name (SubtractWithNonNegativeResult). */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = addQ(a[k] ?? ZERO, negate(b[k] ?? ZERO));
    out[k] = d.num < 0n ? { ...ZERO, format: d.format } : d;
  }
  return out;
}

/** Only the named entries. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = {};
  for (const n of names) if (n in list) out[n] = list[n];
  return out;
}

export function isZero(list: ResourceList): boolean {
  return Object.values(list).every((q) => q.num === 0n);
}

export function negativeNames(list: ResourceList): string[] {
  return Object.keys(list).filter((k) => list[k].num < 0n).sort();
}

/** Same names with equal values. */
export function equals(a: ResourceList, b: ResourceList): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && compareQuantity(a[k], b[k]) === 0);
}

/** Whether every entry of a that b also names is ≤ b's; the names that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { ok: boolean; exceeded: string[] } {
  const exceeded = Object.keys(a).filter((k) => k in b && compareQuantity(a[k], b[k]) > 0);
  return { ok: exceeded.length === 0, exceeded };
}

/** "cpu=1,pods=2": sorted by name, canonical values, as quota's messages print lists. */
export function prettyPrint(list: ResourceList): string {
  return Object.keys(list).sort().map((k) => `${k}=${formatQuantity(list[k])}`).join(',');
}

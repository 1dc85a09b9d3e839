// Container resource requirements (ValidateContainerResourceRequirements): names, quantities and
// requests <= limits.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import { isQualifiedName } from './names.js';
import { isNegativeErrorMsg } from './object-meta.js';
import { parseQuantity, compareQuantity, formatQuantity, milliValue } from './quantity.js';
import type { Quantity } from './quantity.js';
import { child, key, objOf } from './util.js';

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Extended (non-native) resources must be integers and may not be overcommitted. */
function isExtended(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

function isStandardContainerResourceName(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || isHugePages(name);
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (!name.includes('/')) {
    if (!isStandardContainerResourceName(name)) errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtended(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity, reporting upstream's decode error as an Invalid (decode normally rejects it first). */
export function quantityAt(v: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const r = parseQuantity(typeof v === 'number' ? v : typeof v === 'string' ? v : '');
  if (!r.ok) {
    errs.push(field.invalid(path, typeof v === 'string' ? v : String(v), r.error));
    return undefined;
  }
  return r.quantity;
}

export function validateResourceQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.num < 0n) errs.push(field.invalid(path, formatQuantity(q), isNegativeErrorMsg));
  if (isExtended(name) && milliValue(q) % 1000n !== 0n) errs.push(field.invalid(path, formatQuantity(q), 'must be an integer'));
  return errs;
}

export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = objOf(resources);
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits: Record<string, Quantity> = {};
  for (const [name, raw] of Object.entries(objOf(r.limits))) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (!q) continue;
    limits[name] = q;
    errs.push(...validateResourceQuantityValue(name, q, p));
  }
  for (const [name, raw] of Object.entries(objOf(r.requests))) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const lim = limits[name];
    const overcommit = !isExtended(name) && !isHugePages(name);
    if (lim) {
      const c = compareQuantity(q, lim);
      if (c !== 0 && !overcommit) errs.push(field.invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
      else if (c > 0) errs.push(field.invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
    } else if (!overcommit) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

// metav1.LabelSelector: validation (apis/meta/v1/validation) and matching against a label set.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import { isValidLabelValue } from './names.js';
import { validateLabelName, validateLabels } from './object-meta.js';
import { child, index, asArr, asStr, asObj, asStrMap } from './util.js';

export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  const s = asObj(sel);
  if (!s) return [];
  const errs = validateLabels(s.matchLabels, child(path, 'matchLabels'));
  asArr(s.matchExpressions).forEach((raw, i) => {
    const e = asObj(raw) ?? {};
    const p = index(child(path, 'matchExpressions'), i);
    const op = asStr(e.operator);
    const values = asArr(e.values).map(asStr);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(field.required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(field.forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(field.invalid(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(asStr(e.key), child(p, 'key')));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(v)) errs.push(field.invalid(index(child(p, 'values'), j), v, m));
    });
  });
  return errs;
}

/** An absent or empty selector selects everything (labels.Everything()), which callers treat as "no check". */
export function selectorIsEmpty(sel: unknown): boolean {
  const s = asObj(sel);
  if (!s) return true;
  return Object.keys(asStrMap(s.matchLabels)).length === 0 && asArr(s.matchExpressions).length === 0;
}

export function selectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean {
  const s = asObj(sel);
  if (!s) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(asStrMap(s.matchLabels))) if (l[k] !== v) return false;
  for (const raw of asArr(s.matchExpressions)) {
    const e = asObj(raw) ?? {};
    const k = asStr(e.key);
    const values = asArr(e.values).map(asStr);
    const has = Object.prototype.hasOwnProperty.call(l, k);
    switch (asStr(e.operator)) {
      case 'In':
        if (!has || !values.includes(l[k])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[k])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

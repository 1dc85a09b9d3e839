// FieldErrors whose value upstream prints with Go's %#v (maps, structs, slices) or whose type the
// shared FieldError lacks (NotFound). Rendering matches field.Error.ErrorBody().

import { FieldError } from '../errors.js';
import type { FieldErrorType } from '../errors.js';

const typeLabels: Record<string, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

/** A FieldError whose bad value is already rendered as upstream prints it. */
export class RenderedFieldError extends FieldError {
  constructor(
    reason: FieldErrorType,
    field: string,
    readonly rendered: string | undefined,
    detail = '',
  ) {
    super(reason, field, rendered, detail, rendered !== undefined);
  }

  override detailMessage(): string {
    let s = typeLabels[this.reason] ?? this.reason;
    if (this.rendered !== undefined) s += `: ${this.rendered}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }
}

/** Go's %q for a string (close enough: JSON escaping differs only for control characters). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** field.NotFound: `Not found: "name"`. The shared FieldErrorType lacks this reason, hence the cast. */
export function notFound(path: string, value: unknown): FieldError {
  return new RenderedFieldError('FieldValueNotFound', path, renderScalar(value));
}

/** field.Invalid with a value printed by %#v (maps, slices, structs). */
export function invalidRendered(path: string, rendered: string, detail: string): FieldError {
  return new RenderedFieldError('FieldValueInvalid', path, rendered, detail);
}

export function notSupportedRendered(path: string, rendered: string, valid: string[]): FieldError {
  return new RenderedFieldError('FieldValueNotSupported', path, rendered, valid.length ? `supported values: ${valid.map(goQuote).join(', ')}` : '');
}

export function duplicateRendered(path: string, rendered: string): FieldError {
  return new RenderedFieldError('FieldValueDuplicate', path, rendered);
}

function renderScalar(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** %#v of map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`; nil prints `map[string]string(nil)`. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k])}`).join(', ')}}`;
}

/** %#v of []string. */
export function goStringSlice(a: string[] | undefined | null, elemType = 'string'): string {
  if (!a) return `[]${elemType}(nil)`;
  return `[]${elemType}{${a.map(goQuote).join(', ')}}`;
}

/** %#v of intstr.IntOrString (a value, so its pointer-receiver String() is not used). */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'number') return `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`;
  return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(typeof v === 'string' ? v : '')}}`;
}

/** %#v of a *metav1.LabelSelector once dereferenced. */
export function goLabelSelector(sel: unknown, pkg = 'v1'): string {
  if (sel === undefined || sel === null) return 'null';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key?: string; operator?: string; values?: string[] }> };
  const exprs = s.matchExpressions
    ? `[]${pkg}.LabelSelectorRequirement{${s.matchExpressions
        .map((e) => `${pkg}.LabelSelectorRequirement{Key:${goQuote(e.key ?? '')}, Operator:${goQuote(e.operator ?? '')}, Values:${goStringSlice(e.values)}}`)
        .join(', ')}}`
    : `[]${pkg}.LabelSelectorRequirement(nil)`;
  return `${pkg}.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

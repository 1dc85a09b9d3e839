// The API errors patch application produces, shaped as the apiserver's patch handler shapes them
// (k8s.io/apiserver/pkg/endpoints/handlers/patch.go), plus Go-style value formatting for the
// messages that upstream builds with fmt's %v.
import { StatusError, errors } from '../errors.js';

/**
 * 422 for a patch that decoded but could not be applied. Upstream builds it with
 * NewGenericServerResponse, which drops the underlying message and keeps a fixed one; the real
 * reason is kept here as `cause` for logs and tests only.
 */
export function patchNotApplicable(why: string): StatusError {
  const err = new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  (err as Error).cause = why;
  return err;
}

export function patchBadRequest(message: string): StatusError {
  return errors.badRequest(message);
}

/** A plain Go error reaching the handler: 500 with no reason and the error text (ErrorToAPIStatus). */
export function patchUnknownError(message: string): StatusError {
  return new StatusError(500, '', message);
}

/** fmt's %v rendering of decoded JSON (maps print with sorted keys, as Go does). */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goFormat(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // %v on float64 switches to exponent form below 1e-4 and from 1e21, with a two-digit exponent.
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e');
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  return String(n);
}

/** The Go type name of a decoded JSON value, as reflect.TypeOf prints it. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  // The apiserver decodes patches preserving integers as int64.
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Error text of a JSON decode type mismatch, as encoding/json words it. */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** Sets an own key even when it is `__proto__` (JSON may carry it; plain assignment would not). */
export function setOwn(o: { [key: string]: unknown }, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

// What Go's typed JSON decoding says about values that do not fit: Go type names of schemas,
// JSON value descriptions, and the custom unmarshalers of Quantity, Time and IntOrString, so
// type errors read exactly as upstream's (sigs.k8s.io/json, apimachinery).
import { INT_OR_STRING, MICRO_TIME, QUANTITY, refName, TIME } from './types.js';
import type { Schema } from './types.js';

/** Go's reflect Type.String() for the type a schema was generated from (best effort: named string types read as `string`). */
export function goTypeName(s: Schema | undefined): string {
  if (!s) return 'interface {}';
  const name = refName(s) ?? (s.allOf?.length === 1 ? refName(s.allOf[0]) : undefined);
  if (name) return goNamedType(name);
  if (s['x-kubernetes-int-or-string']) return 'intstr.IntOrString';
  switch (s.type) {
    case 'array':
      return `[]${goTypeName(s.items)}`;
    case 'object': {
      const ap = s.additionalProperties;
      if (ap && typeof ap === 'object') {
        // The built-in maps of quantities are all v1.ResourceList.
        if (refName(ap) === QUANTITY) return 'v1.ResourceList';
        return `map[string]${goTypeName(ap)}`;
      }
      return 'map[string]interface {}';
    }
    case 'string':
      return s.format === 'byte' ? '[]uint8' : 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return s.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    default:
      return 'interface {}';
  }
}

/** `io.k8s.api.core.v1.PodSpec` -> `v1.PodSpec`: package name, then type name. */
export function goNamedType(defName: string): string {
  const parts = defName.split('.');
  return parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : defName;
}

/** The struct name Go reports as UnmarshalTypeError.Struct: the bare type name. */
export function goStructName(defName: string): string {
  return defName.slice(defName.lastIndexOf('.') + 1);
}

/** How Go's decoder describes a JSON value in "cannot unmarshal X" (numbers carry their text only when they do not fit an integer). */
export function jsonValueKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Why a JSON value does not fit an integer of the given format: undefined when it does. */
export function intMismatch(v: unknown, format: string | undefined): string | undefined {
  if (typeof v !== 'number') return jsonValueKind(v);
  const [lo, hi] = INT_RANGE[format === 'int32' ? 'int32' : 'int64'];
  if (!Number.isInteger(v) || v < lo || v > hi) return `number ${String(v)}`;
  return undefined;
}

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
const QUANTITY_SHAPE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)([eEinumkKMGTP]*[-+]?\d*)$/;
const QUANTITY_SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** resource.ParseQuantity's verdict on a string: undefined when valid, else its error text. */
export function quantityError(s: string): string | undefined {
  const str = s.trim();
  if (str === '0') return undefined;
  const m = QUANTITY_SHAPE.exec(str);
  if (!m) return QUANTITY_FORMAT_ERROR;
  const suffix = m[1];
  if (QUANTITY_SUFFIXES.has(suffix) || /^[eE][-+]?\d+$/.test(suffix)) return undefined;
  return QUANTITY_SUFFIX_ERROR;
}

// time.Parse(RFC3339) walks its layout element by element; its error names the first element
// the value does not match, as "cannot parse <rest> as <element>".
const RFC3339_STEPS: Array<[string, RegExp]> = [
  ['2006', /^\d{4}/],
  ['-', /^-/],
  ['01', /^\d{2}/],
  ['-', /^-/],
  ['02', /^\d{2}/],
  ['T', /^T/],
  ['15', /^\d{2}/],
  [':', /^:/],
  ['04', /^\d{2}/],
  [':', /^:/],
  ['05', /^\d{2}/],
];

/** The error metav1.Time's (or MicroTime's) unmarshaler gives for a string, or undefined. */
export function timeError(value: string, micro = false): string | undefined {
  const layout = micro ? '2006-01-02T15:04:05.000000Z07:00' : '2006-01-02T15:04:05Z07:00';
  const fail = (rest: string, elem: string) => `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(elem)}`;
  let rest = value;
  const nums: number[] = [];
  for (const [elem, re] of RFC3339_STEPS) {
    const m = re.exec(rest);
    if (!m) return fail(rest, elem);
    if (/^\d/.test(m[0])) nums.push(Number(m[0]));
    rest = rest.slice(m[0].length);
  }
  if (micro) {
    const m = /^\.\d{6}/.exec(rest);
    if (!m) return fail(rest, '.000000');
    rest = rest.slice(m[0].length);
  } else {
    // RFC3339 parsing accepts fractional seconds even though the layout has none.
    const m = /^[.,]\d+/.exec(rest);
    if (m) rest = rest.slice(m[0].length);
  }
  const z = /^(?:Z|[+-]\d{2}:\d{2})/.exec(rest);
  if (!z) return fail(rest, 'Z07:00');
  rest = rest.slice(z[0].length);
  if (rest) return `parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest)}`;
  const [, month, day, hour, minute, second] = nums;
  const range = (what: string) => `parsing time ${JSON.stringify(value)}: ${what} out of range`;
  if (month < 1 || month > 12) return range('month');
  const dim = new Date(Date.UTC(nums[0], month, 0)).getUTCDate();
  if (day < 1 || day > dim) return range('day');
  if (hour > 23) return range('hour');
  if (minute > 59) return range('minute');
  if (second > 59) return range('second');
  return undefined;
}

export type Special = 'int-or-string' | 'quantity' | 'time' | 'micro-time' | 'raw';

/** Definitions whose Go types have their own unmarshalers (or hold arbitrary JSON). */
export function specialOf(defName: string | undefined, s: Schema): Special | undefined {
  if (defName === INT_OR_STRING || s['x-kubernetes-int-or-string']) return 'int-or-string';
  if (defName === QUANTITY) return 'quantity';
  if (defName === TIME) return 'time';
  if (defName === MICRO_TIME) return 'micro-time';
  if (defName && /\.(RawExtension|FieldsV1|JSON|JSONSchemaPropsOrArray|JSONSchemaPropsOrBool|JSONSchemaPropsOrStringArray)$/.test(defName)) return 'raw';
  return undefined;
}

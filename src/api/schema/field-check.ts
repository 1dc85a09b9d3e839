// Checks a decoded request body against its OpenAPI definition the way upstream's strict typed
// decoding sees it: unknown fields (with upstream's paths, `spec.containers[0].foo`) and the first
// value that does not fit its Go type (with upstream's `json: cannot unmarshal ...` text).
//
// How the API server turns the result into responses (see decode-errors.ts):
// - typeErrors non-empty: create/update answer 400 `<Kind> in version "<v>" cannot be handled as a
//   <Kind>: <typeErrors[0]>` (decodeTypeError); patches answer 422 with a `patch` cause.
// - otherwise, with fieldValidation=Strict: create/update answer 400 `<Kind> in version "<v>" cannot
//   be handled as a <Kind>: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`;
//   patches answer 400 `strict decoding error: unknown field "spec.foo"` (strictDecodingError).
// - with Warn (the default): one `Warning: 299 - "unknown field \"spec.foo\""` header per field
//   (warningsFor + warningHeaderValue), and the request goes on with the fields dropped.
// - with Ignore: nothing.
import { goStructName, goTypeName, intMismatch, jsonValueKind, quantityError, specialOf, timeError } from './go-decode.js';
import { OBJECT_META, refName } from './types.js';
import type { Schema, SchemaSet } from './types.js';

export { decodeTypeError, patchDecodeError, strictDecodingError, strictDecodingMessage, warningHeaderValue, warningsFor } from './decode-errors.js';

export interface FieldCheckResult {
  /** Paths of fields the schema does not know, in document order, deduplicated (upstream keeps at most 100). */
  unknownFields: string[];
  /** Go decoding errors; the first is the one upstream reports. */
  typeErrors: string[];
  /** Duplicate keys can only be seen in the raw text; a parsed object has none. */
  duplicateFields?: string[];
}

export interface FieldCheckOptions {
  /**
   * Whether the definition is a compiled Go type (built-in kinds), whose decoding reports type
   * errors. Custom resources are decoded untyped: only unknown fields apply (their types are
   * checked by schema validation). Defaults to definitions named io.k8s.*.
   */
  typed?: boolean;
}

const MAX_STRICT_ERRORS = 100;
const MAX_DEPTH = 128;

interface Loc {
  /** Strict-error path: dotted, with [i] for list items and .key for map entries. */
  path: string;
  /** Go's error-context field stack: struct field names only. */
  fields: string[];
  /** The innermost struct type holding the field. */
  struct: string;
}

class Walker {
  readonly unknown: string[] = [];
  private readonly seen = new Set<string>();
  private saved: string | undefined;
  private fatal: string | undefined;

  constructor(
    private readonly defs: SchemaSet['definitions'],
    private readonly typed: boolean,
  ) {}

  get typeErrors(): string[] {
    // An unmarshaler's error aborts decoding and wins over an earlier saved type error.
    if (this.fatal) return this.saved ? [this.fatal, this.saved] : [this.fatal];
    return this.saved ? [this.saved] : [];
  }

  private addUnknown(path: string): void {
    if (this.unknown.length >= MAX_STRICT_ERRORS || this.seen.has(path)) return;
    this.seen.add(path);
    this.unknown.push(path);
  }

  private typeError(valueDesc: string, goType: string, at: Loc, fatal = false): void {
    if (!this.typed) return;
    const msg =
      at.struct || at.fields.length
        ? `json: cannot unmarshal ${valueDesc} into Go struct field ${at.struct}.${at.fields.join('.')} of type ${goType}`
        : `json: cannot unmarshal ${valueDesc} into Go value of type ${goType}`;
    if (fatal) this.fatal = msg;
    else this.saved ??= msg;
  }

  /** Follows `$ref` (and a single-`allOf` wrapper) to the definition. */
  private resolve(s: Schema): { schema: Schema; def?: string } {
    let cur = s;
    let def: string | undefined;
    for (let i = 0; i < 8; i++) {
      const name = refName(cur) ?? (cur.allOf?.length === 1 ? refName(cur.allOf[0]) : undefined);
      if (!name) break;
      def = name;
      const next = this.defs[name];
      if (!next) return { schema: {}, def };
      cur = next;
    }
    return { schema: cur, def };
  }

  visit(value: unknown, declared: Schema, at: Loc, depth: number): void {
    if (this.fatal || value === null || value === undefined || depth > MAX_DEPTH) return;
    const { schema: s, def } = this.resolve(declared);
    const goType = () => (def ? goTypeName({ $ref: `#/definitions/${def}` }) : goTypeName(s));
    switch (specialOf(def, s)) {
      case 'raw':
        return;
      case 'int-or-string':
        if (typeof value === 'string') return;
        {
          const why = intMismatch(value, 'int32');
          if (why) this.typeError(why, 'int32', at, true);
        }
        return;
      case 'quantity': {
        const err = typeof value === 'string' || typeof value === 'number' ? quantityError(String(value)) : quantityError(JSON.stringify(value));
        if (err && this.typed) this.fatal = err;
        return;
      }
      case 'time':
      case 'micro-time': {
        if (typeof value !== 'string') {
          this.typeError(jsonValueKind(value), 'string', at, true);
          return;
        }
        const err = timeError(value, specialOf(def, s) === 'micro-time');
        if (err && this.typed) this.fatal = err;
        return;
      }
      default:
        break;
    }
    const type = s.type ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
    switch (type) {
      case 'object':
        return this.visitObject(value, s, def, at, depth, goType);
      case 'array': {
        if (!Array.isArray(value)) return this.typeError(jsonValueKind(value), goType(), at);
        const items = s.items ?? {};
        value.forEach((v, i) => this.visit(v, items, { ...at, path: `${at.path}[${i}]` }, depth + 1));
        return;
      }
      case 'string':
        if (typeof value !== 'string') this.typeError(jsonValueKind(value), goType(), at);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.typeError(jsonValueKind(value), goType(), at);
        return;
      case 'integer': {
        const why = intMismatch(value, s.format);
        if (why) this.typeError(why, goType(), at);
        return;
      }
      case 'number':
        if (typeof value !== 'number') this.typeError(jsonValueKind(value), goType(), at);
        return;
      default:
        return;
    }
  }

  private visitObject(value: unknown, s: Schema, def: string | undefined, at: Loc, depth: number, goType: () => string): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.typeError(jsonValueKind(value), goType(), at);
    const obj = value as Record<string, unknown>;
    const props = s.properties;
    const ap = s.additionalProperties;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    if (!props) {
      // A map: values share the map field's Go context; strict paths gain the key.
      if (ap && typeof ap === 'object') {
        for (const [k, v] of Object.entries(obj)) this.visit(v, ap, { ...at, path: join(at.path, k) }, depth + 1);
      }
      return;
    }
    const structName = def ? goStructName(def) : at.struct;
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    for (const [k, v] of Object.entries(obj)) {
      let child = props[k];
      // Custom resources keep ObjectMeta semantics for metadata whatever their schema says.
      if ((k === 'metadata' && (at.path === '' || embedded) && child && !refName(child)) || (!child && embedded && k === 'metadata')) child = { $ref: `#/definitions/${OBJECT_META}` };
      if (!child && embedded && (k === 'apiVersion' || k === 'kind')) child = { type: 'string' };
      if (!child) {
        if (ap && typeof ap === 'object') this.visit(v, ap, { ...at, path: join(at.path, k) }, depth + 1);
        else if (!preserve && ap !== true) this.addUnknown(join(at.path, k));
        continue;
      }
      this.visit(v, child, { path: join(at.path, k), fields: [...at.fields, k], struct: structName }, depth + 1);
      if (this.fatal) return;
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Walks obj against definition defName: unknown fields and Go type mismatches. */
export function checkObjectFields(obj: unknown, defName: string, schemas: SchemaSet, opts: FieldCheckOptions = {}): FieldCheckResult {
  const typed = opts.typed ?? defName.startsWith('io.k8s.');
  const w = new Walker(schemas.definitions, typed);
  if (!schemas.definitions[defName]) return { unknownFields: [], typeErrors: [] };
  w.visit(obj, { $ref: `#/definitions/${defName}` }, { path: '', fields: [], struct: '' }, 0);
  return { unknownFields: w.unknown, typeErrors: w.typeErrors };
}

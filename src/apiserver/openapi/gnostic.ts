// Encodes a Swagger 2.0 JSON document as gnostic's openapi_v2.Document protobuf (the format
// /openapi/v2 serves to kubectl). Field numbers follow github.com/google/gnostic
// openapiv2/OpenAPIv2.proto. Values of extensions, enums and defaults travel as YAML text in
// Any.yaml; JSON text is valid YAML, which is what we write.
import { PbWriter } from './pb-writer.js';

type Json = unknown;
type Obj = Record<string, Json>;
type W = PbWriter;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: Json): number | undefined => (typeof v === 'number' ? v : undefined);
const bool = (v: Json): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const strList = (v: Json): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Any { yaml = 2 } as field `no`. */
function any(w: W, no: number, v: Json): void {
  w.message(no, (m) => m.string(2, `${JSON.stringify(v)}\n`));
}

/** NamedAny { name = 1; value = 2 } as field `no`, for each x- key. */
function vendorExtensions(w: W, no: number, o: Obj): void {
  for (const k in o) if (k.startsWith('x-')) { const v = o[k]; w.message(no, (m) => { m.string(1, k); any(m, 2, v); }); }
}

export function writeSchema(w: W, s: Obj): void {
  w.string(1, str(s.$ref));
  w.string(2, str(s.format));
  w.string(3, str(s.title));
  w.string(4, str(s.description));
  if (s.default !== undefined) any(w, 5, s.default);
  w.double(6, num(s.multipleOf));
  w.double(7, num(s.maximum));
  w.bool(8, bool(s.exclusiveMaximum));
  w.double(9, num(s.minimum));
  w.bool(10, bool(s.exclusiveMinimum));
  w.int64(11, num(s.maxLength));
  w.int64(12, num(s.minLength));
  w.string(13, str(s.pattern));
  w.int64(14, num(s.maxItems));
  w.int64(15, num(s.minItems));
  w.bool(16, bool(s.uniqueItems));
  w.int64(17, num(s.maxProperties));
  w.int64(18, num(s.minProperties));
  w.strings(19, strList(s.required));
  if (Array.isArray(s.enum)) for (const e of s.enum) any(w, 20, e);
  const ap = s.additionalProperties;
  // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }
  if (isObj(ap)) w.message(21, (m) => m.message(1, (x) => writeSchema(x, ap)));
  else if (typeof ap === 'boolean') w.message(21, (m) => m.bool(2, ap, true));
  // TypeItem { repeated string value = 1 }
  if (typeof s.type === 'string') { const t = s.type; w.message(22, (m) => m.strings(1, [t])); }
  else if (Array.isArray(s.type)) { const t = strList(s.type); w.message(22, (m) => m.strings(1, t)); }
  // ItemsItem { repeated Schema schema = 1 }
  const items = s.items;
  if (isObj(items)) w.message(23, (m) => m.message(1, (x) => writeSchema(x, items)));
  else if (Array.isArray(items)) w.message(23, (m) => { for (const i of items.filter(isObj)) m.message(1, (x) => writeSchema(x, i)); });
  if (Array.isArray(s.allOf)) for (const a of s.allOf.filter(isObj)) w.message(24, (x) => writeSchema(x, a));
  // Properties { repeated NamedSchema additional_properties = 1 }
  const props = s.properties;
  if (isObj(props))
    w.message(25, (m) => {
      for (const [k, v] of Object.entries(props)) if (isObj(v)) m.message(1, (n) => { n.string(1, k); n.message(2, (x) => writeSchema(x, v)); });
    });
  w.string(26, str(s.discriminator));
  w.bool(27, bool(s.readOnly));
  if (s.example !== undefined) any(w, 30, s.example);
  vendorExtensions(w, 31, s);
}

// Operations repeat the same parameter objects (dryRun, fieldValidation...): encode each once.
const encodedParams = new WeakMap<Obj, Buffer>();

function paramBytes(p: Obj): Buffer {
  let b = encodedParams.get(p);
  if (!b) {
    const w = new PbWriter();
    writeParameter(w, p);
    b = w.finish();
    encodedParams.set(p, b);
  }
  return b;
}

function writeParameter(w: W, p: Obj): void {
  // ParametersItem { Parameter parameter = 1; JsonReference json_reference = 2 }
  if (p.$ref !== undefined) {
    w.message(2, (m) => m.string(1, str(p.$ref)));
    return;
  }
  w.message(1, (param) => {
    if (p.in === 'body') {
      // Parameter.body_parameter = 1: BodyParameter { description = 1; name = 2; in = 3; required = 4; schema = 5; vendor_extension = 6 }
      param.message(1, (b) => {
        b.string(1, str(p.description)).string(2, str(p.name)).string(3, 'body').bool(4, bool(p.required));
        if (isObj(p.schema)) { const sc = p.schema; b.message(5, (x) => writeSchema(x, sc)); }
        vendorExtensions(b, 6, p);
      });
      return;
    }
    // Parameter.non_body_parameter = 2: NonBodyParameter { header = 1; form_data = 2; query = 3; path = 4 }.
    // The sub-schemas share fields 1..4; type, format and unique_items are numbered per kind.
    const which = p.in === 'path' ? 4 : p.in === 'header' ? 1 : p.in === 'formData' ? 2 : 3;
    const [typeNo, formatNo, uniqueNo, extNo] = which === 4 || which === 1 ? [5, 6, 19, 22] : [6, 7, 20, 23];
    param.message(2, (nb) =>
      nb.message(which, (sub) => {
        sub.bool(1, bool(p.required)).string(2, str(p.in)).string(3, str(p.description)).string(4, str(p.name));
        sub.string(typeNo, str(p.type)).string(formatNo, str(p.format)).bool(uniqueNo, bool(p.uniqueItems));
        vendorExtensions(sub, extNo, p);
      }),
    );
  });
}

function writeResponses(w: W, r: Obj): void {
  // Responses { repeated NamedResponseValue response_code = 1; vendor_extension = 2 }
  for (const [code, v] of Object.entries(r)) {
    if (!isObj(v) || code.startsWith('x-')) continue;
    // NamedResponseValue { name = 1; ResponseValue value = 2 { Response response = 1 { description = 1; SchemaItem schema = 2 { Schema schema = 1 } } } }
    w.message(1, (nr) => {
      nr.string(1, code);
      nr.message(2, (rv) =>
        rv.message(1, (resp) => {
          resp.string(1, str(v.description));
          if (isObj(v.schema)) { const sc = v.schema; resp.message(2, (si) => si.message(1, (x) => writeSchema(x, sc))); }
          vendorExtensions(resp, 5, v);
        }),
      );
    });
  }
  vendorExtensions(w, 2, r);
}

function writeOperation(w: W, o: Obj): void {
  w.strings(1, strList(o.tags));
  w.string(2, str(o.summary));
  w.string(3, str(o.description));
  w.string(5, str(o.operationId));
  w.strings(6, strList(o.produces));
  w.strings(7, strList(o.consumes));
  if (Array.isArray(o.parameters)) for (const p of o.parameters.filter(isObj)) w.bytes(8, paramBytes(p));
  if (isObj(o.responses)) { const r = o.responses; w.message(9, (x) => writeResponses(x, r)); }
  w.strings(10, strList(o.schemes));
  w.bool(11, bool(o.deprecated));
  vendorExtensions(w, 13, o);
}

const METHOD_FIELDS: Array<[string, number]> = [['get', 2], ['put', 3], ['post', 4], ['delete', 5], ['options', 6], ['head', 7], ['patch', 8]];

function writePathItem(w: W, p: Obj): void {
  w.string(1, str(p.$ref));
  for (const [method, no] of METHOD_FIELDS) { const o = p[method]; if (isObj(o)) w.message(no, (x) => writeOperation(x, o)); }
  if (Array.isArray(p.parameters)) for (const q of p.parameters.filter(isObj)) w.bytes(9, paramBytes(q));
  vendorExtensions(w, 10, p);
}

/** The whole document: Document { swagger = 1; info = 2; paths = 8; definitions = 9; security = 12; security_definitions = 13; vendor_extension = 16 }. */
export function encodeSwaggerDocument(doc: Obj): Buffer {
  const w = new PbWriter();
  w.string(1, str(doc.swagger));
  const info = doc.info;
  if (isObj(info)) w.message(2, (m) => { m.string(1, str(info.title)).string(2, str(info.version)).string(3, str(info.description)); vendorExtensions(m, 7, info); });
  w.string(3, str(doc.host));
  w.string(4, str(doc.basePath));
  w.strings(5, strList(doc.schemes));
  w.strings(6, strList(doc.consumes));
  w.strings(7, strList(doc.produces));
  const paths = doc.paths;
  // Paths { vendor_extension = 1; repeated NamedPathItem path = 2 { name = 1; PathItem value = 2 } }
  if (isObj(paths)) w.message(8, (m) => { for (const [k, v] of Object.entries(paths)) if (isObj(v)) m.message(2, (n) => { n.string(1, k); n.message(2, (x) => writePathItem(x, v)); }); });
  const defs = doc.definitions;
  // Definitions { repeated NamedSchema additional_properties = 1 }
  if (isObj(defs)) w.message(9, (m) => { for (const [k, v] of Object.entries(defs)) if (isObj(v)) m.message(1, (n) => { n.string(1, k); n.message(2, (x) => writeSchema(x, v)); }); });
  if (Array.isArray(doc.security))
    for (const req of doc.security.filter(isObj))
      // SecurityRequirement { repeated NamedStringArray additional_properties = 1 { name = 1; StringArray value = 2 { repeated string value = 1 } } }
      w.message(12, (m) => { for (const [k, v] of Object.entries(req)) m.message(1, (n) => { n.string(1, k); n.message(2, (a) => a.strings(1, strList(v))); }); });
  const sd = doc.securityDefinitions;
  if (isObj(sd))
    w.message(13, (m) => {
      for (const [k, v] of Object.entries(sd)) {
        if (!isObj(v) || v.type !== 'apiKey') continue;
        // NamedSecurityDefinitionsItem { name = 1; value = 2 { ApiKeySecurity api_key_security = 2 { type = 1; name = 2; in = 3; description = 4 } } }
        m.message(1, (n) => { n.string(1, k); n.message(2, (item) => item.message(2, (key) => key.string(1, 'apiKey').string(2, str(v.name)).string(3, str(v.in)).string(4, str(v.description)))); });
      }
    });
  vendorExtensions(w, 16, doc);
  return w.finish();
}

// Decodes `application/vnd.kubernetes.protobuf` request bodies (what kubectl 1.32's typed clients
// send) into the JSON object upstream's Go types would serialise to, driven by the table in
// messages.ts.
//
// Which wire fields become JSON keys (Go writes every non-pointer field, zero or not):
// - scalars: kept, except zero values ('' / 0 / false / empty bytes) of non-pointer fields whose json
//   tag has omitempty, exactly as encoding/json drops them; pointer fields keep their zero values;
// - nested messages: always kept ({} when empty), as encoding/json never omits structs, except
//   zero metav1.Time/MicroTime (Go writes null; we omit the key), empty RawExtension/FieldsV1, and a
//   zero IntOrString in a non-pointer omitempty field (Go writes 0; we omit it so defaulting sees it
//   unset, which is what upstream's defaulting does with 0 too);
// - repeated fields and maps: kept when they have elements; absent means nil and is omitted.
// int64 values become JS numbers (precision beyond 2^53 is lost, as with a JSON body).
import { StatusError, errors } from '../../api/errors.js';
import { ANY_VERSION_KINDS, MESSAGES, TOP_LEVEL_KINDS } from './messages.js';
import type { FieldDef, MessageDef } from './messages.js';
import { formatDuration, formatTime } from './well-known.js';
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireReader, protoError } from './wire.js';

export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

const MAX_DEPTH = 100;
const OMIT = Symbol('omit');
const utf8 = new TextDecoder('utf-8');

type Scalar = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double' | 'float';
const SCALARS: ReadonlySet<string> = new Set<Scalar>(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

/** A field with its kind parsed: exactly one of scalar / message, plus mapKey for maps. */
interface Resolved {
  def: FieldDef;
  scalar?: Scalar;
  message?: string;
  mapKey?: Scalar;
}

const resolvedCache = new Map<string, Map<number, Resolved>>();

function messageDef(name: string): MessageDef {
  const m = MESSAGES[name];
  if (!m) throw protoError(`no message definition for ${name}`);
  return m;
}

function resolveKind(kind: string): { scalar?: Scalar; message?: string } {
  if (SCALARS.has(kind)) return { scalar: kind as Scalar };
  messageDef(kind);
  return { message: kind };
}

function resolvedFields(name: string): Map<number, Resolved> {
  let r = resolvedCache.get(name);
  if (r) return r;
  r = new Map();
  for (const def of messageDef(name).fields) {
    const map = /^map<(\w+),(.+)>$/.exec(def.kind);
    if (map) {
      const key = resolveKind(map[1]!);
      if (!key.scalar) throw protoError(`map key of ${name}.${def.json} is not a scalar`);
      r.set(def.n, { def, mapKey: key.scalar, ...resolveKind(map[2]!) });
    } else {
      r.set(def.n, { def, ...resolveKind(def.kind) });
    }
  }
  resolvedCache.set(name, r);
  return r;
}

function expectedWire(scalar: Scalar | undefined): number {
  switch (scalar) {
    case 'bool':
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      return WIRE_VARINT;
    case 'double':
      return WIRE_FIXED64;
    case 'float':
      return WIRE_FIXED32;
    default:
      return WIRE_LEN;
  }
}

/** Own-property assignment, so a map key such as `__proto__` stays data, as JSON.parse keeps it. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function readScalar(r: WireReader, scalar: Scalar): unknown {
  switch (scalar) {
    case 'string':
      return utf8.decode(r.lengthDelimited());
    case 'bytes':
      return Buffer.from(r.lengthDelimited()).toString('base64');
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'uint32':
      return Number(BigInt.asUintN(32, r.varint()));
    // 64-bit integers stay BigInt until the object is assembled, so Duration keeps full precision.
    case 'int64':
      return BigInt.asIntN(64, r.varint());
    case 'uint64':
      return r.varint();
    case 'double': {
      const b = r.fixed(8);
      return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
    }
    case 'float': {
      const b = r.fixed(4);
      return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
    }
  }
}

function jsonNumber(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function readValue(r: WireReader, f: { scalar?: Scalar; message?: string }, depth: number): unknown {
  if (f.scalar) return readScalar(r, f.scalar);
  return decodeMessage(r.lengthDelimited(), f.message!, depth + 1);
}

function checkWire(owner: string, f: Resolved, wire: number, expected: number): void {
  if (wire !== expected) {
    throw protoError(`wrong wire type ${wire} for field ${owner}.${f.def.json} (${f.def.n}), expected ${expected}`);
  }
}

function decodeMapEntry(bytes: Uint8Array, owner: string, f: Resolved, depth: number): [string, unknown] {
  const r = new WireReader(bytes);
  let key: unknown;
  let value: unknown;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      checkWire(owner, f, wire, expectedWire(f.mapKey));
      key = readScalar(r, f.mapKey!);
    } else if (field === 2) {
      checkWire(owner, f, wire, expectedWire(f.scalar));
      value = readValue(r, f, depth);
    } else {
      r.skip(wire);
    }
  }
  // A missing key or value is the zero value, as Go's map-entry decoding leaves it.
  if (key === undefined) key = f.mapKey === 'string' ? '' : f.mapKey === 'bool' ? false : 0;
  if (value === undefined) {
    value = f.message ? decodeMessage(new Uint8Array(0), f.message, depth + 1) : zeroOf(f.scalar!);
  }
  return [String(jsonNumber(key)), value === OMIT ? null : jsonNumber(value)];
}

function zeroOf(scalar: Scalar): unknown {
  switch (scalar) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    default:
      return 0;
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === false || v === 0 || v === 0n;
}

/** Wire fields of one message: field number → last value (singular), array (repeated) or object (map). */
function collect(bytes: Uint8Array, name: string, depth: number): Map<number, unknown> {
  const fields = resolvedFields(name);
  const values = new Map<number, unknown>();
  const r = new WireReader(bytes);
  while (!r.done()) {
    const { field, wire } = r.tag();
    const f = fields.get(field);
    if (!f) {
      r.skip(wire);
      continue;
    }
    if (f.mapKey) {
      checkWire(name, f, wire, WIRE_LEN);
      const [k, v] = decodeMapEntry(r.lengthDelimited(), name, f, depth);
      let obj = values.get(field) as Record<string, unknown> | undefined;
      if (!obj) values.set(field, (obj = {}));
      setKey(obj, k, v);
      continue;
    }
    const expected = expectedWire(f.scalar);
    if (f.def.repeated) {
      let arr = values.get(field) as unknown[] | undefined;
      if (!arr) values.set(field, (arr = []));
      if (wire === WIRE_LEN && expected !== WIRE_LEN) {
        // Packed repeated scalars: one length-delimited run of values.
        const packed = r.lengthDelimited();
        const pr = new WireReader(packed);
        while (!pr.done()) arr.push(jsonNumber(readScalar(pr, f.scalar!)));
        continue;
      }
      checkWire(name, f, wire, expected);
      const v = readValue(r, f, depth);
      arr.push(v === OMIT ? null : jsonNumber(v));
      continue;
    }
    checkWire(name, f, wire, expected);
    values.set(field, readValue(r, f, depth));
  }
  return values;
}

function decodeSpecial(bytes: Uint8Array, name: string, special: NonNullable<MessageDef['special']>, depth: number): unknown {
  const v = collect(bytes, name, depth);
  switch (special) {
    case 'time':
    case 'microtime': {
      // An empty message is the zero time (Go marshals zero Time as no bytes at all).
      if (bytes.length === 0) return OMIT;
      const seconds = (v.get(1) as bigint | undefined) ?? 0n;
      const nanos = (v.get(2) as number | undefined) ?? 0;
      return formatTime(seconds, nanos, special === 'microtime');
    }
    case 'duration':
      return formatDuration((v.get(1) as bigint | undefined) ?? 0n);
    case 'quantity': {
      const s = v.get(1) as string | undefined;
      return s ? s : '0';
    }
    case 'intorstring': {
      const type = (v.get(1) as bigint | undefined) ?? 0n;
      return type === 1n ? ((v.get(3) as string | undefined) ?? '') : ((v.get(2) as number | undefined) ?? 0);
    }
    case 'items':
      return (v.get(1) as unknown[] | undefined) ?? [];
    case 'rawjson':
      return rawJson(v, depth);
  }
}

function rawJson(v: Map<number, unknown>, depth: number): unknown {
  const b64 = v.get(1) as string | undefined;
  if (!b64) return OMIT;
  const raw = Buffer.from(b64, 'base64');
  if (raw.length >= 4 && raw.subarray(0, 4).equals(PROTOBUF_MAGIC)) return decodeEnvelope(raw, undefined, depth + 1).object;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (e) {
    throw protoError(`embedded raw object is not JSON: ${(e as Error).message}`);
  }
}

function decodeMessage(bytes: Uint8Array, name: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw protoError(`message nesting deeper than ${MAX_DEPTH}`);
  const msg = messageDef(name);
  if (msg.special) return decodeSpecial(bytes, name, msg.special, depth);
  const values = collect(bytes, name, depth);
  const out: Record<string, unknown> = {};
  const fields = resolvedFields(name);
  for (const def of msg.fields) {
    if (!values.has(def.n)) continue;
    const v = values.get(def.n);
    if (def.inline) {
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) setKey(out, k, x);
      continue;
    }
    if (v === OMIT) continue;
    const f = fields.get(def.n)!;
    const single = !def.repeated && !f.mapKey;
    const zeroable = f.scalar !== undefined || messageDef(f.message!).special === 'intorstring';
    if (single && def.omitempty && !def.pointer && zeroable && isZero(v)) continue;
    setKey(out, def.json, jsonNumber(v));
  }
  return out;
}

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

function decodeEnvelope(body: Uint8Array, defaults: { apiVersion?: string; kind?: string } | undefined, depth: number): DecodedObject {
  if (body.length < 4 || !PROTOBUF_MAGIC.every((b, i) => body[i] === b)) {
    throw errors.badRequest('protobuf: body does not start with the Kubernetes protobuf magic "k8s\\x00"');
  }
  const r = new WireReader(body, 4);
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array(0);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 || field === 2) {
      if (wire !== WIRE_LEN) throw protoError(`wrong wire type ${wire} for runtime.Unknown field ${field}`);
      const b = r.lengthDelimited();
      if (field === 2) {
        raw = b;
        continue;
      }
      const tm = new WireReader(b);
      while (!tm.done()) {
        const t = tm.tag();
        if ((t.field === 1 || t.field === 2) && t.wire !== WIRE_LEN) throw protoError(`wrong wire type ${t.wire} for runtime.TypeMeta field ${t.field}`);
        if (t.field === 1) apiVersion = utf8.decode(tm.lengthDelimited());
        else if (t.field === 2) kind = utf8.decode(tm.lengthDelimited());
        else tm.skip(t.wire);
      }
    } else {
      // contentEncoding / contentType: upstream's protobuf serializer does not act on them either.
      r.skip(wire);
    }
  }
  apiVersion ||= defaults?.apiVersion ?? '';
  kind ||= defaults?.kind ?? '';
  if (!kind) throw errors.badRequest('Object \'Kind\' is missing in protobuf body');
  const message = TOP_LEVEL_KINDS[`${apiVersion}/${kind}`] ?? ANY_VERSION_KINDS[kind];
  if (!message) throw errors.badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const decoded = decodeMessage(raw, message, depth) as Record<string, unknown>;
  const object: Record<string, unknown> = { kind, apiVersion };
  for (const [k, v] of Object.entries(decoded)) setKey(object, k, v);
  return { apiVersion, kind, object };
}

/**
 * Decodes a `k8s\0`-prefixed runtime.Unknown envelope and its raw object. `defaults` fills an empty
 * apiVersion/kind (upstream defaults them from the request path). Malformed input throws a 400 StatusError.
 */
export function decodeProtobufObject(body: Uint8Array, defaults?: { apiVersion?: string; kind?: string }): DecodedObject {
  try {
    return decodeEnvelope(body, defaults, 0);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    // Defensive: whatever slipped through (e.g. engine limits) is still the client's bad body.
    throw errors.badRequest(`protobuf: ${e instanceof Error ? e.message : String(e)}`);
  }
}

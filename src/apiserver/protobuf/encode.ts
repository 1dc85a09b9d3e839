// JSON → Kubernetes protobuf, the mirror of decode.ts, written the way Go's generated marshallers
// write (every non-pointer field, zero or not; fields in number order; map keys sorted). The API
// server answers in JSON, so this serves tests and tools rather than responses.
import { errors } from '../../api/errors.js';
import { ANY_VERSION_KINDS, MESSAGES, TOP_LEVEL_KINDS } from './messages.js';
import type { FieldDef, MessageDef } from './messages.js';
import { PROTOBUF_MAGIC } from './decode.js';
import { parseDuration, parseTime } from './well-known.js';
import { WIRE_FIXED64, WIRE_VARINT, WireWriter } from './wire.js';

const utf8 = new TextEncoder();
const SCALARS: ReadonlySet<string> = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(message: string): Error {
  return errors.badRequest(`protobuf encode: ${message}`);
}

function toInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw bad(`${what}: expected an integer, got ${JSON.stringify(v)}`);
}

function writeScalar(w: WireWriter, n: number, scalar: string, v: unknown, what: string): void {
  switch (scalar) {
    case 'string':
      w.lengthDelimited(n, utf8.encode(v === undefined || v === null ? '' : String(v)));
      return;
    case 'bytes':
      w.lengthDelimited(n, typeof v === 'string' ? Buffer.from(v, 'base64') : new Uint8Array(0));
      return;
    case 'bool':
      w.tag(n, WIRE_VARINT).varint(v === true ? 1 : 0);
      return;
    case 'double': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, typeof v === 'number' ? v : 0, true);
      w.tag(n, WIRE_FIXED64).raw(b);
      return;
    }
    default:
      w.tag(n, WIRE_VARINT).varint(v === undefined || v === null ? 0n : toInt(v, what));
  }
}

function encodeSpecial(v: unknown, special: NonNullable<MessageDef['special']>, name: string): Uint8Array {
  const w = new WireWriter();
  switch (special) {
    case 'time':
    case 'microtime':
      // Go writes a zero Time as an empty message.
      if (typeof v === 'string' && v !== '') {
        const t = parseTime(v);
        w.tag(1, WIRE_VARINT).varint(t.seconds).tag(2, WIRE_VARINT).varint(t.nanos);
      }
      break;
    case 'duration':
      w.tag(1, WIRE_VARINT).varint(typeof v === 'string' ? parseDuration(v) : 0n);
      break;
    case 'quantity':
      w.lengthDelimited(1, utf8.encode(v === undefined || v === null ? '0' : String(v)));
      break;
    case 'intorstring': {
      const isStr = typeof v === 'string';
      w.tag(1, WIRE_VARINT).varint(isStr ? 1 : 0);
      w.tag(2, WIRE_VARINT).varint(isStr || v === undefined || v === null ? 0n : toInt(v, name));
      w.lengthDelimited(3, utf8.encode(isStr ? v : ''));
      break;
    }
    case 'rawjson':
      if (v !== undefined && v !== null) w.lengthDelimited(1, utf8.encode(JSON.stringify(v)));
      break;
    case 'items':
      for (const s of Array.isArray(v) ? v : []) w.lengthDelimited(1, utf8.encode(String(s)));
      break;
  }
  return w.finish();
}

function writeValue(w: WireWriter, n: number, kind: string, v: unknown, what: string): void {
  if (SCALARS.has(kind)) writeScalar(w, n, kind, v, what);
  else w.lengthDelimited(n, encodeMessage(v, kind));
}

function writeField(w: WireWriter, obj: Record<string, unknown>, def: FieldDef, owner: string): void {
  const what = `${owner}.${def.json}`;
  if (def.inline) {
    w.lengthDelimited(def.n, encodeMessage(obj, def.kind));
    return;
  }
  const v = obj[def.json];
  const map = /^map<(\w+),(.+)>$/.exec(def.kind);
  if (map) {
    if (!isRecord(v)) return;
    for (const key of Object.keys(v).sort()) {
      const entry = new WireWriter();
      writeScalar(entry, 1, map[1]!, key, what);
      writeValue(entry, 2, map[2]!, v[key], what);
      w.lengthDelimited(def.n, entry.finish());
    }
    return;
  }
  if (def.repeated) {
    if (!Array.isArray(v)) return;
    for (const item of v) writeValue(w, def.n, def.kind, item, what);
    return;
  }
  if ((v === undefined || v === null) && def.pointer) return;
  writeValue(w, def.n, def.kind, v, what);
}

function encodeMessage(v: unknown, name: string): Uint8Array {
  const msg = MESSAGES[name];
  if (!msg) throw bad(`no message definition for ${name}`);
  if (msg.special) return encodeSpecial(v, msg.special, name);
  const obj = isRecord(v) ? v : {};
  const w = new WireWriter();
  for (const def of [...msg.fields].sort((a, b) => a.n - b.n)) writeField(w, obj, def, name);
  return w.finish();
}

/** Encodes a JSON object (with apiVersion and kind) as a `k8s\0` runtime.Unknown envelope. */
export function encodeProtobufObject(obj: Record<string, unknown>): Uint8Array {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const message = TOP_LEVEL_KINDS[`${apiVersion}/${kind}`] ?? ANY_VERSION_KINDS[kind];
  if (!message) throw bad(`no kind "${kind}" is registered for version "${apiVersion}"`);
  const typeMeta = new WireWriter().lengthDelimited(1, utf8.encode(apiVersion)).lengthDelimited(2, utf8.encode(kind)).finish();
  const unknown = new WireWriter()
    .lengthDelimited(1, typeMeta)
    .lengthDelimited(2, encodeMessage(obj, message))
    .lengthDelimited(3, new Uint8Array(0))
    .lengthDelimited(4, new Uint8Array(0))
    .finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + unknown.length);
  out.set(PROTOBUF_MAGIC);
  out.set(unknown, PROTOBUF_MAGIC.length);
  return out;
}

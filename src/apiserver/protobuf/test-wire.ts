// Test helpers: hand-build protobuf messages and `k8s\0` envelopes field by field, so tests can
// state exact wire input (negative varints, packed runs, unknown fields) independent of encode.ts.
import { WIRE_LEN, WIRE_VARINT, WireWriter } from './wire.js';

/** A field value: string/Uint8Array → length-delimited, number/bigint/boolean → varint. */
export type WireValue = string | Uint8Array | number | bigint | boolean;

export function msg(...fields: Array<[number, WireValue]>): Uint8Array {
  const w = new WireWriter();
  for (const [n, v] of fields) {
    if (typeof v === 'string') w.lengthDelimited(n, new TextEncoder().encode(v));
    else if (v instanceof Uint8Array) w.lengthDelimited(n, v);
    else w.tag(n, WIRE_VARINT).varint(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }
  return w.finish();
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0x6b, 0x38, 0x73, 0x00), msg([1, msg([1, apiVersion], [2, kind])], [2, raw], [3, ''], [4, '']));
}

/** A packed repeated-varint field: one length-delimited run. */
export function packed(n: number, values: Array<number | bigint>): Uint8Array {
  const run = new WireWriter();
  for (const v of values) run.varint(v);
  return new WireWriter().tag(n, WIRE_LEN).varint(run.finish().length).raw(run.finish()).finish();
}

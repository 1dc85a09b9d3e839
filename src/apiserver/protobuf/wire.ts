// Protobuf wire-format primitives: a bounds-checked reader (every malformed input becomes a 400
// StatusError, never a RangeError or a hang) and a growable writer used by the test encoder.
import { errors } from '../../api/errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export function protoError(message: string): Error {
  return errors.badRequest(`protobuf: ${message}`);
}

export class WireReader {
  pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as an unsigned 64-bit BigInt; callers narrow it (int32, int64, bool). */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw protoError('unexpected end of data in varint');
      const b = this.buf[this.pos++]!;
      // The tenth byte may only carry the 64th bit.
      if (i === 9 && b > 1) throw protoError('varint overflows 64 bits');
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
    throw protoError('varint overflows 64 bits');
  }

  /** A varint known to be small (tags, lengths), as a number. */
  smallVarint(what: string, max: number): number {
    const v = this.varint();
    if (v > BigInt(max)) throw protoError(`${what} ${v} out of range`);
    return Number(v);
  }

  tag(): { field: number; wire: number } {
    const t = this.smallVarint('tag', 0xffffffff);
    const field = Math.floor(t / 8);
    const wire = t & 7;
    if (field === 0) throw protoError('illegal field number 0');
    return { field, wire };
  }

  lengthDelimited(): Uint8Array {
    const len = this.smallVarint('length', 0x7fffffff);
    if (len > this.end - this.pos) throw protoError(`length ${len} exceeds the ${this.end - this.pos} bytes left`);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  fixed(n: 4 | 8): Uint8Array {
    if (n > this.end - this.pos) throw protoError('unexpected end of data in fixed-width field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.fixed(8);
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.fixed(4);
        return;
      default:
        throw protoError(`unsupported wire type ${wire}`);
    }
  }
}

export class WireWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Writes v as a varint; negative values take ten bytes (two's complement), as Go writes int32/int64. */
  varint(v: bigint | number): this {
    let u = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.len++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.len++] = Number(u);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  lengthDelimited(field: number, bytes: Uint8Array): this {
    return this.tag(field, WIRE_LEN).varint(bytes.length).raw(bytes);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// A minimal protobuf (proto3) writer into one growing buffer. Nested messages reserve room for
// their length, are written in place, then the length is filled in (and the body moved back when
// the length varint is shorter than reserved), so a multi-megabyte document costs one pass.

const RESERVED = 5; // a length varint of up to 2^35 - 1 bytes

export class PbWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private varint(n: number): void {
    this.ensure(10);
    if (n < 0) {
      // Negative int64 varints take ten bytes (two's complement).
      let big = BigInt.asUintN(64, BigInt(Math.trunc(n)));
      while (big > 0x7fn) {
        this.buf[this.pos++] = Number((big & 0x7fn) | 0x80n);
        big >>= 7n;
      }
      this.buf[this.pos++] = Number(big);
      return;
    }
    let v = n;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  private key(no: number, wire: number): void {
    this.varint(no * 8 + wire);
  }

  private rawString(no: number, s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.key(no, 2);
    this.varint(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A string field; proto3 omits the empty string. */
  string(no: number, s: string | undefined): this {
    if (s !== undefined && s !== '') this.rawString(no, s);
    return this;
  }

  /** Repeated strings keep empty elements. */
  strings(no: number, list: readonly string[] | undefined): this {
    for (const s of list ?? []) this.rawString(no, s);
    return this;
  }

  /** A bool field; `always` writes false too (oneof members). */
  bool(no: number, v: boolean | undefined, always = false): this {
    if (v === undefined || (!v && !always)) return this;
    this.key(no, 0);
    this.varint(v ? 1 : 0);
    return this;
  }

  int64(no: number, v: number | undefined): this {
    if (v === undefined || v === 0) return this;
    this.key(no, 0);
    this.varint(v);
    return this;
  }

  double(no: number, v: number | undefined): this {
    if (v === undefined || v === 0) return this;
    this.key(no, 1);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** An embedded message written by `body`; it is present even when empty. */
  message(no: number, body: (w: this) => void): this {
    this.key(no, 2);
    this.ensure(RESERVED);
    const lenAt = this.pos;
    this.pos += RESERVED;
    const start = this.pos;
    body(this);
    const len = this.pos - start;
    let lenBytes = 1;
    for (let v = len; v > 0x7f; v = Math.floor(v / 128)) lenBytes++;
    if (lenBytes < RESERVED) this.buf.copyWithin(lenAt + lenBytes, start, this.pos);
    this.pos = lenAt;
    this.varint(len);
    this.pos += len;
    return this;
  }

  /** An embedded message given as its encoded bytes (for messages shared across a document). */
  bytes(no: number, encoded: Uint8Array): this {
    this.key(no, 2);
    this.varint(encoded.length);
    this.ensure(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
    return this;
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PbWriter } from './pb-writer.js';

const hex = (b: Buffer) => b.toString('hex');

describe('PbWriter', () => {
  test('scalars as proto3 encodes them (defaults omitted)', () => {
    const table: Array<[string, (w: PbWriter) => void, string]> = [
      ['string', (w) => w.string(1, 'hi'), '0a026869'],
      ['empty string omitted', (w) => w.string(1, ''), ''],
      ['repeated strings keep empties', (w) => w.strings(2, ['', 'a']), '1200120161'],
      ['bool', (w) => w.bool(3, true), '1801'],
      ['false omitted', (w) => w.bool(3, false), ''],
      ['false in a oneof', (w) => w.bool(2, false, true), '1000'],
      ['int64 300', (w) => w.int64(4, 300), '20ac02'],
      ['negative int64', (w) => w.int64(1, -1), '08ffffffffffffffffff01'],
      ['double', (w) => w.double(7, 1.5), '39000000000000f83f'],
      ['high field number', (w) => w.string(31, 'x'), 'fa010178'],
    ];
    for (const [name, f, want] of table) {
      const w = new PbWriter();
      f(w);
      assert.equal(hex(w.finish()), want, name);
    }
  });

  test('nested messages get their length, even when empty or long', () => {
    const w = new PbWriter();
    w.message(1, () => {});
    w.message(2, (m) => m.message(3, (n) => n.string(1, 'ab')));
    assert.equal(hex(w.finish()), '0a0012061a040a026162');
    const long = 'x'.repeat(200);
    const w2 = new PbWriter();
    w2.message(5, (m) => m.string(1, long));
    const out = w2.finish();
    assert.equal(hex(out.subarray(0, 6)), '2acb010ac801');
    assert.equal(out.length, 6 + 200);
  });

  test('pre-encoded messages and growth past the initial buffer', () => {
    const inner = new PbWriter().string(1, 'z').finish();
    const w = new PbWriter();
    for (let i = 0; i < 30000; i++) w.bytes(2, inner);
    const out = w.finish();
    assert.equal(out.length, 30000 * 5);
    assert.equal(hex(out.subarray(0, 5)), '12030a017a');
  });
});

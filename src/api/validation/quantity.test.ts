import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, formatQuantity, compareQuantity, quantityFormatError } from './quantity.js';

describe('quantity', () => {
  const canonical: Array<[string | number, string]> = [
    ['100m', '100m'], ['1Gi', '1Gi'], ['1e3', '1e3'], ['1.5', '1500m'], ['2000', '2k'], ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'], ['0.1', '100m'], ['512', '512'], ['0', '0'], [2, '2'], ['500Ki', '500Ki'], ['1000Ki', '1000Ki'],
  ];
  for (const [input, want] of canonical) {
    test(`canonical ${input}`, () => {
      const r = parseQuantity(input);
      assert.ok(r.ok);
      assert.equal(formatQuantity(r.quantity), want);
    });
  }
  for (const bad of ['', 'abc', '1.2.3', '1Z', '--1']) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      const r = parseQuantity(bad);
      assert.ok(!r.ok);
      assert.equal(r.error, quantityFormatError);
    });
  }
  test('compare across formats', () => {
    const q = (s: string) => {
      const r = parseQuantity(s);
      assert.ok(r.ok);
      return r.quantity;
    };
    assert.equal(compareQuantity(q('1'), q('1000m')), 0);
    assert.equal(compareQuantity(q('1Gi'), q('1G')), 1);
    assert.equal(compareQuantity(q('250m'), q('0.5')), -1);
  });
});

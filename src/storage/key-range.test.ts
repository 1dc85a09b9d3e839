import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixEnd } from './key-range.js';

test('prefixEnd', () => {
  const cases: [string, string | undefined][] = [
    ['', undefined],
    ['/registry/pods/', '/registry/pods0'],
    ['/a', '/b'],
    ['a\ud7ff', 'a\ue000'],
    ['a\uffff', 'a\u{10000}'],
    ['a\u{10FFFF}', 'b'],
    ['\u{10FFFF}', undefined],
  ];
  for (const [prefix, end] of cases) assert.equal(prefixEnd(prefix), end, JSON.stringify(prefix));
});

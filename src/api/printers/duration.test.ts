import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRFC3339, humanDuration, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [-1 * s, '0s'],
    [-1999, '0s'],
    [-2 * s, '<invalid>'],
    [999, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [125 * s, '2m5s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m, '3h5m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    [48 * h, '2d'],
    [49 * h, '2d1h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [731 * d, '2y1d'],
    [8 * 365 * d, '8y'],
    [9 * 365 * d + 40 * d, '9y'],
  ];
  for (const [ms, want] of cases) test(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('translateTimestampSince', () => {
  const now = new Date('2024-06-01T12:00:00Z');
  const cases: [string | undefined | null, string][] = [
    [undefined, '<unknown>'],
    [null, '<unknown>'],
    ['', '<unknown>'],
    ['0001-01-01T00:00:00Z', '<unknown>'],
    ['not a time', '<unknown>'],
    ['2024-06-01T11:55:00Z', '5m'],
    ['2024-06-01T11:59:59.500000Z', '0s'],
    ['2024-06-01T12:00:01Z', '0s'],
    ['2024-06-01T12:00:05Z', '<invalid>'],
    ['2024-05-01T12:00:00Z', '31d'],
  ];
  for (const [ts, want] of cases) test(`${String(ts)} -> ${want}`, () => assert.equal(translateTimestampSince(ts, now), want));
});

test('formatRFC3339 drops fractions and normalises to UTC', () => {
  assert.equal(formatRFC3339('2024-06-01T11:00:00Z'), '2024-06-01T11:00:00Z');
  assert.equal(formatRFC3339('2024-06-01T13:00:00.123+02:00'), '2024-06-01T11:00:00Z');
  assert.equal(formatRFC3339(undefined), '0001-01-01T00:00:00Z');
});

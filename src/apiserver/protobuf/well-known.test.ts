import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatTime, parseDuration, parseTime } from './well-known.js';

describe('formatDuration matches Go time.Duration.String()', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'], [1n, '1ns'], [999n, '999ns'], [1500n, '1.5µs'], [1_000_000n, '1ms'], [1_500_000n, '1.5ms'],
    [1_000_000_000n, '1s'], [1_500_000_000n, '1.5s'], [60_000_000_000n, '1m0s'], [3_600_000_000_000n, '1h0m0s'],
    [5_430_000_000_000n, '1h30m30s'], [-2_000_000_000n, '-2s'], [-1n, '-1ns'], [2n ** 63n - 1n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, text] of cases) {
    test(text, () => {
      assert.equal(formatDuration(ns), text);
      assert.equal(parseDuration(text), ns);
    });
  }
});

describe('formatTime: RFC 3339 in UTC, Go-style', () => {
  const cases: Array<[bigint, number, boolean, string]> = [
    [0n, 0, false, '1970-01-01T00:00:00Z'],
    [1700000000n, 999_999_999, false, '2023-11-14T22:13:20Z'],
    [1700000000n, 123_456_789, true, '2023-11-14T22:13:20.123456Z'],
    [1700000000n, 0, true, '2023-11-14T22:13:20.000000Z'],
    [1700000000n, -1, false, '2023-11-14T22:13:19Z'],
    [1700000000n, 1_500_000_000, true, '2023-11-14T22:13:21.500000Z'],
    [-62167219200n, 0, false, '0000-01-01T00:00:00Z'],
    [253402300799n, 0, false, '9999-12-31T23:59:59Z'],
  ];
  for (const [s, n, micro, text] of cases) {
    test(text, () => assert.equal(formatTime(s, n, micro), text));
  }
  test('out of Go range throws', () => {
    assert.throws(() => formatTime(253402300800n, 0, false), /year outside/);
    assert.throws(() => formatTime(-62167219201n, 0, false), /year outside/);
  });
  test('parseTime inverts it, including offsets and years below 100', () => {
    assert.deepEqual(parseTime('2023-11-14T22:13:20.123456Z'), { seconds: 1700000000n, nanos: 123456000 });
    assert.deepEqual(parseTime('2023-11-14T23:13:20+01:00'), { seconds: 1700000000n, nanos: 0 });
    assert.deepEqual(parseTime('0000-01-01T00:00:00Z'), { seconds: -62167219200n, nanos: 0 });
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, goDuration } from './backoff.js';

test('crash-loop back-off: first restart at once, then 10 s doubling to 5 min, reset after 10 min', () => {
  let now = 1_000_000;
  const b = new Backoff({ now: () => now });
  const k = 'c';
  assert.equal(b.isInBackOffSince(k, now), false);
  b.next(k, now);
  const seen: number[] = [];
  for (let i = 0; i < 7; i++) {
    const finished = now;
    assert.equal(b.isInBackOffSince(k, finished), true);
    seen.push(b.get(k));
    now += b.get(k);
    assert.equal(b.isInBackOffSince(k, finished), false);
    b.next(k, finished);
  }
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  // Ran for more than 10 minutes since the last back-off: starts over.
  now += 11 * 60_000;
  b.next(k, now);
  assert.equal(b.get(k), 10_000);
});

test('isInBackOffSinceUpdate counts from the last failure (image pulls)', () => {
  let now = 0;
  const b = new Backoff({ now: () => now });
  b.next('img', now);
  now = 9_999;
  assert.equal(b.isInBackOffSinceUpdate('img', now), true);
  now = 10_000;
  assert.equal(b.isInBackOffSinceUpdate('img', now), false);
});

test('goDuration prints as Go does', () => {
  const cases: [number, string][] = [
    [10_000, '10s'],
    [20_000, '20s'],
    [80_000, '1m20s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
    [1_200, '1.2s'],
    [3_723_000, '1h2m3s'],
  ];
  for (const [ms, want] of cases) assert.equal(goDuration(ms), want, String(ms));
});

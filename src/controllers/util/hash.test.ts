// pod-template-hash: FNV vectors, alphabet, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, computeHash, fnv32a, safeEncodeString } from './hash.js';

test('fnv32a matches the reference vectors', () => {
  const enc = new TextEncoder();
  for (const [s, want] of [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]] as const) assert.equal(fnv32a(enc.encode(s)), want);
});

test('safeEncodeString maps digits as upstream', () => {
  // '0' is 48, 48 % 27 = 21 -> '4'; '1' -> '5'; '9' is 57, 57 % 27 = 3 -> 'f'
  assert.equal(safeEncodeString('019'), '45f');
});

test('computeHash is key-order independent and changes with collisionCount', () => {
  const a = { metadata: { labels: { app: 'web', x: 'y' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { x: 'y', app: 'web' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(computeHash(a), computeHash(b));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

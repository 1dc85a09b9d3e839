// controller.ComputeHash: determinism and the collision count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash } from './hash.js';

test('computeHash is key-order independent and changes with the template and collisionCount', () => {
  const a = { metadata: { labels: { app: 'web', x: 'y' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { x: 'y', app: 'web' } } };
  assert.equal(computeHash(a), computeHash(b));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.notEqual(computeHash(a), computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

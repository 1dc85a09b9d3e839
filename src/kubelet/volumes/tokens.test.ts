// Token refresh timing: 80% of the lifetime, or 24 hours, whichever comes first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenRequiresRefresh } from './tokens.js';

test('tokenRequiresRefresh', () => {
  const issued = Date.parse('2024-01-01T00:00:00Z');
  const cases: [number, number, boolean][] = [
    // [expirationSeconds, seconds since issue, due]
    [3607, 0, false],
    [3607, 2885, false],
    [3607, 2887, true],
    [3600, 2881, true],
    [7 * 24 * 3600, 23 * 3600, false],
    [7 * 24 * 3600, 24 * 3600 + 1, true],
  ];
  for (const [ttl, age, want] of cases) {
    const exp = new Date(issued + ttl * 1000);
    assert.equal(tokenRequiresRefresh(exp, ttl, new Date(issued + age * 1000)), want, `ttl ${ttl} age ${age}`);
  }
});

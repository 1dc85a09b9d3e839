// Controller expectations: counting, deletion keys, expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations, EXPECTATIONS_TTL_MS } from './expectations.js';

test('expectations hold until every create and delete is observed, or expire', () => {
  let now = 0;
  const e = new Expectations(() => now);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectCreations('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a');
  assert.equal(e.satisfied('ns/rs'), false);
  now += EXPECTATIONS_TTL_MS + 1;
  assert.equal(e.satisfied('ns/rs'), true);
});

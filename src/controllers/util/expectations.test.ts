// Controller expectations: counting, deletion keys, expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations, EXPECTATIONS_TTL_MS } from './expectations.js';

test('expectations hold until every create and delete is observed, or expire', () => {
  let now = 0;
  const e = new Expectations(() => now);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expect('ns/rs', 2);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
  e.creationObserved('ns/rs');
  e.expect('ns/rs', 1, ['ns/a', 'ns/b']);
  e.creationObserved('ns/rs');
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a');
  assert.equal(e.satisfied('ns/rs'), false, 'one deletion seen twice counts once');
  now += EXPECTATIONS_TTL_MS + 1;
  assert.equal(e.satisfied('ns/rs'), true);
  e.expect('ns/rs', 1);
  e.forget('ns/rs');
  assert.equal(e.satisfied('ns/rs'), true);
});

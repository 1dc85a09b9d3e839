import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tailCriLog } from './pod-sync.js';

test('tailCriLog joins partial lines and keeps the last lines within the byte limit', () => {
  const log = ['2026-01-01T00:00:00.000000001Z stdout F one', '2026-01-01T00:00:00.000000002Z stderr P tw', '2026-01-01T00:00:00.000000003Z stderr F o', '2026-01-01T00:00:00.000000004Z stdout F three', ''].join('\n');
  assert.equal(tailCriLog(log, 80, 2048), 'one\ntwo\nthree\n');
  assert.equal(tailCriLog(log, 2, 2048), 'two\nthree\n');
  assert.equal(tailCriLog(log, 80, 6), 'three\n');
  assert.equal(tailCriLog('', 80, 2048), '');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goRoundTrip } from './go-roundtrip.js';

test('goRoundTrip drops what Go would drop, within the fields it is asked to look at', () => {
  const pod = () => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', annotations: {}, unknown: 1 },
    spec: { containers: [{ name: 'c', image: 'i', ports: [] }], hostNetwork: false, bogus: true },
    status: { phase: 'Running', message: '', extra: null },
  });
  const cases: [string, readonly string[] | undefined, Record<string, unknown>][] = [
    ['all fields', undefined, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Running' } }],
    // A status write: the stored spec already went through it and is left as it is.
    ['metadata and status only', ['metadata', 'status'], { metadata: { name: 'p' }, spec: pod().spec, status: { phase: 'Running' } }],
  ];
  for (const [name, only, want] of cases) {
    const obj: Record<string, unknown> = pod();
    goRoundTrip(obj, 'v1', 'Pod', only);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Pod', ...want }, name);
  }
});

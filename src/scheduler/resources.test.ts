import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podRequests } from './resources.js';
import type { Pod } from './types.js';

const pod = (cpu: string | undefined, overhead?: Record<string, string>): Pod =>
  ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...(overhead ? { overhead } : {}) } }) as Pod;

test('podRequests adds the RuntimeClass overhead (spec.overhead) to the containers\' requests', () => {
  const cases: [string, Pod, boolean, Record<string, number>][] = [
    ['no overhead', pod('500m'), false, { cpu: 500 }],
    ['cpu and memory overhead', pod('500m', { cpu: '250m', memory: '1Mi' }), false, { cpu: 750, memory: 1048576 }],
    ['overhead on top of the non-zero defaults used for scoring', pod(undefined, { cpu: '10m' }), true, { cpu: 110, memory: 200 * 1024 * 1024 }],
  ];
  for (const [name, p, nonZero, want] of cases) assert.deepEqual(Object.fromEntries(podRequests(p, nonZero)), want, name);
});

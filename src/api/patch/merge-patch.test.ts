import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.js';
import { StatusError } from '../errors.js';
import { applyMergePatch } from './merge-patch.js';

describe('applyMergePatch', () => {
  const cases: { name: string; doc: JsonValue; patch: JsonValue; want: JsonValue }[] = [
    {
      name: 'labels: null deletes, others set',
      doc: { metadata: { name: 'x', labels: { app: 'web', tier: 'fe' } } },
      patch: { metadata: { labels: { tier: null, env: 'prod' } } },
      want: { metadata: { name: 'x', labels: { app: 'web', env: 'prod' } } },
    },
    { name: 'scale patch', doc: { spec: { replicas: 1, paused: false } }, patch: { spec: { replicas: 5 } }, want: { spec: { replicas: 5, paused: false } } },
    { name: 'lists are replaced', doc: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, patch: { spec: { containers: [{ name: 'c' }] } }, want: { spec: { containers: [{ name: 'c' }] } } },
    { name: 'deleting a missing key is fine', doc: { a: 1 }, patch: { b: null }, want: { a: 1 } },
    { name: 'nulls inside an added object are pruned', doc: { a: 1 }, patch: { b: { c: null, d: { e: null, f: 1 } } }, want: { a: 1, b: { d: { f: 1 } } } },
    { name: 'nulls inside objects in an added list are pruned, null items kept', doc: {}, patch: { l: [{ a: null, b: 1 }, null] }, want: { l: [{ b: 1 }, null] } },
    { name: 'object replaces a scalar', doc: { a: 'x' }, patch: { a: { b: 1, c: null } }, want: { a: { b: 1 } } },
    { name: 'scalar replaces an object', doc: { a: { b: 1 } }, patch: { a: 'x' }, want: { a: 'x' } },
    { name: 'null original value is replaced', doc: { a: null }, patch: { a: { b: null, c: 2 } }, want: { a: { c: 2 } } },
    { name: 'array patch replaces the whole document', doc: { a: 1 }, patch: [1, 2], want: [1, 2] },
    { name: '__proto__ from JSON stays an own key', doc: JSON.parse('{"a":1}'), patch: JSON.parse('{"__proto__":{"x":1}}'), want: JSON.parse('{"a":1,"__proto__":{"x":1}}') },
    { name: 'empty patch is a no-op', doc: { a: { b: 1 } }, patch: {}, want: { a: { b: 1 } } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const before = JSON.stringify(c.doc);
      assert.deepEqual(applyMergePatch(c.doc, c.patch), c.want);
      assert.equal(JSON.stringify(c.doc), before, 'input must not be mutated');
    });
  }

  for (const patch of [null, 'x', 3, true] as JsonValue[]) {
    test(`patch ${JSON.stringify(patch)} is a 400 Invalid JSON Patch`, () => {
      assert.throws(
        () => applyMergePatch({ a: 1 }, patch),
        (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === 'Invalid JSON Patch',
      );
    });
  }
});

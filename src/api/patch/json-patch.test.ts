import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../object.js';
import { StatusError } from '../errors.js';
import { applyJsonPatch } from './json-patch.js';

const deployment = (): JsonValue => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '4' }, labels: { app: 'web' } },
  spec: {
    replicas: 2,
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});

describe('applyJsonPatch: successful operations', () => {
  const cases: { name: string; doc: JsonValue; patch: unknown; want: JsonValue }[] = [
    {
      name: 'rollout undo (kubectl-wire 6.5) replaces template and annotations',
      doc: deployment(),
      patch: [
        { op: 'replace', path: '/spec/template', value: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', resources: {} }] } } },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'x' } },
      ],
      want: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'x' }, labels: { app: 'web' } },
        spec: { replicas: 2, template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', resources: {} }] } } },
      },
    },
    { name: 'add object key', doc: { a: {} }, patch: [{ op: 'add', path: '/a/b', value: 1 }], want: { a: { b: 1 } } },
    { name: 'add replaces an existing key', doc: { a: 1 }, patch: [{ op: 'add', path: '/a', value: 2 }], want: { a: 2 } },
    { name: 'add inserts at index', doc: { l: [1, 3] }, patch: [{ op: 'add', path: '/l/1', value: 2 }], want: { l: [1, 2, 3] } },
    { name: 'add appends with -', doc: { l: [1] }, patch: [{ op: 'add', path: '/l/-', value: 2 }], want: { l: [1, 2] } },
    { name: 'add at index == length appends', doc: { l: [1] }, patch: [{ op: 'add', path: '/l/1', value: 2 }], want: { l: [1, 2] } },
    { name: 'add with negative index counts from the end', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/-1', value: 9 }], want: { l: [1, 2, 9] } },
    { name: 'add without value adds null', doc: {}, patch: [{ op: 'add', path: '/a' }], want: { a: null } },
    { name: 'remove object key', doc: { a: 1, b: 2 }, patch: [{ op: 'remove', path: '/a' }], want: { b: 2 } },
    { name: 'remove array element', doc: { l: [1, 2, 3] }, patch: [{ op: 'remove', path: '/l/1' }], want: { l: [1, 3] } },
    { name: 'remove last with -1', doc: { l: [1, 2, 3] }, patch: [{ op: 'remove', path: '/l/-1' }], want: { l: [1, 2] } },
    { name: 'replace array element', doc: { l: [1, 2] }, patch: [{ op: 'replace', path: '/l/0', value: 5 }], want: { l: [5, 2] } },
    { name: 'replace of a missing object key adds it (v4 quirk)', doc: { a: {} }, patch: [{ op: 'replace', path: '/a/x', value: 1 }], want: { a: { x: 1 } } },
    { name: 'replace the root', doc: { a: 1 }, patch: [{ op: 'replace', path: '', value: { b: 2 } }], want: { b: 2 } },
    { name: 'escaped keys ~0 and ~1', doc: { metadata: { labels: { 'app.kubernetes.io/name': 'x', 'a~b': 'y' } } }, patch: [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'z' }, { op: 'remove', path: '/metadata/labels/a~0b' }], want: { metadata: { labels: { 'app.kubernetes.io/name': 'z' } } } },
    { name: 'move between keys', doc: { a: { x: 1 }, b: {} }, patch: [{ op: 'move', from: '/a/x', path: '/b/y' }], want: { a: {}, b: { y: 1 } } },
    { name: 'move within an array', doc: { l: [1, 2, 3] }, patch: [{ op: 'move', from: '/l/0', path: '/l/2' }], want: { l: [2, 3, 1] } },
    { name: 'copy is deep', doc: { a: { x: [1] } }, patch: [{ op: 'copy', from: '/a', path: '/b' }, { op: 'add', path: '/b/x/-', value: 2 }], want: { a: { x: [1] }, b: { x: [1, 2] } } },
    { name: 'copy from a missing key copies null (v4 quirk)', doc: { a: {} }, patch: [{ op: 'copy', from: '/a/nope', path: '/b' }], want: { a: {}, b: null } },
    { name: 'test passes on deep equality', doc: { a: { x: [1, { y: 'z' }] } }, patch: [{ op: 'test', path: '/a', value: { x: [1, { y: 'z' }] } }, { op: 'add', path: '/ok', value: true }], want: { a: { x: [1, { y: 'z' }] }, ok: true } },
    { name: 'test null matches a missing key', doc: { a: {} }, patch: [{ op: 'test', path: '/a/b', value: null }], want: { a: {} } },
    { name: 'null patch is a no-op', doc: { a: 1 }, patch: null, want: { a: 1 } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const before = JSON.stringify(c.doc);
      assert.deepEqual(applyJsonPatch(c.doc, c.patch), c.want);
      assert.equal(JSON.stringify(c.doc), before, 'input must not be mutated');
    });
  }
});

describe('applyJsonPatch: errors', () => {
  const cases: { name: string; doc: JsonValue; patch: unknown; code: number; message?: string; cause?: RegExp }[] = [
    { name: 'patch is an object', doc: {}, patch: { op: 'add' }, code: 400, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'operation is a string', doc: {}, patch: ['x'], code: 400, message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
    { name: 'unknown op', doc: {}, patch: [{ op: 'frob', path: '/a' }], code: 422, cause: /^Unexpected kind: frob$/ },
    { name: 'missing op', doc: {}, patch: [{ path: '/a' }], code: 422, cause: /^Unexpected kind: unknown$/ },
    { name: 'add under a missing parent', doc: {}, patch: [{ op: 'add', path: '/a/b', value: 1 }], code: 422, cause: /add operation does not apply: doc is missing path: "\/a\/b"/ },
    { name: 'remove a missing key', doc: { a: {} }, patch: [{ op: 'remove', path: '/a/b' }], code: 422, cause: /Unable to remove nonexistent key: b/ },
    { name: 'replace out of range index', doc: { l: [1] }, patch: [{ op: 'replace', path: '/l/3', value: 1 }], code: 422, cause: /doc is missing key: \/l\/3/ },
    { name: 'add beyond the end', doc: { l: [1] }, patch: [{ op: 'add', path: '/l/5', value: 1 }], code: 422, cause: /Unable to access invalid index: 5/ },
    { name: 'add with a non-numeric index', doc: { l: [1] }, patch: [{ op: 'add', path: '/l/x', value: 1 }], code: 422, cause: /value was not a proper array index: 'x'/ },
    { name: 'path without leading slash', doc: { a: 1 }, patch: [{ op: 'remove', path: 'a' }], code: 422, cause: /doc is missing path/ },
    { name: 'missing path field', doc: {}, patch: [{ op: 'add', value: 1 }], code: 422, cause: /failed to decode path/ },
    { name: 'test fails', doc: { a: 1 }, patch: [{ op: 'test', path: '/a', value: 2 }], code: 422, cause: /testing value \/a failed/ },
    { name: 'move from a missing key', doc: { a: {} }, patch: [{ op: 'move', from: '/a/x', path: '/b' }], code: 422, cause: /Unable to remove nonexistent key: x/ },
    { name: 'too many operations', doc: {}, patch: Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: null })), code: 413, message: 'The allowed maximum operations in a JSON patch is 10000, got 10001' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => applyJsonPatch(c.doc, c.patch),
        (e: unknown) => {
          assert.ok(e instanceof StatusError);
          assert.equal(e.code, c.code);
          if (c.code === 422) {
            assert.equal(e.reason, 'Invalid');
            assert.equal(e.message, 'the server rejected our request due to an error in our request');
            assert.deepEqual(e.toStatus().details, {});
          }
          if (c.code === 400) assert.equal(e.reason, 'BadRequest');
          if (c.message) assert.equal(e.message, c.message);
          if (c.cause) assert.match(String(e.cause), c.cause);
          return true;
        },
      );
    });
  }

  test('a failing operation leaves the input untouched (all or nothing)', () => {
    const doc = { a: 1 };
    assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'remove', path: '/zzz' }]));
    assert.deepEqual(doc, { a: 1 });
  });
});

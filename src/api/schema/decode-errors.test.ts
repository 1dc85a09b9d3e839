import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTypeError, patchDecodeError, strictDecodingError, strictDecodingMessage, warningHeaderValue, warningsFor } from './decode-errors.js';

describe('decode errors', () => {
  test('strict decoding error for create/update carries the "cannot be handled" prefix', () => {
    const e = strictDecodingError(['spec.foo', 'spec.bar'], { kind: 'Deployment', version: 'v1' });
    assert.deepEqual(e.toStatus(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"',
      reason: 'BadRequest',
      code: 400,
    });
  });

  test('strict decoding error for patches is bare, duplicates listed after unknowns', () => {
    assert.equal(strictDecodingError(['spec.foo']).message, 'strict decoding error: unknown field "spec.foo"');
    assert.equal(strictDecodingMessage(['a'], ['spec.replicas']), 'strict decoding error: unknown field "a", duplicate field "spec.replicas"');
  });

  test('warnings: one per field, header quoted as upstream', () => {
    assert.deepEqual(warningsFor(['spec.foo', 'metadata.bar']), ['unknown field "spec.foo"', 'unknown field "metadata.bar"']);
    assert.equal(warningHeaderValue('unknown field "spec.foo"'), '299 - "unknown field \\"spec.foo\\""');
  });

  test('type errors', () => {
    const e = decodeTypeError({ kind: 'Pod', version: 'v1' }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
    assert.equal(e.code, 400);
    assert.equal(e.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
    const p = patchDecodeError('{"spec":1}', 'json: cannot unmarshal number into Go struct field Pod.spec of type v1.PodSpec');
    assert.equal(p.code, 422);
    assert.equal(p.message, ' "" is invalid: patch: Invalid value: "{\\"spec\\":1}": json: cannot unmarshal number into Go struct field Pod.spec of type v1.PodSpec');
  });
});

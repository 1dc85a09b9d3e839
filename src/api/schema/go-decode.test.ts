import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { goNamedType, goTypeName, intMismatch, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, quantityError, timeError } from './go-decode.js';

describe('go-decode', () => {
  test('quantityError matches resource.ParseQuantity', () => {
    const table: Array<[string, string | undefined]> = [
      ['0', undefined],
      ['1', undefined],
      ['500m', undefined],
      ['1.5Gi', undefined],
      ['.5', undefined],
      ['+1k', undefined],
      ['1e3', undefined],
      ['1E', undefined],
      ['', QUANTITY_FORMAT_ERROR],
      ['1x', QUANTITY_FORMAT_ERROR],
      ['1.2.3', QUANTITY_FORMAT_ERROR],
      ['abc', QUANTITY_FORMAT_ERROR],
      ['true', QUANTITY_FORMAT_ERROR],
      ['1Gb', QUANTITY_FORMAT_ERROR],
      ['1mi', QUANTITY_SUFFIX_ERROR],
      ['1e', QUANTITY_SUFFIX_ERROR],
    ];
    for (const [v, want] of table) assert.equal(quantityError(v), want, v);
  });

  test('timeError matches time.Parse(RFC3339)', () => {
    const L = '"2006-01-02T15:04:05Z07:00"';
    const table: Array<[string, string | undefined]> = [
      ['2024-01-02T03:04:05Z', undefined],
      ['2024-01-02T03:04:05.123+02:00', undefined],
      ['', `parsing time "" as ${L}: cannot parse "" as "2006"`],
      ['2024-01-02', `parsing time "2024-01-02" as ${L}: cannot parse "" as "T"`],
      ['2024-01-02T03:04:05', `parsing time "2024-01-02T03:04:05" as ${L}: cannot parse "" as "Z07:00"`],
      ['2024-13-02T03:04:05Z', 'parsing time "2024-13-02T03:04:05Z": month out of range'],
      ['2023-02-29T03:04:05Z', 'parsing time "2023-02-29T03:04:05Z": day out of range'],
      ['2024-01-02T03:04:05Zjunk', 'parsing time "2024-01-02T03:04:05Zjunk": extra text: "junk"'],
    ];
    for (const [v, want] of table) assert.equal(timeError(v), want, v);
    assert.equal(timeError('2024-01-02T03:04:05.123456Z', true), undefined);
    assert.match(timeError('2024-01-02T03:04:05Z', true) ?? '', /cannot parse "Z" as "\.000000"/);
  });

  test('Go type names', () => {
    assert.equal(goNamedType('io.k8s.api.core.v1.PodSpec'), 'v1.PodSpec');
    assert.equal(goNamedType('io.k8s.apimachinery.pkg.util.intstr.IntOrString'), 'intstr.IntOrString');
    assert.equal(goTypeName({ type: 'array', items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' } }), '[]v1.Container');
    assert.equal(goTypeName({ type: 'object', additionalProperties: { type: 'string' } }), 'map[string]string');
    assert.equal(goTypeName({ type: 'array', items: { type: 'integer', format: 'int32' } }), '[]int32');
    assert.equal(goTypeName({ type: 'string', format: 'byte' }), '[]uint8');
    assert.equal(goTypeName({ type: 'number', format: 'double' }), 'float64');
  });

  test('intMismatch', () => {
    assert.equal(intMismatch(5, 'int32'), undefined);
    assert.equal(intMismatch(-2147483648, 'int32'), undefined);
    assert.equal(intMismatch(2147483648, 'int32'), 'number 2147483648');
    assert.equal(intMismatch(2147483648, 'int64'), undefined);
    assert.equal(intMismatch(0.5, 'int64'), 'number 0.5');
    assert.equal(intMismatch('1', 'int32'), 'string');
    assert.equal(intMismatch(true, 'int32'), 'bool');
    assert.equal(intMismatch({}, 'int32'), 'object');
  });
});

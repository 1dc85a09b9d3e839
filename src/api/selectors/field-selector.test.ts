import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { fieldExactMatch, fieldSelectorString, matchesFields, parseFieldSelector } from './field-selector.js';

describe('parseFieldSelector', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['metadata.name=foo', 'metadata.name=foo'],
    ['metadata.name==foo', 'metadata.name=foo'],
    ['status.phase!=Running', 'status.phase!=Running'],
    // Terms are sorted on their raw text.
    ['status.phase=Running,metadata.name=web', 'metadata.name=web,status.phase=Running'],
    ['a=b,,c=d', 'a=b,c=d'],
    ['a=b\\,c', 'a=b\\,c'],
    ['a=b\\=c\\\\d', 'a=b\\=c\\\\d'],
    ['a=', 'a='],
    ['=b', '=b'],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.equal(fieldSelectorString(parseFieldSelector(input)), want));

  test('unescaped values', () => {
    assert.deepEqual(parseFieldSelector('a=b\\,c').terms, [{ field: 'a', op: '=', value: 'b,c' }]);
    assert.deepEqual(parseFieldSelector('x!=\\\\').terms, [{ field: 'x', op: '!=', value: '\\' }]);
  });

  const errs: [string, string][] = [
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['a=b,cd', "invalid selector: 'a=b,cd'; can't understand 'cd'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a\\=b=c', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [input, want] of errs) {
    test(`error ${JSON.stringify(input)}`, () =>
      assert.throws(() => parseFieldSelector(input), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === want));
  }
});

describe('matchesFields', () => {
  const fields = { 'metadata.name': 'web', 'metadata.namespace': 'default', 'status.phase': 'Running' };
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name=web,status.phase=Running', true],
    ['metadata.name=web,status.phase!=Running', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['spec.nodeName=n1', false],
  ];
  for (const [sel, want] of cases) test(sel, () => assert.equal(matchesFields(parseFieldSelector(sel), fields), want));
});

test('fieldExactMatch', () => {
  assert.equal(fieldExactMatch(parseFieldSelector('metadata.name=web'), 'metadata.name'), 'web');
  assert.equal(fieldExactMatch(parseFieldSelector('metadata.name!=web'), 'metadata.name'), undefined);
  assert.equal(fieldExactMatch(parseFieldSelector('status.phase=Running'), 'metadata.name'), undefined);
});

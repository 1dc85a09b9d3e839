import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../api/errors.js';
import { decodeBody, parseYamlBody, summarizeData, yamlNestingDepth } from './codec.js';

function failure(f: () => unknown): StatusError {
  try {
    f();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('no error');
}

test('decode failures read as upstream transformDecodeError words them', () => {
  const cases: [string, string, string][] = [
    ['{bad', 'application/json', "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: invalid character 'b' looking for beginning of object key string ({bad)"],
    ['', 'application/json', "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)"],
    ['garbage', 'application/vnd.kubernetes.protobuf', 'the object provided is unrecognized (must be of type Pod): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (67617262616765)'],
    [`${'['.repeat(2000)}${']'.repeat(2000)}`, 'application/json', "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: invalid character '[' exceeded max nesting depth (5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b ...)"],
  ];
  for (const [body, type, message] of cases) {
    const e = failure(() => decodeBody(Buffer.from(body), type, 'Pod'));
    assert.equal(e.code, 400);
    assert.equal(e.message, message);
  }
  assert.equal(failure(() => decodeBody(Buffer.from('{}'), ';;;', 'Pod')).code, 415);
  assert.equal(failure(() => decodeBody(Buffer.from('{}'), '*/*', 'Pod')).code, 415);
  assert.deepEqual(decodeBody(Buffer.from('null'), 'application/json', 'Pod'), {});
  assert.deepEqual(decodeBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8', 'Pod'), { a: 1 });
});

test('deep YAML never reaches the parser, which would overflow or abort the process', () => {
  assert.ok(yamlNestingDepth('['.repeat(20_000), 500) > 500);
  assert.ok(yamlNestingDepth('- '.repeat(3000), 500) > 500);
  let block = '';
  for (let i = 0; i < 800; i++) block += `${' '.repeat(i)}a:\n`;
  assert.ok(yamlNestingDepth(block, 500) > 500);
  assert.equal(yamlNestingDepth('a:\n  b:\n  - c: [1, {d: 2}]\n', 500), 5);
  assert.throws(() => parseYamlBody(Buffer.from('['.repeat(20_000))), /exceeded max depth/);
  assert.deepEqual(parseYamlBody(Buffer.from('a: 1\n---\nb: 2\n')), { a: 1 });
});

test('summarizeData shows JSON-looking bodies as text and others as hex', () => {
  assert.equal(summarizeData(Buffer.alloc(0)), '<empty>');
  assert.equal(summarizeData(Buffer.from('{"a":1}')), '{"a":1}');
  assert.equal(summarizeData(Buffer.from(`{${'x'.repeat(40)}`)), `{${'x'.repeat(29)} ...`);
  assert.equal(summarizeData(Buffer.from('[1]')), '5b315d');
});

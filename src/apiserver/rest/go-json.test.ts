import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJsonSyntaxError, jsonNestingDepth } from './go-json.js';

test('goJsonSyntaxError words errors as encoding/json does', () => {
  const cases: [string, string | undefined][] = [
    ['{"a":1}', undefined],
    [' [1, -2.5e+3, true, false, null, "x\\u00e9"] ', undefined],
    ['', 'unexpected end of JSON input'],
    ['{bad', "invalid character 'b' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a":1}}', "invalid character '}' after top-level value"],
    ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['tru', 'unexpected end of JSON input'],
    ['nul1', "invalid character '1' in literal null (expecting 'l')"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['\x01', "invalid character '\\x01' looking for beginning of value"],
    ['{"a":[', 'unexpected end of JSON input'],
  ];
  for (const [input, want] of cases) assert.equal(goJsonSyntaxError(Buffer.from(input)), want, input);
  assert.equal(goJsonSyntaxError(Buffer.from('[[[]]]'), 2), "invalid character '[' exceeded max nesting depth");
});

test('jsonNestingDepth ignores brackets in strings and stops past the limit', () => {
  assert.equal(jsonNestingDepth(Buffer.from('{"a":["[[[[", {"b":"\\"{"}]}'), 100), 3);
  assert.equal(jsonNestingDepth(Buffer.from('['.repeat(1_000_000)), 10), 11);
});

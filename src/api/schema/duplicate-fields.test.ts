import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateFields } from './duplicate-fields.js';

test('duplicateFields finds repeated keys with strict-error paths', () => {
  const cases: [string, string[]][] = [
    ['{"a":1,"b":2}', []],
    ['{"spec":{"replicas":2,"replicas":3}}', ['spec.replicas']],
    ['{"spec":{"unknownField":"foo","replicas":2,"replicas":3,"selector":{}}}', ['spec.replicas']],
    ['{"a":1,"a":2,"a":3}', ['a']],
    ['{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}', ['spec.containers[1].name']],
    ['{"metadata":{"labels":{"x":"1","x":"2"}}}', ['metadata.labels.x']],
    ['{"k":"a\\"b","k":"c"}', ['k']],
    ['{"a\\u0062":1,"ab":2}', ['ab']],
    ['{"x":[1,[2,{"y":true,"y":null}]],"z":-1.5e3}', ['x[1][1].y']],
    ['{"a":{"b":1},"c":{"b":2}}', []],
    ['{"a":1,"a"', ['a']],
    ['not json', []],
  ];
  for (const [text, want] of cases) assert.deepEqual(duplicateFields(text), want, text);
});

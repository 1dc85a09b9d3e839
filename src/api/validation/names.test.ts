import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue, isConfigMapKey, isValidPortName, isValidPathSegmentName, nameFnFor } from './names.js';

describe('name syntax', () => {
  const cases: Array<[string, (v: string) => string[], string, string[]]> = [
    ['label ok', isDNS1123Label, 'my-name', []],
    ['label uppercase', isDNS1123Label, 'My', ["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ['label too long', isDNS1123Label, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['subdomain ok', isDNS1123Subdomain, 'a.b-c', []],
    ['subdomain bad', isDNS1123Subdomain, 'Bad_Name', ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ['dns1035 leading digit', isDNS1035Label, '1abc', ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
    ['qualified with prefix', isQualifiedName, 'example.com/My.Name', []],
    ['qualified empty prefix', isQualifiedName, '/x', ['prefix part must be non-empty']],
    ['qualified bad name', isQualifiedName, 'a b', ["name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
    ['label value empty ok', isValidLabelValue, '', []],
    ['label value bad', isValidLabelValue, '-x', ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ['config key bad', isConfigMapKey, 'a b', ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ['config key ..x', isConfigMapKey, '..x', ["must not start with '..'"]],
    ['port name digits', isValidPortName, '8080', ['must contain at least one letter (a-z)']],
    ['path segment', isValidPathSegmentName, 'a/b%', ["may not contain '/'", "may not contain '%'"]],
  ];
  for (const [name, fn, value, want] of cases) test(name, () => assert.deepEqual(fn(value), want));

  test('name function per resource', () => {
    assert.equal(nameFnFor('services')('1svc', false).length, 1);
    assert.deepEqual(nameFnFor('roles.rbac.authorization.k8s.io')('system:admin', false), []);
    assert.equal(nameFnFor('configmaps')('a.b', false).length, 0);
    assert.deepEqual(nameFnFor('pods')('gen-', true), []);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { validateRuntimeClass, validateRuntimeClassUpdate } from './node.js';

const rc = (name: string, handler: unknown, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler, ...extra });
const render = (errs: { field: string; reason: string; detail: string }[]) => errs.map((e) => `${e.field} ${e.reason} ${e.detail}`.trim());

test('RuntimeClass create validation', () => {
  const cases: [KubeObject, string[]][] = [
    [rc('gvisor', 'runsc'), []],
    [rc('a.b.c', 'runc-v2'), []],
    [rc('Bad_Name', 'runc'), ["metadata.name FieldValueInvalid a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    [rc('x', 'run.c'), ["handler FieldValueInvalid a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    [rc('x', ''), ["handler FieldValueInvalid a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    [rc('x', 'a'.repeat(64)), ['handler FieldValueInvalid must be no more than 63 characters']],
    [rc('x', 'runc', { overhead: { podFixed: { cpu: '250m', memory: '120Mi' } } }), []],
    [rc('x', 'runc', { overhead: {} }), []],
    [rc('x', 'runc', { overhead: { podFixed: { cpu: '-1' } } }), ['overhead.limits[cpu] FieldValueInvalid must be greater than or equal to 0']],
    [rc('x', 'runc', { overhead: { podFixed: { 'example.com/dev': '500m' } } }), ['overhead.limits[example.com/dev] FieldValueInvalid must be an integer']],
    [rc('x', 'runc', { scheduling: { nodeSelector: { 'k8ts.io/sandbox': 'gvisor' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }] } }), []],
    [rc('x', 'runc', { scheduling: { nodeSelector: { 'bad key!': 'v' } } }), ["scheduling.nodeSelector FieldValueInvalid name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]],
    [rc('x', 'runc', { scheduling: { tolerations: [{ key: 'k', operator: 'Bogus' }] } }), ['scheduling.tolerations[0].operator FieldValueNotSupported supported values: "Equal", "Exists"']],
    [rc('x', 'runc', { scheduling: { tolerations: [{ operator: 'Equal', value: 'v' }] } }), ['scheduling.tolerations[0].operator FieldValueInvalid operator must be Exists when `key` is empty, which means "match all values and all keys"']],
  ];
  for (const [obj, want] of cases) assert.deepEqual(render(validateRuntimeClass(obj)), want, JSON.stringify(obj));
});

test('RuntimeClass update: the handler is immutable, overhead and scheduling are not', () => {
  const old = { ...rc('x', 'runc'), metadata: { name: 'x', resourceVersion: '1' } };
  assert.deepEqual(validateRuntimeClassUpdate({ ...old, overhead: { podFixed: { cpu: '1' } }, scheduling: { nodeSelector: { a: 'b' } } }, old), []);
  assert.deepEqual(render(validateRuntimeClassUpdate({ ...old, handler: 'runsc' }, old)), ['handler FieldValueInvalid field is immutable']);
});

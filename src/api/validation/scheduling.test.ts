import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './scheduling.js';

const pc = (name: string, value: number, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
const render = (errs: { field: string; reason: string; detail: string }[]) => errs.map((e) => `${e.field} ${e.reason} ${e.detail}`.trim());

test('PriorityClass create validation', () => {
  const cases: [KubeObject, string[]][] = [
    [pc('high', 1000), []],
    [pc('max', 1000000000), []],
    [pc('too-high', 1000000001), ['value FieldValueForbidden maximum allowed value of a user defined priority is 1000000000']],
    [pc('system-node-critical', 2000001000), []],
    [pc('system-cluster-critical', 2000000000), []],
    [pc('system-cluster-critical', 5), ["metadata.name FieldValueForbidden priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"]],
    [pc('system-mine', 5), ["metadata.name FieldValueForbidden priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]],
    [pc('system-node-critical', 2000001000, { globalDefault: true }), ["metadata.name FieldValueForbidden priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-node-critical PriorityClass must be false"]],
    [pc('p', 1, { preemptionPolicy: 'Never' }), []],
    [pc('p', 1, { preemptionPolicy: 'Sometimes' }), ['preemptionPolicy FieldValueNotSupported supported values: "Never", "PreemptLowerPriority"']],
  ];
  for (const [obj, want] of cases) assert.deepEqual(render(validatePriorityClass(obj)), want, JSON.stringify(obj));
});

test('PriorityClass update: value and preemptionPolicy are immutable, description is not', () => {
  const old = { ...pc('p', 100, { preemptionPolicy: 'PreemptLowerPriority' }), metadata: { name: 'p', resourceVersion: '1' } };
  assert.deepEqual(validatePriorityClassUpdate({ ...old, description: 'new' }, old), []);
  assert.deepEqual(render(validatePriorityClassUpdate({ ...old, value: 1000 }, old)), ['value FieldValueForbidden may not be changed in an update.']);
  assert.deepEqual(render(validatePriorityClassUpdate({ ...old, preemptionPolicy: 'Never' }, old)), ['preemptionPolicy FieldValueInvalid field is immutable']);
});

test('PriorityClass defaulting sets preemptionPolicy, keeping an explicit one', async () => {
  const { defaulters } = await import('../defaulting/index.js');
  const a = pc('a', 1);
  defaulters['scheduling.k8s.io/v1/PriorityClass'](a);
  assert.equal(a.preemptionPolicy, 'PreemptLowerPriority');
  const b = pc('b', 1, { preemptionPolicy: 'Never' });
  defaulters['scheduling.k8s.io/v1/PriorityClass'](b);
  assert.equal(b.preemptionPolicy, 'Never');
});

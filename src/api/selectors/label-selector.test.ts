import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import {
  formatLabels,
  formatLabelSelector,
  labelSelectorFromMeta,
  labelSelectorString,
  matchesLabels,
  parseLabelSelector,
} from './label-selector.js';

const keyRegexMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRegexMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: canonical String()', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['   ', ''],
    ['app=web', 'app=web'],
    ['app==web', 'app==web'],
    ['app!=web', 'app!=web'],
    ['b=1,a=2', 'a=2,b=1'],
    ['env=prod, tier!=web', 'env=prod,tier!=web'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x in (b, a, b)', 'x in (a,b)'],
    ['x in (in)', 'x in (in)'],
    ['x notin (a)', 'x notin (a)'],
    ['!a', '!a'],
    ['a', 'a'],
    ['a=', 'a='],
    ['example.com/role=db', 'example.com/role=db'],
    ['n>5', 'n>5'],
    ['n<5', 'n<5'],
    ['x in (a,)', 'x in (,a)'],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => assert.equal(labelSelectorString(parseLabelSelector(input)), want));
  }
});

describe('parseLabelSelector: errors are 400 with upstream text', () => {
  const cases: [string, string][] = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x=a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['x=a y', "found 'y', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['-foo', `unable to parse requirement: <nil>: Invalid value: "-foo": ${keyRegexMsg}`],
    ['a/b/c=d', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['/a=b', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${valueRegexMsg}`],
    ['n<-5', `unable to parse requirement: values[0][n]: Invalid value: "-5": ${valueRegexMsg}`],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    [`a=${'x'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseLabelSelector(input),
        (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === want,
      );
    });
  }
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'frontend', n: '10' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['app=web', labels, true],
    ['app=db', labels, false],
    ['app!=db', labels, true],
    ['missing!=x', labels, true],
    ['app in (db,web)', labels, true],
    ['app notin (db,web)', labels, false],
    ['missing notin (a)', labels, true],
    ['missing in (a)', labels, false],
    ['app', labels, true],
    ['!app', labels, false],
    ['!missing', labels, true],
    ['app=web,tier=frontend', labels, true],
    ['app=web,tier=backend', labels, false],
    ['n>5', labels, true],
    ['n<5', labels, false],
    ['app>5', labels, false],
    ['missing=', labels, false],
    ['app=web', undefined, false],
  ];
  for (const [sel, ls, want] of cases) {
    test(`${JSON.stringify(sel)} on ${JSON.stringify(ls)}`, () => assert.equal(matchesLabels(parseLabelSelector(sel), ls), want));
  }
});

describe('labelSelectorFromMeta (LabelSelectorAsSelector)', () => {
  test('nil selects nothing, {} selects everything', () => {
    assert.equal(matchesLabels(labelSelectorFromMeta(undefined), { a: 'b' }), false);
    assert.equal(matchesLabels(labelSelectorFromMeta(null), {}), false);
    assert.equal(matchesLabels(labelSelectorFromMeta({}), {}), true);
    assert.equal(matchesLabels(labelSelectorFromMeta({ matchLabels: {}, matchExpressions: [] }), { a: 'b' }), true);
  });
  const cases: [unknown, string][] = [
    [{ matchLabels: { app: 'web', a: 'b' } }, 'a=b,app=web'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, 'env notin (prod)'],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }, { key: 'gpu', operator: 'DoesNotExist' }] }, 'env,!gpu'],
    [{ matchLabels: { z: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 'a,z=1'],
  ];
  for (const [sel, want] of cases) {
    test(want, () => assert.equal(labelSelectorString(labelSelectorFromMeta(sel)), want));
  }
  test('matching a metav1 selector', () => {
    const sel = labelSelectorFromMeta({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] });
    assert.equal(matchesLabels(sel, { app: 'web', tier: 'front' }), true);
    assert.equal(matchesLabels(sel, { app: 'web', tier: 'db' }), false);
    assert.equal(matchesLabels(sel, { tier: 'front' }), false);
  });
  test('errors', () => {
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), { message: '"Foo" is not a valid label selector operator' });
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
      message: "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    });
    assert.throws(() => labelSelectorFromMeta({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), {
      message: 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    });
    assert.throws(() => labelSelectorFromMeta({ matchLabels: { 'bad key': 'x' } }), { message: `key: Invalid value: "bad key": ${keyRegexMsg}` });
  });
});

describe('formatLabelSelector / formatLabels', () => {
  const cases: [unknown, string][] = [
    [undefined, '<none>'],
    [null, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [{ matchLabels: { app: 'web', 'pod-template-hash': '5d4f8' } }, 'app=web,pod-template-hash=5d4f8'],
    [{ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, '<error>'],
  ];
  for (const [sel, want] of cases) test(`${JSON.stringify(sel)} -> ${want}`, () => assert.equal(formatLabelSelector(sel), want));
  test('formatLabels', () => {
    assert.equal(formatLabels(undefined), '<none>');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  });
});

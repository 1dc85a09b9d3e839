import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.js';
import { deserializePathElement, pathString, serializePathElement } from './path-element.js';
import type { Path, PathElement } from './path-element.js';
import { toFieldsV1 } from './fields-v1.js';
import type { TypeMeta } from '../patch/type-meta.js';

const f = (name: string): PathElement => ({ f: name });
const P = (...names: string[]): Path => names.map(f);

describe('path elements', () => {
  const cases: { pe: PathElement; wire: string; text: string }[] = [
    { pe: { f: 'image' }, wire: 'f:image', text: '.image' },
    { pe: { k: [['name', 'nginx']] }, wire: 'k:{"name":"nginx"}', text: '[name="nginx"]' },
    { pe: { k: [['containerPort', 80], ['protocol', 'TCP']] }, wire: 'k:{"containerPort":80,"protocol":"TCP"}', text: '[containerPort=80,protocol="TCP"]' },
    { pe: { v: 'a<b' }, wire: 'v:"a\\u003cb"', text: '[="a<b"]' },
    { pe: { i: 3 }, wire: 'i:3', text: '[3]' },
  ];
  for (const c of cases) {
    test(`${c.wire} round-trips and prints as ${c.text}`, () => {
      assert.equal(serializePathElement(c.pe), c.wire);
      assert.deepEqual(deserializePathElement(c.wire), c.pe);
      assert.equal(pathString([c.pe]), c.text);
    });
  }
  test('key fields are sorted on parse', () => {
    assert.deepEqual(deserializePathElement('k:{"protocol":"TCP","containerPort":80}'), { k: [['containerPort', 80], ['protocol', 'TCP']] });
  });
});

describe('FieldSet', () => {
  test('FieldsV1 encoding marks nodes that are members and have children with "."', () => {
    const s = FieldSet.of(P('metadata', 'labels'), P('metadata', 'labels', 'app'), P('spec', 'replicas'), [f('spec'), f('containers'), { k: [['name', 'web']] }], [f('spec'), f('containers'), { k: [['name', 'web']] }, f('image')]);
    const wire = s.toFieldsV1();
    assert.deepEqual(wire, {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
    });
    assert.deepEqual(Object.keys(wire['f:spec'] as object), ['f:containers', 'f:replicas']);
    assert.ok(FieldSet.fromFieldsV1(wire).equals(s));
  });

  test('elements sort fields, then keys, then values, then indexes', () => {
    const s = FieldSet.of([{ i: 0 }], [{ v: 'x' }], [{ k: [['name', 'a']] }], [f('z')]);
    assert.deepEqual(Object.keys(s.toFieldsV1()), ['f:z', 'k:{"name":"a"}', 'v:"x"', 'i:0']);
  });

  const a = FieldSet.of(P('spec', 'replicas'), P('spec', 'paused'), P('metadata', 'labels', 'x'));
  const b = FieldSet.of(P('spec', 'replicas'), P('metadata', 'labels', 'y'));
  const ops: { name: string; got: FieldSet; want: Path[] }[] = [
    { name: 'union', got: a.union(b), want: [P('metadata', 'labels', 'x'), P('metadata', 'labels', 'y'), P('spec', 'paused'), P('spec', 'replicas')] },
    { name: 'intersection', got: a.intersection(b), want: [P('spec', 'replicas')] },
    { name: 'difference', got: a.difference(b), want: [P('metadata', 'labels', 'x'), P('spec', 'paused')] },
    { name: 'difference keeps children of removed members', got: FieldSet.of(P('spec'), P('spec', 'x')).difference(FieldSet.of(P('spec'))), want: [P('spec', 'x')] },
    { name: 'recursiveDifference drops them', got: FieldSet.of(P('spec'), P('spec', 'x')).recursiveDifference(FieldSet.of(P('spec'))), want: [] },
  ];
  for (const o of ops) {
    test(o.name, () => assert.deepEqual(o.got.paths().map(pathString), o.want.map(pathString)));
  }
});

describe('toFieldsV1 with a fixture type table', () => {
  // A self-contained table shaped as the generated one: a struct with a granular map, a keyed
  // list, a set and an atomic list.
  const table: Record<string, TypeMeta> = {
    'x.Thing': { type: 'object', gvk: [{ group: 'x', version: 'v1', kind: 'Thing' }], fields: {
      labels: { type: 'object', map: true, elemType: 'string' },
      items: { type: 'array', list: true, ref: 'x.Item', listType: 'map', listMapKeys: ['name'] },
      tags: { type: 'array', list: true, elemType: 'string', patchStrategy: 'merge' },
      args: { type: 'array', list: true, elemType: 'string' },
      sel: { ref: 'x.Sel', type: 'object', structType: 'atomic' },
    } },
    'x.Item': { type: 'object', fields: { name: { type: 'string' }, value: { type: 'string' } } },
    'x.Sel': { type: 'object', fields: { a: { type: 'string' } } },
  };
  // A value's own field set (what an applier owns) has no "." on containers it merely fills.
  test('maps are granular, keyed lists per item, sets per value, atomic lists and structs whole', () => {
    const obj = { labels: { a: '1' }, items: [{ name: 'one', value: 'v' }], tags: ['t1', 't2'], args: ['x'], sel: { a: 'b' } };
    assert.deepEqual(toFieldsV1(obj, 'x.Thing', (n) => table[n]), {
      'f:args': {},
      'f:items': { 'k:{"name":"one"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
      'f:labels': { 'f:a': {} },
      'f:sel': {},
      'f:tags': { 'v:"t1"': {}, 'v:"t2"': {} },
    });
  });
});

describe('toFieldsV1 with the built-in types', () => {
  test('pod finalizers are a set, containers keyed by name, ports by containerPort+protocol (defaulted)', () => {
    const pod = { metadata: { finalizers: ['a/b'] }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } };
    assert.deepEqual(toFieldsV1(pod, 'io.k8s.api.core.v1.Pod'), {
      'f:metadata': { 'f:finalizers': { 'v:"a/b"': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
    });
  });
});

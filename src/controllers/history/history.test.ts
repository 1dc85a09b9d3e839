// Table tests for the ControllerRevision helpers: Go-compatible JSON, FNV hashes against known
// vectors, upstream's revision name for a known StatefulSet template, ordering and pruning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJsonMarshal } from './go-json.js';
import { controllerRevisionName, fnv32, fnv32a, hashControllerRevision, safeEncodeString } from './hash.js';
import { equalRevision, newControllerRevision, nextRevision, revisionsToPrune, sortRevisions, templatePatch, type ControllerRevision } from './revisions.js';

// From upstream's stateful_set_control_test (a 1.33 revision of a defaulted set "test").
const UPSTREAM_RAW = `{"spec":{"template":{"$patch":"replace","metadata":{"annotations":{"test":"value"},"creationTimestamp":null,"labels":{"app":"foo"}},"spec":{"containers":[{"image":"test","imagePullPolicy":"Always","name":"test","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}`;

test('goJsonMarshal sorts keys and escapes like encoding/json', () => {
  const cases: [unknown, string][] = [
    [{ b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    [{ s: '<a&b>' }, '{"s":"\\u003ca\\u0026b\\u003e"}'],
    [{ n: 1.5, z: 0, big: 1e21 }, '{"big":1e+21,"n":1.5,"z":0}'],
    [{ u: '\u2028' }, '{"u":"\\u2028"}'],
    [{ nested: { y: {}, x: [] } }, '{"nested":{"x":[],"y":{}}}'],
  ];
  for (const [input, want] of cases) assert.equal(goJsonMarshal(input), want);
});

test('FNV-32 and FNV-32a match the reference vectors', () => {
  const cases: [string, number, number][] = [
    ['', 0x811c9dc5, 0x811c9dc5],
    ['a', 0x050c5d7e, 0xe40c292c],
    ['foobar', 0x31f0b262, 0xbf9cf968],
  ];
  for (const [s, f1, f1a] of cases) {
    assert.equal(fnv32(Buffer.from(s)), f1, `fnv32(${s})`);
    assert.equal(fnv32a(Buffer.from(s)), f1a, `fnv32a(${s})`);
  }
});

test('safeEncodeString maps each character into the vowel-free alphabet', () => {
  assert.equal(safeEncodeString('0123'), '4567');
  assert.equal(safeEncodeString('42'), '86');
});

test('hashControllerRevision reproduces upstream revision names', () => {
  assert.equal(hashControllerRevision(UPSTREAM_RAW, 0), 'c77f6d978');
  assert.notEqual(hashControllerRevision(UPSTREAM_RAW, 1), 'c77f6d978');
  assert.equal(controllerRevisionName('test', 'c77f6d978'), 'test-c77f6d978');
  assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
});

test('templatePatch + newControllerRevision give the upstream name and labels', () => {
  const template = JSON.parse(UPSTREAM_RAW).spec.template;
  delete template.$patch;
  const set = { metadata: { name: 'test', namespace: 'test', uid: 'ssuid' }, spec: { template } };
  const raw = templatePatch(set);
  assert.equal(raw, UPSTREAM_RAW);
  const cr = newControllerRevision(set, 'apps/v1', 'StatefulSet', { app: 'foo' }, raw, 1, 0);
  assert.equal(cr.metadata!.name, 'test-c77f6d978');
  assert.deepEqual(cr.metadata!.labels, { app: 'foo', 'controller.kubernetes.io/hash': 'c77f6d978' });
  assert.deepEqual(cr.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'test', uid: 'ssuid', controller: true, blockOwnerDeletion: true }]);
});

const rev = (name: string, revision: number, data: unknown = { v: name }, ts = '2024-01-01T00:00:00Z'): ControllerRevision => ({ metadata: { name, creationTimestamp: ts }, revision, data });

test('sortRevisions orders by number, then creation time, then name', () => {
  const sorted = sortRevisions([rev('c', 2), rev('b', 1, {}, '2024-01-02T00:00:00Z'), rev('a', 1, {}, '2024-01-02T00:00:00Z'), rev('z', 1, {}, '2023-01-01T00:00:00Z')]);
  assert.deepEqual(sorted.map((r) => r.metadata!.name), ['z', 'a', 'b', 'c']);
  assert.equal(nextRevision(sorted), 3);
  assert.equal(nextRevision([]), 1);
});

test('equalRevision compares data bytes', () => {
  assert.ok(equalRevision(rev('a', 1, { x: 1, y: 2 }), rev('b', 2, { y: 2, x: 1 })));
  assert.ok(!equalRevision(rev('a', 1, { x: 1 }), rev('b', 2, { x: 2 })));
  assert.ok(equalRevision(undefined, undefined));
  assert.ok(!equalRevision(rev('a', 1), undefined));
});

test('revisionsToPrune keeps the newest non-live revisions up to the limit', () => {
  const revs = [rev('r1', 1), rev('r2', 2), rev('r3', 3), rev('r4', 4), rev('r5', 5)];
  const cases: [string[], number, string[]][] = [
    [['r5'], 2, ['r1', 'r2']],
    [['r5', 'r1'], 2, ['r2']],
    [['r5'], 10, []],
    [[], 0, ['r1', 'r2', 'r3', 'r4', 'r5']],
  ];
  for (const [live, limit, want] of cases) assert.deepEqual(revisionsToPrune(revs, new Set(live), limit).map((r) => r.metadata!.name), want);
});

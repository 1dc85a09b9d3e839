// Table tests of the collector's pure rules.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { AbsentOwners } from './reconcile.js';
import { classifyOwner, decide, groupOf, itemKey, parseItemKey, releasedOwners, type OwnerState } from './owner-refs.js';
import type { OwnerReference } from '../../api/object.js';

const r = (uid: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'Secret', name: uid, uid, blockOwnerDeletion: block });
const obj = (meta: KubeObject['metadata'] = {}): KubeObject => ({ metadata: meta });
const terminating = (finalizers: string[]): KubeObject => obj({ deletionTimestamp: '2024-01-01T00:00:00Z', finalizers });

describe('classifyOwner', () => {
  const cases: [string, OwnerReference, OwnerState, string][] = [
    ['absent owner', r('a'), { kind: 'absent' }, 'dangling'],
    ['live owner', r('a'), { kind: 'present', owner: obj() }, 'solid'],
    ['owner orphaning', r('a', true), { kind: 'present', owner: terminating(['orphan']) }, 'solid'],
    ['foreground owner, blocking ref', r('a', true), { kind: 'present', owner: terminating(['foregroundDeletion']) }, 'waiting'],
    ['foreground owner, non-blocking ref', r('a'), { kind: 'present', owner: terminating(['foregroundDeletion']) }, 'dangling'],
    ['foreground finalizer without deletion', r('a', true), { kind: 'present', owner: obj({ finalizers: ['foregroundDeletion'] }) }, 'solid'],
  ];
  for (const [name, ref, state, want] of cases) test(name, () => assert.equal(classifyOwner(ref, state), want));
});

describe('decide', () => {
  const cases: [string, KubeObject, [string, 'solid' | 'dangling' | 'waiting'][], boolean, unknown][] = [
    ['all solid', obj(), [['a', 'solid']], false, { action: 'none' }],
    ['solid and dangling', obj(), [['a', 'solid'], ['b', 'dangling'], ['c', 'waiting']], false, { action: 'removeRefs', uids: ['b', 'c'] }],
    ['all dangling', obj(), [['a', 'dangling']], true, { action: 'delete', policy: 'Background', unblockDependents: false }],
    ['waiting with dependents', obj(), [['a', 'waiting']], true, { action: 'delete', policy: 'Foreground', unblockDependents: true }],
    ['waiting without dependents', obj(), [['a', 'waiting']], false, { action: 'delete', policy: 'Background', unblockDependents: false }],
    ['dangling, own orphan finalizer', obj({ finalizers: ['orphan'] }), [['a', 'dangling']], true, { action: 'delete', policy: 'Orphan', unblockDependents: false }],
    ['dangling, own foreground finalizer', obj({ finalizers: ['foregroundDeletion'] }), [['a', 'dangling']], true, { action: 'delete', policy: 'Foreground', unblockDependents: false }],
  ];
  for (const [name, o, classes, hasDeps, want] of cases) {
    test(name, () => assert.deepEqual(decide(o, classes.map(([uid, cls]) => ({ ref: r(uid), cls })), hasDeps), want));
  }
});

test('releasedOwners: removed references and references that stopped blocking', () => {
  const old = obj({ ownerReferences: [r('a', true), r('b', true), r('c'), r('d', true)] });
  const now = obj({ ownerReferences: [r('b', false), r('c'), r('d', true)] });
  assert.deepEqual(releasedOwners(old, now), ['a', 'b']);
});

test('groupOf and item keys', () => {
  assert.equal(groupOf('v1'), '');
  assert.equal(groupOf('apps/v1'), 'apps');
  const k = { resource: 'apps/deployments', namespace: 'ns', name: 'web', uid: 'u-1' };
  assert.deepEqual(parseItemKey(itemKey(k)), k);
  assert.deepEqual(parseItemKey(itemKey({ ...k, namespace: '' })), { ...k, namespace: '' });
});

test('AbsentOwners drops the oldest uid past its bound', () => {
  const a = new AbsentOwners(2);
  a.add('x');
  a.add('y');
  a.add('x');
  a.add('z');
  assert.deepEqual([a.has('x'), a.has('y'), a.has('z')], [true, false, true]);
});

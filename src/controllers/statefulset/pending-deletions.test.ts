// Table tests for PendingDeletions: a pod the controller deleted reads as terminating until the
// informer cache shows its deletionTimestamp, and entries are forgotten after a while.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { PendingDeletions } from './pending-deletions.js';

const pod = (uid: string, deletionTimestamp?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', uid, ...(deletionTimestamp ? { deletionTimestamp } : {}) } });

test('PendingDeletions.view', () => {
  const cases: { name: string; marked?: string; pod: KubeObject; now: number; terminating: boolean; remaining: number }[] = [
    { name: 'unmarked pod is unchanged', pod: pod('a'), now: 1_000, terminating: false, remaining: 0 },
    { name: 'stale cached copy of a deleted pod reads as terminating', marked: 'a', pod: pod('a'), now: 1_500, terminating: true, remaining: 1 },
    { name: 'a new pod with the same name but another uid is not terminating', marked: 'a', pod: pod('b'), now: 1_500, terminating: false, remaining: 1 },
    { name: 'once the cache shows the deletion the entry is dropped', marked: 'a', pod: pod('a', '2020-01-01T00:00:00Z'), now: 1_500, terminating: true, remaining: 0 },
    { name: 'an old entry is forgotten', marked: 'a', pod: pod('a'), now: 1_000 + 61_000, terminating: false, remaining: 0 },
  ];
  for (const c of cases) {
    const p = new PendingDeletions();
    if (c.marked) p.mark(c.marked, 1_000);
    const seen = p.view(c.pod, c.now);
    assert.equal(!!seen.metadata?.deletionTimestamp, c.terminating, c.name);
    assert.equal(p.size, c.remaining, c.name);
    assert.equal(c.pod.metadata?.deletionTimestamp === undefined || c.terminating, true, c.name);
  }
});

test('PendingDeletions.view keeps the cached deletionTimestamp and does not mutate its input', () => {
  const p = new PendingDeletions();
  p.mark('a', Date.parse('2021-01-01T00:00:00Z'));
  const cached = pod('a');
  const seen = p.view(cached, Date.parse('2021-01-01T00:00:01Z'));
  assert.equal(seen.metadata?.deletionTimestamp, '2021-01-01T00:00:00.000Z');
  assert.equal(cached.metadata?.deletionTimestamp, undefined);
});

test('PendingDeletions.prune drops only old entries', () => {
  const p = new PendingDeletions();
  p.mark('old', 0);
  p.mark('new', 50_000);
  p.mark(undefined, 50_000);
  p.prune(70_000);
  assert.equal(p.size, 1);
});

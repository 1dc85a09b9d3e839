// Table tests for the Job controller's pure parts: index sets, back-off, pod failure policy
// and the sync plan.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoffRecord, remainingBackoff } from './backoff.js';
import { formatIndexes, parseIndexes } from './indexes.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { planSync } from './sync-plan.js';
import type { Job, Pod } from './types.js';

describe('completion indexes', () => {
  const cases: [number[], string][] = [
    [[], ''],
    [[0], '0'],
    [[0, 1], '0-1'],
    [[1, 3, 4, 5, 7], '1,3-5,7'],
    [[5, 0, 2, 1], '0-2,5'],
  ];
  for (const [xs, s] of cases) {
    test(s || 'empty', () => {
      assert.equal(formatIndexes(xs), s);
      assert.deepEqual([...parseIndexes(s)].sort((a, b) => a - b), [...new Set(xs)].sort((a, b) => a - b));
    });
  }
  test('limit drops out-of-range indexes', () => assert.deepEqual([...parseIndexes('1,3-5', 4)], [1, 3]));
});

describe('pod failure back-off', () => {
  const cases: [number, number, number][] = [
    [1, 0, 10_000],
    [1, 4_000, 6_000],
    [2, 0, 20_000],
    [3, 0, 40_000],
    [7, 0, 600_000],
    [20, 0, 600_000],
    [1, 20_000, 0],
  ];
  for (const [failures, elapsed, want] of cases) {
    test(`${failures} failures, ${elapsed} ms ago`, () => assert.equal(remainingBackoff({ failuresAfterLastSuccess: failures, lastFailureTime: 1_000_000 }, 1_000_000 + elapsed), want));
  }
  test('a success resets the count', () => {
    assert.deepEqual(nextBackoffRecord({ failuresAfterLastSuccess: 3, lastFailureTime: 5 }, [10], []), { failuresAfterLastSuccess: 0 });
    assert.deepEqual(nextBackoffRecord({ failuresAfterLastSuccess: 3, lastFailureTime: 5 }, [10], [8, 12]), { failuresAfterLastSuccess: 1, lastFailureTime: 12 });
    assert.deepEqual(nextBackoffRecord(undefined, [], [3, 4]), { failuresAfterLastSuccess: 2, lastFailureTime: 4 });
  });
});

const failedPod = (code: number, conditions: { type: string; status: string }[] = []): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0 } } }, { name: 'side', state: { terminated: { exitCode: code } } }] },
});

describe('pod failure policy', () => {
  const cases: [string, Parameters<typeof matchPodFailurePolicy>[0], Pod, string | undefined][] = [
    ['In matches', [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }], failedPod(42), 'FailJob:Container side for pod ns/p failed with exit code 42 matching FailJob rule at index 0'],
    ['In misses', [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }], failedPod(1), undefined],
    ['NotIn ignores exit 0', [{ action: 'Count', onExitCodes: { containerName: 'main', operator: 'NotIn', values: [1] } }], failedPod(1), undefined],
    ['NotIn matches', [{ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [1] } }], failedPod(2), 'Ignore:Container side for pod ns/p failed with exit code 2 matching Ignore rule at index 0'],
    ['first rule wins', [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [2] } }], failedPod(2, [{ type: 'DisruptionTarget', status: 'True' }]), 'Ignore:Pod ns/p has condition DisruptionTarget matching Ignore rule at index 0'],
  ];
  for (const [name, rules, pod, want] of cases) {
    test(name, () => {
      const m = matchPodFailurePolicy(rules, pod);
      assert.equal(m && `${m.action}:${m.message}`, want);
    });
  }
});

const NOW = Date.parse('2025-01-01T00:10:00Z');
const job = (spec: Job['spec'], status: Job['status'] = { startTime: '2025-01-01T00:00:00Z' }): Job => ({ metadata: { name: 'j', namespace: 'ns', uid: 'ju' }, spec: { parallelism: 1, backoffLimit: 6, ...spec }, status });
const pod = (uid: string, phase: string, extra: Partial<NonNullable<Pod['metadata']>> = {}): Pod => ({
  metadata: { name: uid, namespace: 'ns', uid, finalizers: ['batch.kubernetes.io/job-tracking'], ...extra },
  status: { phase },
});

describe('planSync', () => {
  test('creates up to parallelism for the remaining completions', () => {
    const p = planSync({ job: job({ completions: 5, parallelism: 3 }, { startTime: '2025-01-01T00:00:00Z', succeeded: 3 }), pods: [], now: NOW, expectationsSatisfied: true });
    assert.equal(p.create.length, 2);
    assert.equal(p.status.active, 2);
  });
  test('no pods while expectations are pending', () => {
    const p = planSync({ job: job({ completions: 2, parallelism: 2 }), pods: [], now: NOW, expectationsSatisfied: false });
    assert.equal(p.create.length, 0);
  });
  test('newly finished pods are recorded as uncounted, then counted', () => {
    const p = planSync({ job: job({ completions: 1 }), pods: [pod('a', 'Succeeded')], now: NOW, expectationsSatisfied: true });
    assert.deepEqual(p.uncountedStatus?.uncountedTerminatedPods, { succeeded: ['a'], failed: [] });
    assert.deepEqual(p.removeFinalizers.map((x) => x.metadata?.uid), ['a']);
    assert.equal(p.status.succeeded, 1);
    assert.deepEqual(p.status.conditions?.map((c) => c.type), ['SuccessCriteriaMet', 'Complete']);
    assert.equal(p.status.completionTime, '2025-01-01T00:10:00Z');
  });
  test('pods whose finalizer removal is in flight are not counted again', () => {
    const p = planSync({ job: job({ completions: 2 }, { succeeded: 1, startTime: '2025-01-01T00:00:00Z' }), pods: [pod('a', 'Succeeded')], now: NOW, expectationsSatisfied: true, expectedRemovals: new Set(['a']) });
    assert.equal(p.uncountedStatus, undefined);
    assert.equal(p.status.succeeded, 1);
  });
  test('a deleted pod counts as failed unless only Failed pods are replaced', () => {
    const deleting = pod('a', 'Running', { deletionTimestamp: '2025-01-01T00:09:00Z' });
    assert.equal(planSync({ job: job({ completions: 1 }), pods: [deleting], now: NOW, expectationsSatisfied: true }).status.failed, 1);
    assert.equal(planSync({ job: job({ completions: 1, podReplacementPolicy: 'Failed' }), pods: [deleting], now: NOW, expectationsSatisfied: true }).status.failed, undefined);
  });
  test('backoff limit: FailureTarget first, Failed once no pod is left', () => {
    const p = planSync({ job: job({ completions: 1, backoffLimit: 0 }), pods: [pod('a', 'Failed')], now: NOW, expectationsSatisfied: true });
    assert.deepEqual(p.status.conditions?.map((c) => [c.type, c.reason]), [['FailureTarget', 'BackoffLimitExceeded'], ['Failed', 'BackoffLimitExceeded']]);
    const q = planSync({ job: job({ completions: 2, parallelism: 2, backoffLimit: 0 }), pods: [pod('a', 'Failed'), pod('b', 'Running')], now: NOW, expectationsSatisfied: true });
    assert.deepEqual(q.status.conditions?.map((c) => c.type), ['FailureTarget']);
    assert.deepEqual(q.delete.map((x) => x.metadata?.uid), ['b']);
    assert.deepEqual(q.release, [], 'pods of a failing Job keep their finalizer to be counted');
  });
  test('active deadline', () => {
    const p = planSync({ job: job({ activeDeadlineSeconds: 600 }), pods: [pod('a', 'Running')], now: NOW, expectationsSatisfied: true });
    assert.equal(p.status.conditions?.[0].reason, 'DeadlineExceeded');
    const q = planSync({ job: job({ activeDeadlineSeconds: 700 }), pods: [pod('a', 'Running')], now: NOW, expectationsSatisfied: true });
    assert.equal(q.requeueAfterMs, 100_000);
  });
  test('suspend releases and deletes active pods', () => {
    const p = planSync({ job: job({ suspend: true, completions: 1 }), pods: [pod('a', 'Running')], now: NOW, expectationsSatisfied: true });
    assert.deepEqual(p.release.map((x) => x.metadata?.uid), ['a']);
    assert.equal(p.status.conditions?.[0].type, 'Suspended');
    assert.deepEqual(p.events, [{ type: 'Normal', reason: 'Suspended', message: 'Job suspended' }]);
  });
  test('Indexed: one pod per pending index, duplicates deleted', () => {
    const ix = (uid: string, i: number, phase = 'Running') => pod(uid, phase, { annotations: { 'batch.kubernetes.io/job-completion-index': String(i) } });
    const p = planSync({ job: job({ completionMode: 'Indexed', completions: 4, parallelism: 4 }, { startTime: '2025-01-01T00:00:00Z', completedIndexes: '1' }), pods: [ix('a', 0)], now: NOW, expectationsSatisfied: true });
    assert.deepEqual(p.create, [2, 3]);
    const q = planSync({ job: job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }), pods: [ix('a', 0), ix('b', 0), ix('c', 1, 'Succeeded')], now: NOW, expectationsSatisfied: true });
    assert.equal(q.delete.length, 1);
    assert.equal(q.status.completedIndexes, '1');
    assert.deepEqual(q.create, []);
  });
  test('backoffLimitPerIndex: retries an index with back-off, then fails it', () => {
    const ixPod = (uid: string, i: number, phase: string, failures: number): Pod => ({
      metadata: { name: uid, namespace: 'ns', uid, finalizers: ['batch.kubernetes.io/job-tracking'], annotations: { 'batch.kubernetes.io/job-completion-index': String(i), 'batch.kubernetes.io/job-index-failure-count': String(failures) } },
      status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1, finishedAt: '2025-01-01T00:10:00Z' } } }] },
    });
    const spec: Job['spec'] = { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1, backoffLimit: 2147483647, podReplacementPolicy: 'Failed' };
    const first = planSync({ job: job(spec), pods: [ixPod('a', 0, 'Failed', 0), ixPod('b', 1, 'Running', 0)], now: NOW, expectationsSatisfied: true });
    assert.equal(first.status.failedIndexes, '');
    assert.deepEqual(first.create, []);
    assert.equal(first.requeueAfterMs, 10_000);
    const later = planSync({ job: job(spec, first.status), pods: [ixPod('a', 0, 'Failed', 0), ixPod('b', 1, 'Running', 0)], now: NOW + 10_000, expectationsSatisfied: true });
    assert.deepEqual(later.create, [0]);
    assert.deepEqual(later.failureCounts, { 0: 1 });
    const second = planSync({ job: job(spec, first.status), pods: [ixPod('c', 0, 'Failed', 1), ixPod('b', 1, 'Succeeded', 0)], now: NOW, expectationsSatisfied: true });
    assert.equal(second.status.failedIndexes, '0');
    assert.equal(second.status.completedIndexes, '1');
    assert.deepEqual(second.status.conditions?.map((c) => [c.type, c.reason, c.message]), [
      ['FailureTarget', 'FailedIndexes', 'Job has failed indexes'],
      ['Failed', 'FailedIndexes', 'Job has failed indexes'],
    ]);
  });
});

// Table tests of the namespace deletion conditions and the pod termination estimate.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { failureConditions, mergeConditions, type DeletionOutcome, type NamespaceCondition } from './conditions.js';
import { podTerminationEstimate } from './estimate.js';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';
const clean = (): DeletionOutcome => ({ discoveryFailures: [], contentErrors: [], remaining: new Map(), finalizers: new Map() });

describe('failureConditions', () => {
  const cases: [string, Partial<DeletionOutcome>, [string, string, string][]][] = [
    ['nothing wrong', {}, []],
    [
      'content with finalizers remains',
      { remaining: new Map([['pods.', 2], ['deployments.apps', 1]]), finalizers: new Map([['example.com/x', 2], ['foregroundDeletion', 1]]) },
      [
        ['NamespaceContentRemaining', 'SomeResourcesRemain', 'Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances'],
        ['NamespaceFinalizersRemaining', 'SomeFinalizerRemain', 'Some finalizers are remaining: example.com/x in 2 resource instances, foregroundDeletion in 1 resource instances'],
      ],
    ],
    [
      'delete errors sorted',
      { contentErrors: ['b failed', 'a failed'] },
      [['NamespaceDeletionContentFailure', 'ContentDeletionFailed', 'Failed to delete all resource types, 2 remaining: a failed, b failed']],
    ],
    [
      'discovery failure',
      { discoveryFailures: ['metrics.k8s.io/v1beta1: the server is currently unable to handle the request'] },
      [['NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', 'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request']],
    ],
  ];
  for (const [name, o, want] of cases) {
    test(name, () => {
      const got = failureConditions({ ...clean(), ...o }, T0).map((c) => [c.type, c.reason, c.message]);
      assert.deepEqual(got, want);
    });
  }
});

describe('mergeConditions', () => {
  test('every maintained type appears, "ok" when not failing', () => {
    const { conditions, changed } = mergeConditions([], [], T0);
    assert.equal(changed, true);
    assert.deepEqual(
      conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
        ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
        ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
        ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
        ['NamespaceFinalizersRemaining', 'False', 'ContentRemoved'],
      ],
    );
  });
  test('unchanged conditions are not rewritten; a status flip moves lastTransitionTime', () => {
    const first = mergeConditions([], [], T0).conditions;
    assert.equal(mergeConditions(first, [], T1).changed, false);
    const failing: NamespaceCondition[] = [{ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'm', lastTransitionTime: T1 }];
    const { conditions, changed } = mergeConditions(first, failing, T1);
    assert.equal(changed, true);
    const c = conditions.find((x) => x.type === 'NamespaceContentRemaining')!;
    assert.deepEqual([c.status, c.lastTransitionTime, c.message], ['True', T1, 'm']);
    assert.equal(conditions.find((x) => x.type === 'NamespaceDeletionDiscoveryFailure')!.lastTransitionTime, T0);
  });
  test('other conditions on the namespace are kept', () => {
    const other: NamespaceCondition = { type: 'Custom', status: 'True' };
    assert.deepEqual(mergeConditions([other], [], T0).conditions[0], other);
  });
});

describe('podTerminationEstimate', () => {
  const pod = (grace: number | undefined, phase = 'Running') => ({ spec: { terminationGracePeriodSeconds: grace }, status: { phase } });
  const at = (s: number) => Date.parse(T0) + s * 1000;
  const cases: [string, ReturnType<typeof pod>[], number, number][] = [
    ['no pods', [], 0, 0],
    ['longest grace period', [pod(30), pod(10)], 1, 30],
    ['finished pods ignored', [pod(30, 'Succeeded'), pod(5, 'Failed')], 1, 0],
    ['grace period passed', [pod(30)], 30, 0],
    ['no grace period set', [pod(undefined)], 0, 0],
  ];
  for (const [name, pods, elapsed, want] of cases) test(name, () => assert.equal(podTerminationEstimate(pods, T0, at(elapsed)), want));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toleratesTaint, untoleratedTaint, type Toleration } from './taints.js';

const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

test('toleratesTaint, as upstream', () => {
  const cases: [Toleration, { key: string; value?: string; effect: string }, boolean][] = [
    [{ operator: 'Exists' }, taint, true],
    [{ key: taint.key, operator: 'Exists' }, taint, true],
    [{ key: taint.key, operator: 'Exists', effect: 'NoSchedule' }, taint, false],
    [{ key: 'other', operator: 'Exists' }, taint, false],
    [{ key: 'k', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', operator: '', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', operator: 'Equal', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, false],
    [{ key: 'k', operator: 'Gt', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, false],
  ];
  for (const [t, tt, want] of cases) assert.equal(toleratesTaint(t, tt), want, JSON.stringify([t, tt]));
});

test('untoleratedTaint looks only at the given effects', () => {
  const taints = [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'NoSchedule' }, { key: 'c', effect: 'NoExecute' }];
  assert.equal(untoleratedTaint(taints, [])?.key, 'b');
  assert.equal(untoleratedTaint(taints, [{ key: 'b', operator: 'Exists' }])?.key, 'c');
  assert.equal(untoleratedTaint(taints, [{ key: 'b', operator: 'Exists' }], ['NoSchedule']), undefined);
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { toleratesTaint, type Taint, type Toleration } from '../../api/taints.js';
import { desiredTaints, matchingTolerations, minTolerationMs } from './taints.js';
import { observeNode, unknownConditions } from './node-health.js';
import type { KubeObject } from '../../api/object.js';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

describe('toleratesTaint', () => {
  const cases: [string, Toleration, Taint, boolean][] = [
    ['exists on key', { key: unreachable.key, operator: 'Exists' }, unreachable, true],
    ['exists any key', { operator: 'Exists' }, unreachable, true],
    ['wrong effect', { key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }, unreachable, false],
    ['equal value', { key: 'k', value: 'v', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoExecute' }, true],
    ['equal other value', { key: 'k', value: 'w', effect: 'NoExecute' }, { key: 'k', value: 'v', effect: 'NoExecute' }, false],
    ['other key', { key: 'x', operator: 'Exists' }, unreachable, false],
  ];
  for (const [name, t, taint, want] of cases) test(name, () => assert.equal(toleratesTaint(t, taint), want));
});

describe('matchingTolerations and minTolerationMs', () => {
  test('not all tolerated', () => assert.equal(matchingTolerations([unreachable, { key: 'x', effect: 'NoExecute' }], [{ operator: 'Exists', key: unreachable.key }]).all, false));
  const cases: [string, Toleration[], number][] = [
    ['none', [], 0],
    ['forever', [{ operator: 'Exists' }], -1],
    ['smallest', [{ operator: 'Exists', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 30 }], 30_000],
    ['zero', [{ operator: 'Exists', tolerationSeconds: 0 }], 0],
    ['forever and limited', [{ operator: 'Exists' }, { operator: 'Exists', tolerationSeconds: 5 }], 5_000],
  ];
  for (const [name, used, want] of cases) test(name, () => assert.equal(minTolerationMs(used), want));
});

describe('desiredTaints', () => {
  const node = (ready: string | undefined, taints: Taint[] = [], extra: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: 'n' },
    spec: { taints, ...extra },
    status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
  });
  const keys = (ts: Taint[]) => ts.map((t) => `${t.key}:${t.effect}`);
  test('unknown', () => assert.deepEqual(keys(desiredTaints(node('Unknown'), 'T')), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']));
  test('false swaps unreachable for not-ready, keeps user taints', () =>
    assert.deepEqual(keys(desiredTaints(node('False', [unreachable, { key: 'user', effect: 'NoSchedule' }]), 'T')), ['user:NoSchedule', 'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']));
  test('ready clears', () => assert.deepEqual(desiredTaints(node('True', [unreachable]), 'T'), []));
  test('existing timeAdded kept', () => assert.equal(desiredTaints(node('Unknown', [{ ...unreachable, timeAdded: 'OLD' }]), 'T').find((t) => t.effect === 'NoExecute')?.timeAdded, 'OLD'));
  test('pressure and unschedulable', () => {
    const n = node('True', [], { unschedulable: true });
    (n.status as { conditions: unknown[] }).conditions.push({ type: 'DiskPressure', status: 'True' });
    assert.deepEqual(keys(desiredTaints(n, 'T')), ['node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
  });
});

describe('node health', () => {
  const node = (hb?: string): KubeObject => ({ metadata: { name: 'n', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { conditions: hb ? [{ type: 'Ready', status: 'True', lastHeartbeatTime: hb }] : [] } });
  const lease = (t: string): KubeObject => ({ spec: { renewTime: t } });
  test('first sight of a node without status counts from creation', () => assert.equal(observeNode(undefined, node(), undefined, 5e12).probeTimestamp, Date.parse('2024-01-01T00:00:00Z')));
  test('lease renewal is a sign of life', () => {
    const h = observeNode(undefined, node('a'), lease('2024-01-01T00:00:01.000000Z'), 100);
    assert.equal(observeNode(h, node('a'), lease('2024-01-01T00:00:01.000000Z'), 200).probeTimestamp, 100);
    assert.equal(observeNode(h, node('a'), lease('2024-01-01T00:00:02.000000Z'), 300).probeTimestamp, 300);
  });
  test('heartbeat change is a sign of life', () => {
    const h = observeNode(undefined, node('a'), undefined, 100);
    assert.equal(observeNode(h, node('b'), undefined, 400).probeTimestamp, 400);
  });
  test('unknownConditions', () => {
    const out = unknownConditions(node('a'), 'NOW')!;
    assert.deepEqual(out.map((c) => [c.type, c.status, c.reason]), [
      ['Ready', 'Unknown', 'NodeStatusUnknown'],
      ['MemoryPressure', 'Unknown', 'NodeStatusNeverUpdated'],
      ['DiskPressure', 'Unknown', 'NodeStatusNeverUpdated'],
      ['PIDPressure', 'Unknown', 'NodeStatusNeverUpdated'],
    ]);
    assert.equal(out[0]!.lastHeartbeatTime, 'a');
    assert.equal(unknownConditions({ ...node(), status: { conditions: out } }, 'LATER'), undefined);
  });
});

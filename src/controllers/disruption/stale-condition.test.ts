// Table of when a pod's DisruptionTarget condition goes stale.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { STALE_POD_DISRUPTION_TIMEOUT_MS, staleDisruptionWait } from './stale-condition.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const pod = (cond: Record<string, string> | undefined, o: { phase?: string; deleting?: boolean } = {}): KubeObject => ({
  metadata: { name: 'p', ...(o.deleting ? { deletionTimestamp: ago(0) } : {}) },
  status: { phase: o.phase ?? 'Running', conditions: cond ? [{ type: 'DisruptionTarget', ...cond }] : [] },
});

const cases: [string, KubeObject, number | undefined][] = [
  ['no condition', pod(undefined), undefined],
  ['a fresh eviction mark waits out the timeout', pod({ status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: ago(30_000) }), STALE_POD_DISRUPTION_TIMEOUT_MS - 30_000],
  ['an old mark is stale now', pod({ status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: ago(STALE_POD_DISRUPTION_TIMEOUT_MS + 1) }), 0],
  ['a False condition is not a mark', pod({ status: 'False', lastTransitionTime: ago(999_999) }), undefined],
  ['the kubelet\'s mark never goes stale', pod({ status: 'True', reason: 'TerminationByKubelet', lastTransitionTime: ago(999_999) }), undefined],
  ['a terminating pod keeps its mark', pod({ status: 'True', lastTransitionTime: ago(999_999) }, { deleting: true }), undefined],
  ['a finished pod keeps its mark', pod({ status: 'True', lastTransitionTime: ago(999_999) }, { phase: 'Failed' }), undefined],
];
for (const [name, p, want] of cases) test(name, () => assert.equal(staleDisruptionWait(p, NOW), want));

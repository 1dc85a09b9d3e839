// Scale-down victim ranking, one rule per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { podsToDelete } from './pods-to-delete.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const pod = (name: string, o: { node?: string; phase?: string; ready?: string; created?: string; cost?: string; restarts?: number } = {}): KubeObject => ({
  metadata: { name, uid: name, creationTimestamp: o.created ?? '2025-01-01T10:00:00Z', annotations: o.cost ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : undefined },
  spec: { nodeName: o.node ?? 'n1' },
  status: {
    phase: o.phase ?? 'Running',
    conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }] : [],
    containerStatuses: [{ restartCount: o.restarts ?? 0 }],
  },
});

test('deletion order', () => {
  const cases: { name: string; pods: KubeObject[]; want: string }[] = [
    { name: 'unscheduled first', pods: [pod('a', { ready: '2025-01-01T11:00:00Z' }), pod('b', { node: '' })], want: 'b' },
    { name: 'pending before running', pods: [pod('a'), pod('b', { phase: 'Pending' })], want: 'b' },
    { name: 'not ready before ready', pods: [pod('a', { ready: '2025-01-01T11:00:00Z' }), pod('b')], want: 'b' },
    { name: 'lower deletion cost first', pods: [pod('a', { cost: '10' }), pod('b', { cost: '-1' })], want: 'b' },
    { name: 'more restarts first', pods: [pod('a'), pod('b', { restarts: 3 })], want: 'b' },
    { name: 'newer first (log scale)', pods: [pod('a', { created: '2025-01-01T00:00:00Z' }), pod('b', { created: '2025-01-01T11:59:00Z' })], want: 'b' },
    { name: 'ready more recently first', pods: [pod('a', { ready: '2025-01-01T01:00:00Z' }), pod('b', { ready: '2025-01-01T11:59:50Z' })], want: 'b' },
  ];
  for (const c of cases) assert.equal(podsToDelete(c.pods, c.pods, 1, now)[0].metadata!.name, c.want, c.name);
});

test('doubled-up pods go first', () => {
  const pods = [pod('a', { node: 'n1' }), pod('b', { node: 'n2' })];
  const related = [...pods, pod('c', { node: 'n2' })];
  assert.equal(podsToDelete(pods, related, 1, now)[0].metadata!.name, 'b');
});

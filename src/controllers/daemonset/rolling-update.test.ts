// Table tests for the DaemonSet rolling-update plan (maxUnavailable without surge; maxSurge).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { planRollingUpdate } from './rolling-update.js';

const pod = (name: string, hash: string, ready: boolean, deleting = false): KubeObject => ({
  metadata: { name, labels: { 'controller-revision-hash': hash }, ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

const plan = (nodes: Record<string, KubeObject[]>, maxUnavailable: number, maxSurge = 0, shouldRun: (n: string) => boolean = () => true) =>
  planRollingUpdate({ nodeToPods: new Map(Object.entries(nodes)), hash: 'new', generation: undefined, maxSurge, maxUnavailable, desired: Object.keys(nodes).length, minReadySeconds: 0, nowMs: 0, shouldRun });

test('without surge: old available pods go up to maxUnavailable', () => {
  const cases: [string, Record<string, KubeObject[]>, number, string[]][] = [
    ['all old, one at a time', { a: [pod('pa', 'old', true)], b: [pod('pb', 'old', true)], c: [pod('pc', 'old', true)] }, 1, ['pa']],
    ['two at a time', { a: [pod('pa', 'old', true)], b: [pod('pb', 'old', true)], c: [pod('pc', 'old', true)] }, 2, ['pa', 'pb']],
    ['a new pod not ready uses the budget', { a: [pod('pa', 'new', false)], b: [pod('pb', 'old', true)] }, 1, []],
    ['a node without pod counts as unavailable', { a: [], b: [pod('pb', 'old', true)] }, 1, []],
    ['unavailable old pods are always replaced', { a: [pod('pa', 'old', false)], b: [pod('pb', 'old', false)], c: [pod('pc', 'old', true)] }, 1, ['pa', 'pb']],
    ['done', { a: [pod('pa', 'new', true)] }, 1, []],
  ];
  for (const [name, nodes, mu, want] of cases) assert.deepEqual(plan(nodes, mu), { deletePods: want, createOnNodes: [] }, name);
});

test('with surge: new pods start beside old ones, old ones go once replaced', () => {
  const cases: [string, Record<string, KubeObject[]>, number, { deletePods: string[]; createOnNodes: string[] }][] = [
    ['surge one node', { a: [pod('pa', 'old', true)], b: [pod('pb', 'old', true)] }, 1, { deletePods: [], createOnNodes: ['a'] }],
    ['new ready: delete old', { a: [pod('pa', 'old', true), pod('na', 'new', true)], b: [pod('pb', 'old', true)] }, 1, { deletePods: ['pa'], createOnNodes: ['b'] }],
    ['new not ready: wait', { a: [pod('pa', 'old', true), pod('na', 'new', false)], b: [pod('pb', 'old', true)] }, 1, { deletePods: [], createOnNodes: [] }],
    ['unavailable old gets a new pod regardless', { a: [pod('pa', 'old', false)], b: [pod('pb', 'old', true), pod('nb', 'new', false)] }, 1, { deletePods: [], createOnNodes: ['a'] }],
  ];
  for (const [name, nodes, ms, want] of cases) assert.deepEqual(plan(nodes, 0, ms), want, name);
});

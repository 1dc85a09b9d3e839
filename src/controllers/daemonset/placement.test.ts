// Table tests for DaemonSet placement and pod shaping: taints and tolerations, node selectors and
// affinity, the default daemon tolerations, node pinning, target node and update detection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { toleratesTaint, type Taint, type Toleration } from '../../api/taints.js';
import { nodeSelectorMatches, nodeShouldRunDaemonPod } from './node-fit.js';
import { addDaemonTolerations, daemonPodTemplate, isPodUpdated, pinToNode, podSpecForNode, targetNodeName } from './pod-template.js';
import { scaledValue } from './int-or-percent.js';
import { computeHash as computeTemplateHash } from '../util/hash.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): KubeObject => ({ metadata: { name, labels }, spec: { taints } });

test('toleratesTaint', () => {
  const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  const cases: [Toleration, boolean][] = [
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', value: 'v' }, true],
    [{ key: 'k', operator: 'Equal', value: 'w' }, false],
    [{ key: 'k', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
  ];
  for (const [t, want] of cases) assert.equal(toleratesTaint(t, taint), want, JSON.stringify(t));
});

test('nodeSelectorMatches: terms ORed, requirements ANDed, fields by name', () => {
  const n = node('n1', { zone: 'a', cpu: '8' });
  const cases: [unknown, boolean][] = [
    [{ nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] }, true],
    [{ nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }] }, false],
    [{ nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }] }, true],
    [{ nodeSelectorTerms: [{ matchExpressions: [{ key: 'cpu', operator: 'Gt', values: ['4'] }] }] }, true],
    [{ nodeSelectorTerms: [{ matchExpressions: [{ key: 'cpu', operator: 'Lt', values: ['4'] }] }] }, false],
    [{ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] }, true],
    [{ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] }, true],
    [{ nodeSelectorTerms: [{}] }, false],
    [{ nodeSelectorTerms: [] }, false],
  ];
  for (const [sel, want] of cases) assert.equal(nodeSelectorMatches(sel, n), want, JSON.stringify(sel));
});

test('nodeShouldRunDaemonPod', () => {
  const ds = (spec: Record<string, unknown> = {}): KubeObject => ({ spec: { template: { spec: { containers: [], ...spec } } } });
  const cases: [string, KubeObject, KubeObject, { shouldRun: boolean; shouldContinueRunning: boolean }][] = [
    ['plain node', node('n'), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['selector miss', node('n', { a: 'b' }), ds({ nodeSelector: { a: 'c' } }), { shouldRun: false, shouldContinueRunning: false }],
    ['NoSchedule taint', node('n', {}, [{ key: 'x', effect: 'NoSchedule' }]), ds(), { shouldRun: false, shouldContinueRunning: true }],
    ['NoExecute taint', node('n', {}, [{ key: 'x', effect: 'NoExecute' }]), ds(), { shouldRun: false, shouldContinueRunning: false }],
    ['PreferNoSchedule ignored', node('n', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['default toleration: unschedulable', node('n', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['default toleration: not-ready', node('n', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), ds(), { shouldRun: true, shouldContinueRunning: true }],
    ['network-unavailable only for hostNetwork', node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds(), { shouldRun: false, shouldContinueRunning: true }],
    ['network-unavailable hostNetwork', node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds({ hostNetwork: true }), { shouldRun: true, shouldContinueRunning: true }],
    ['nodeName elsewhere', node('n'), ds({ nodeName: 'other' }), { shouldRun: false, shouldContinueRunning: false }],
    ['required affinity miss', node('n'), ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'z', operator: 'Exists' }] }] } } } }), { shouldRun: false, shouldContinueRunning: false }],
  ];
  for (const [name, n, d, want] of cases) assert.deepEqual(nodeShouldRunDaemonPod(n, podSpecForNode(d, n.metadata!.name!)), want, name);
});

test('addDaemonTolerations replaces same key+effect and keeps others', () => {
  const spec: Record<string, unknown> = { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { key: 'mine', operator: 'Exists' }] };
  addDaemonTolerations(spec);
  const t = spec.tolerations as Toleration[];
  assert.equal(t.length, 7);
  assert.deepEqual(t[0], { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  assert.deepEqual(t[1], { key: 'mine', operator: 'Exists' });
});

test('pinToNode replaces required terms and keeps preferred ones', () => {
  const a = pinToNode({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'z', operator: 'Exists' }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] } }, 'n7');
  assert.deepEqual(a, {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }],
    },
  });
  assert.equal(targetNodeName({ spec: { affinity: pinToNode(undefined, 'n9') } }), 'n9');
  assert.equal(targetNodeName({ spec: { nodeName: 'n1', affinity: pinToNode(undefined, 'n9') } }), 'n1');
  assert.equal(targetNodeName({ spec: {} }), undefined);
});

test('daemonPodTemplate labels and isPodUpdated', () => {
  const ds: KubeObject = { metadata: { annotations: { 'deprecated.daemonset.template.generation': '3' } }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: {} } } };
  const t = daemonPodTemplate(ds, 'abc');
  assert.deepEqual((t.metadata as { labels: unknown }).labels, { app: 'x', 'pod-template-generation': '3', 'controller-revision-hash': 'abc' });
  const pod = (labels: Record<string, string>): KubeObject => ({ metadata: { labels } });
  assert.ok(isPodUpdated(pod({ 'controller-revision-hash': 'abc' }), 'abc', undefined));
  assert.ok(isPodUpdated(pod({ 'pod-template-generation': '3' }), 'zzz', 3));
  assert.ok(!isPodUpdated(pod({ 'controller-revision-hash': 'old', 'pod-template-generation': '2' }), 'abc', 3));
});

test('scaledValue rounds percentages up', () => {
  const cases: [unknown, number, number][] = [[1, 10, 1], ['25%', 10, 3], ['0%', 10, 0], ['100%', 3, 3], [undefined, 5, 0]];
  for (const [v, total, want] of cases) assert.equal(scaledValue(v, total, true), want);
  assert.throws(() => scaledValue('x', 1, true));
});

test('computeTemplateHash is stable and collision-count aware', () => {
  const t = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  assert.equal(computeTemplateHash(t), computeTemplateHash(JSON.parse(JSON.stringify(t))));
  assert.notEqual(computeTemplateHash(t), computeTemplateHash(t, 1));
  assert.match(computeTemplateHash(t), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

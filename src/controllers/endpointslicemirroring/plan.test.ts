import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { desiredFromEndpoints } from './desired.js';
import { mirroredSlice, planMirror } from './plan.js';
import type { KubeObject } from '../../api/object.js';

const p80 = { name: 'http', port: 80, protocol: 'TCP' };
const endpoints = (subsets: unknown[], meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'svc', namespace: 'ns', uid: 'ep-uid', ...meta }, subsets });
const groups = (e: KubeObject) => desiredFromEndpoints(e, 1000).groups;
/** The slice the controller would have written for `e`, as stored under `name`. */
const stored = (e: KubeObject, name: string, rv = '5'): KubeObject[] =>
  [...groups(e).values()].map((g, i) => {
    const s = mirroredSlice(e, g);
    return { ...s, metadata: { ...s.metadata, name: `${name}${i || ''}`, generateName: undefined, resourceVersion: rv } };
  });
const one = endpoints([{ ports: [p80], addresses: [{ ip: '10.0.0.1' }] }]);
const names = (xs: KubeObject[]) => xs.map((s) => s.metadata?.name ?? `new:${s.metadata?.generateName}`);

describe('mirroredSlice', () => {
  test('labels, annotations, owner and generated name', () => {
    const e = endpoints([{ ports: [p80], addresses: [{ ip: '10.0.0.1' }] }], {
      labels: { team: 'a' },
      annotations: { note: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': 't', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    });
    const s = mirroredSlice(e, [...groups(e).values()][0]!);
    assert.deepEqual(s.metadata, {
      namespace: 'ns',
      generateName: 'svc-',
      labels: { team: 'a', 'kubernetes.io/service-name': 'svc', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' },
      annotations: { note: 'x' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'svc', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }],
    });
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [p80]);
    assert.deepEqual(s.endpoints, [{ addresses: ['10.0.0.1'], conditions: { ready: true } }]);
  });
});

describe('planMirror', () => {
  const cases: { name: string; e: KubeObject; existing: KubeObject[]; create: number; update: string[]; del: string[] }[] = [
    { name: 'creates a slice for a new Endpoints', e: one, existing: [], create: 1, update: [], del: [] },
    { name: 'leaves an up-to-date slice alone', e: one, existing: stored(one, 'a'), create: 0, update: [], del: [] },
    { name: 'rewrites a slice whose address changed', e: endpoints([{ ports: [p80], addresses: [{ ip: '10.0.0.2' }] }]), existing: stored(one, 'a'), create: 0, update: ['a'], del: [] },
    { name: 'rewrites a slice whose readiness changed', e: endpoints([{ ports: [p80], notReadyAddresses: [{ ip: '10.0.0.1' }] }]), existing: stored(one, 'a'), create: 0, update: ['a'], del: [] },
    { name: 'rewrites a slice when the labels changed', e: endpoints(one.subsets as unknown[], { labels: { x: 'y' } }), existing: stored(one, 'a'), create: 0, update: ['a'], del: [] },
    { name: 'rewrites a slice when the annotations changed', e: endpoints(one.subsets as unknown[], { annotations: { x: 'y' } }), existing: stored(one, 'a'), create: 0, update: ['a'], del: [] },
    { name: 'a trigger-time annotation alone changes nothing', e: endpoints(one.subsets as unknown[], { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': 't' } }), existing: stored(one, 'a'), create: 0, update: [], del: [] },
    { name: 'deletes surplus slices of a group', e: one, existing: [...stored(one, 'a'), ...stored(one, 'b')], create: 0, update: [], del: ['b'] },
    { name: 'deletes everything when no address is left', e: endpoints([]), existing: stored(one, 'a'), create: 0, update: [], del: ['a'] },
    // The port changed: the old group's slice would go and a new one come; it is rewritten instead.
    { name: 'recycles a deleted slice of the same address type', e: endpoints([{ ports: [{ ...p80, port: 81 }], addresses: [{ ip: '10.0.0.1' }] }]), existing: stored(one, 'a'), create: 0, update: ['a'], del: [] },
    { name: 'does not recycle across address types', e: endpoints([{ ports: [p80], addresses: [{ ip: 'fd00::1' }] }]), existing: stored(one, 'a'), create: 1, update: [], del: ['a'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planMirror(c.e, groups(c.e), c.existing);
      assert.equal(plan.create.length, c.create);
      assert.deepEqual(names(plan.update), c.update);
      assert.deepEqual(names(plan.delete), c.del);
    });
  }

  test('a rewrite carries the new content under the old name and resourceVersion', () => {
    const e = endpoints([{ ports: [{ ...p80, port: 81 }], addresses: [{ ip: '10.0.0.9' }] }]);
    const [u] = planMirror(e, groups(e), stored(one, 'a', '42')).update;
    assert.equal(u!.metadata?.name, 'a');
    assert.equal(u!.metadata?.resourceVersion, '42');
    assert.equal(u!.metadata?.generateName, undefined);
    assert.deepEqual(u!.ports, [{ ...p80, port: 81 }]);
    assert.deepEqual(u!.endpoints, [{ addresses: ['10.0.0.9'], conditions: { ready: true } }]);
  });

  test('an existing slice with endpoints in another order is up to date', () => {
    const two = endpoints([{ ports: [p80], addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }]);
    const [s] = stored(two, 'a');
    const reordered = { ...s!, endpoints: [...(s!.endpoints as unknown[])].reverse() };
    assert.equal(planMirror(two, groups(two), [reordered]).update.length, 0);
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { planSlices, type DesiredGroup } from './plan.js';
import { endpointKey, portsKey, type SliceEndpoint, type SlicePort } from './desired.js';
import type { KubeObject } from '../../api/object.js';

const ports: SlicePort[] = [{ name: 'http', port: 8080, protocol: 'TCP' }];
const ep = (n: number, ready = true): SliceEndpoint => ({ addresses: [`10.0.0.${n}`], conditions: { ready, serving: ready, terminating: false }, targetRef: { kind: 'Pod', namespace: 'ns', name: `p${n}` } });
const group = (eps: SliceEndpoint[], p = ports): Map<string, DesiredGroup> => new Map([[portsKey(p), { ports: p, endpoints: new Map(eps.map((e) => [endpointKey(e), e])) }]]);
const slice = (name: string, eps: SliceEndpoint[], p = ports): KubeObject => ({ metadata: { name }, addressType: 'IPv4', ports: p, endpoints: eps });
const never = () => false;
const names = (xs: { existing?: KubeObject }[]) => xs.map((x) => x.existing?.metadata?.name ?? 'new');

describe('planSlices', () => {
  test('creates slices of at most max endpoints', () => {
    const plan = planSlices(group([1, 2, 3, 4, 5].map((n) => ep(n))), [], 2, never);
    assert.deepEqual(plan.create.map((s) => s.endpoints.length), [2, 2, 1]);
    assert.equal(plan.update.length + plan.delete.length, 0);
  });
  test('leaves an up-to-date slice alone', () => {
    const plan = planSlices(group([ep(1), ep(2)]), [slice('a', [ep(1), ep(2)])], 100, never);
    assert.deepEqual(names(plan.update), []);
    assert.deepEqual(plan.unchanged.map((s) => s.metadata?.name), ['a']);
    assert.equal(plan.create.length, 0);
  });
  test('updates a slice whose endpoint changed readiness and adds new endpoints to it', () => {
    const plan = planSlices(group([ep(1, false), ep(2), ep(3)]), [slice('a', [ep(1), ep(2)])], 100, never);
    assert.deepEqual(names(plan.update), ['a']);
    assert.deepEqual(plan.update[0]!.endpoints.map((e) => [e.addresses[0], e.conditions.ready]), [['10.0.0.1', false], ['10.0.0.2', true], ['10.0.0.3', true]]);
  });
  test('fits leftovers into an unchanged slice with room rather than creating one', () => {
    const plan = planSlices(group([ep(1), ep(2), ep(3)]), [slice('a', [ep(1), ep(2)])], 3, never);
    assert.deepEqual(names(plan.update), ['a']);
    assert.equal(plan.create.length, 0);
  });
  test('recycles a slice that would be deleted (ports changed) instead of creating', () => {
    const newPorts: SlicePort[] = [{ name: 'http', port: 9090, protocol: 'TCP' }];
    const plan = planSlices(group([ep(1)], newPorts), [slice('a', [ep(1)])], 100, never);
    assert.deepEqual(names(plan.update), ['a']);
    assert.deepEqual(plan.update[0]!.ports, newPorts);
    assert.equal(plan.delete.length + plan.create.length, 0);
  });
  test('no endpoints: a placeholder is created once, then kept', () => {
    const first = planSlices(new Map(), [], 100, never);
    assert.deepEqual(first.create, [{ ports: [], endpoints: [] }]);
    const again = planSlices(new Map(), [slice('p', [], [])], 100, never);
    assert.equal(again.create.length + again.update.length + again.delete.length, 0);
  });
  test('last endpoint gone: the slice becomes the placeholder', () => {
    const plan = planSlices(new Map(), [slice('a', [ep(1)])], 100, never);
    assert.deepEqual(names(plan.update), ['a']);
    assert.deepEqual(plan.update[0]!.endpoints, []);
    assert.deepEqual(plan.update[0]!.ports, []);
  });
  test('stale labels force an update', () => {
    const plan = planSlices(group([ep(1)]), [slice('a', [ep(1)])], 100, () => true);
    assert.deepEqual(names(plan.update), ['a']);
  });
});

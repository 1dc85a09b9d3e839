import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computeSubsets, repackSubsets } from './subsets.js';
import { findPort, podEndpointsChanged, shouldPodBeInEndpoints } from './pod-util.js';
import type { KubeObject } from '../../api/object.js';

const pod = (name: string, ip: string | undefined, ready: boolean, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }], ...extra },
  status: { phase: 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'svc', namespace: 'ns' }, spec: { clusterIP: '10.43.0.10', ...spec } });

describe('findPort', () => {
  const p = pod('a', '1.1.1.1', true);
  const cases: [string, Record<string, unknown>, number | undefined][] = [
    ['number', { port: 80, targetPort: 9000 }, 9000],
    ['numeric string', { port: 80, targetPort: '9001' }, 9001],
    ['named', { port: 80, targetPort: 'web' }, 8080],
    ['named with protocol', { port: 53, targetPort: 'dns', protocol: 'UDP' }, 53],
    ['named wrong protocol', { port: 53, targetPort: 'dns', protocol: 'TCP' }, undefined],
    ['missing name', { port: 80, targetPort: 'nope' }, undefined],
    ['no targetPort', { port: 80 }, 80],
  ];
  for (const [name, sp, want] of cases) test(name, () => assert.equal(findPort(p, sp), want));
});

describe('shouldPodBeInEndpoints', () => {
  const cases: [string, KubeObject, boolean, boolean][] = [
    ['running with ip', pod('a', '1.1.1.1', true), false, true],
    ['no ip', pod('a', undefined, true), false, false],
    ['terminating', { ...pod('a', '1.1.1.1', true), metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } }, false, false],
    ['terminating, included', { ...pod('a', '1.1.1.1', true), metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } }, true, true],
    ['never + succeeded', { ...pod('a', '1.1.1.1', false, { restartPolicy: 'Never' }), status: { podIP: '1.1.1.1', phase: 'Succeeded' } }, false, false],
    ['always + failed', { ...pod('a', '1.1.1.1', false), status: { podIP: '1.1.1.1', phase: 'Failed' } }, false, true],
  ];
  for (const [name, p, inc, want] of cases) test(name, () => assert.equal(shouldPodBeInEndpoints(p, inc), want));
});

describe('computeSubsets', () => {
  test('groups pods with the same ports, ready and not ready', () => {
    const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] });
    const { subsets, ready, notReady } = computeSubsets(s, [pod('b', '1.1.1.2', false), pod('a', '1.1.1.1', true), pod('c', '1.1.1.3', true), pod('x', undefined, true)]);
    assert.equal(ready, 2);
    assert.equal(notReady, 1);
    assert.deepEqual(subsets, [{
      addresses: [
        { ip: '1.1.1.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } },
        { ip: '1.1.1.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'uid-c' } },
      ],
      notReadyAddresses: [{ ip: '1.1.1.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 80 === 80 ? 8080 : 0, protocol: 'TCP' }],
    }]);
  });
  test('publishNotReadyAddresses makes every pod ready', () => {
    const { subsets } = computeSubsets(svc({ publishNotReadyAddresses: true, ports: [{ port: 80, protocol: 'TCP' }] }), [pod('b', '1.1.1.2', false)]);
    assert.equal(subsets[0]!.addresses?.[0]?.ip, '1.1.1.2');
  });
  test('headless without ports keeps addresses; hostname only for its subdomain', () => {
    const { subsets } = computeSubsets(svc({ clusterIP: 'None' }), [pod('a', '1.1.1.1', true, { hostname: 'h', subdomain: 'svc' }), pod('b', '1.1.1.2', true, { hostname: 'h2', subdomain: 'other' })]);
    assert.deepEqual(subsets.map((s) => s.addresses?.map((a) => a.hostname)), [['h', undefined]]);
    assert.equal(subsets[0]!.ports, undefined);
  });
  test('cluster IP service without ports has no subsets', () => {
    assert.deepEqual(computeSubsets(svc({}), [pod('a', '1.1.1.1', true)]).subsets, []);
  });
});

describe('repackSubsets', () => {
  test('merges addresses that share ports and splits those that do not', () => {
    const a = { ip: '1.1.1.1' };
    const b = { ip: '1.1.1.2' };
    const p80 = { port: 80, protocol: 'TCP' };
    const p81 = { port: 81, protocol: 'TCP' };
    const out = repackSubsets([
      { addresses: [a], ports: [p80] },
      { addresses: [a], ports: [p81] },
      { addresses: [b], ports: [p80] },
    ]);
    assert.deepEqual(out, [
      { addresses: [a, b], ports: [p80] },
      { addresses: [a], ports: [p81] },
    ]);
  });
  test('ready wins over not ready for the same address and port', () => {
    const a = { ip: '1.1.1.1' };
    const p = { port: 80, protocol: 'TCP' };
    assert.deepEqual(repackSubsets([{ notReadyAddresses: [a], ports: [p] }, { addresses: [a], ports: [p] }]), [{ addresses: [a], ports: [p] }]);
  });
});

describe('podEndpointsChanged', () => {
  const base = pod('a', '1.1.1.1', true);
  const cases: [string, KubeObject, boolean][] = [
    ['same', structuredClone(base), false],
    ['ready flips', pod('a', '1.1.1.1', false), true],
    ['ip changes', pod('a', '1.1.1.2', true), true],
    ['labels change', { ...structuredClone(base), metadata: { ...base.metadata, labels: { x: 'y' } } }, true],
    ['deletion', { ...structuredClone(base), metadata: { ...base.metadata, deletionTimestamp: 't' } }, true],
    ['unrelated status', { ...structuredClone(base), status: { ...(base.status as object), qosClass: 'BestEffort' } }, false],
  ];
  for (const [name, next, want] of cases) test(name, () => assert.equal(podEndpointsChanged(base, next), want));
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { desiredFromEndpoints, groupKey } from './desired.js';
import type { KubeObject } from '../../api/object.js';

const eps = (subsets: unknown[]): KubeObject => ({ metadata: { name: 's', namespace: 'ns' }, subsets });
const summary = (e: KubeObject, max = 1000) => {
  const d = desiredFromEndpoints(e, max);
  return {
    groups: [...d.groups.entries()].map(([k, g]) => [k, g.addressType, g.ports, [...g.endpoints.values()]]),
    invalid: d.invalid,
    skipped: d.skipped,
  };
};
const p80 = { name: 'http', port: 80, protocol: 'TCP' };

describe('desiredFromEndpoints', () => {
  const cases: [string, KubeObject, number, ReturnType<typeof summary>][] = [
    ['no subsets', { metadata: { name: 's' } }, 1000, { groups: [], invalid: 0, skipped: 0 }],
    [
      'ready and not-ready addresses, with hostname, nodeName and targetRef',
      eps([{ ports: [{ name: 'http', port: 80, protocol: 'TCP' }], addresses: [{ ip: '10.0.0.1', hostname: 'h', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u' } }], notReadyAddresses: [{ ip: '10.0.0.2' }] }]),
      1000,
      {
        groups: [[groupKey('IPv4', [p80]), 'IPv4', [p80], [
          { addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'h', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u' } },
          { addresses: ['10.0.0.2'], conditions: { ready: false } },
        ]]],
        invalid: 0,
        skipped: 0,
      },
    ],
    [
      'IPv6 addresses form their own group; an unnamed port gets the empty name',
      eps([{ ports: [{ port: 53, protocol: 'UDP' }], addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::0:1' }] }]),
      1000,
      {
        groups: [
          [groupKey('IPv4', [{ name: '', port: 53, protocol: 'UDP' }]), 'IPv4', [{ name: '', port: 53, protocol: 'UDP' }], [{ addresses: ['10.0.0.1'], conditions: { ready: true } }]],
          [groupKey('IPv6', [{ name: '', port: 53, protocol: 'UDP' }]), 'IPv6', [{ name: '', port: 53, protocol: 'UDP' }], [{ addresses: ['fd00::1'], conditions: { ready: true } }]],
        ],
        invalid: 0,
        skipped: 0,
      },
    ],
    [
      'invalid IPs are counted and skipped',
      eps([{ ports: [p80], addresses: [{ ip: 'bogus' }, { ip: '10.0.0.1' }] }]),
      1000,
      { groups: [[groupKey('IPv4', [p80]), 'IPv4', [p80], [{ addresses: ['10.0.0.1'], conditions: { ready: true } }]]], invalid: 1, skipped: 1 },
    ],
    [
      'at most max addresses a subset, ready ones first',
      eps([{ ports: [p80], addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], notReadyAddresses: [{ ip: '10.0.0.3' }] }]),
      2,
      { groups: [[groupKey('IPv4', [p80]), 'IPv4', [p80], [{ addresses: ['10.0.0.1'], conditions: { ready: true } }, { addresses: ['10.0.0.2'], conditions: { ready: true } }]]], invalid: 0, skipped: 1 },
    ],
    [
      'subsets with the same ports are repacked into one group',
      eps([{ ports: [p80], addresses: [{ ip: '10.0.0.2' }] }, { ports: [p80], addresses: [{ ip: '10.0.0.1' }] }]),
      1000,
      { groups: [[groupKey('IPv4', [p80]), 'IPv4', [p80], [{ addresses: ['10.0.0.1'], conditions: { ready: true } }, { addresses: ['10.0.0.2'], conditions: { ready: true } }]]], invalid: 0, skipped: 0 },
    ],
  ];
  for (const [name, e, max, want] of cases) test(name, () => assert.deepEqual(summary(e, max), want));

  test('does not modify the Endpoints it reads', () => {
    const e = eps([{ ports: [p80], addresses: [{ ip: '10.0.0.2' }, { ip: '10.0.0.1' }] }]);
    const before = JSON.stringify(e);
    desiredFromEndpoints(e, 1000);
    assert.equal(JSON.stringify(e), before);
  });

  test('groups do not depend on port order', () => {
    const q = { name: 'q', port: 81, protocol: 'TCP' };
    assert.equal(groupKey('IPv4', [p80, q]), groupKey('IPv4', [q, p80]));
    assert.notEqual(groupKey('IPv4', [p80]), groupKey('IPv6', [p80]));
  });
});

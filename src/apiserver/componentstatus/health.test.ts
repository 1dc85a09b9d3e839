import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { componentStatus, leaseCheck, storageCheck, type Check, type LeaseRead } from './health.js';

const ref = { namespace: 'kube-system', name: 'kube-scheduler' };
const NOW = Date.parse('2026-11-26T12:00:00Z');
const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

describe('leaseCheck', () => {
  const cases: { name: string; read: LeaseRead; want: Check }[] = [
    { name: 'renewed 1s ago', read: { found: true, spec: { holderIdentity: 'host_abc', leaseDurationSeconds: 15, renewTime: micro(NOW - 1000) } }, want: { result: 'Success', message: 'ok', error: '' } },
    { name: 'renewed just inside the duration', read: { found: true, spec: { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: micro(NOW - 14_999) } }, want: { result: 'Success', message: 'ok', error: '' } },
    { name: 'default duration of 15s when unset', read: { found: true, spec: { holderIdentity: 'h', renewTime: micro(NOW - 10_000) } }, want: { result: 'Success', message: 'ok', error: '' } },
    {
      name: 'renewed exactly leaseDurationSeconds ago',
      read: { found: true, spec: { holderIdentity: 'h', leaseDurationSeconds: 15, renewTime: micro(NOW - 15_000) } },
      want: { result: 'Failure', message: 'lease kube-system/kube-scheduler held by "h" was last renewed 15s ago, longer than its leaseDurationSeconds (15s)', error: '' },
    },
    {
      name: 'stale lease of a stopped component',
      read: { found: true, spec: { holderIdentity: 'node1_x', leaseDurationSeconds: 60, renewTime: micro(NOW - 90_500) } },
      want: { result: 'Failure', message: 'lease kube-system/kube-scheduler held by "node1_x" was last renewed 90s ago, longer than its leaseDurationSeconds (60s)', error: '' },
    },
    { name: 'never renewed', read: { found: true, spec: { holderIdentity: 'h', leaseDurationSeconds: 15 } }, want: { result: 'Failure', message: 'lease kube-system/kube-scheduler held by "h" was never renewed', error: '' } },
    { name: 'released (no holder)', read: { found: true, spec: { holderIdentity: '', renewTime: micro(NOW) } }, want: { result: 'Failure', message: 'lease kube-system/kube-scheduler has no holder', error: '' } },
    { name: 'no lease (component never ran or is disabled)', read: { found: false }, want: { result: 'Failure', message: 'lease kube-system/kube-scheduler not found', error: '' } },
    { name: 'lease unreadable', read: { error: 'store is closed' }, want: { result: 'Unknown', message: '', error: 'store is closed' } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(leaseCheck(ref, c.read, NOW), c.want));
});

describe('storageCheck', () => {
  const cases: { ready: boolean; want: Check }[] = [
    { ready: true, want: { result: 'Success', message: 'ok', error: '' } },
    { ready: false, want: { result: 'Failure', message: '', error: 'storage not ready' } },
  ];
  for (const c of cases) test(`ready=${c.ready}`, () => assert.deepEqual(storageCheck(c.ready), c.want));
});

describe('componentStatus', () => {
  const cases: { check: Check; want: unknown }[] = [
    { check: { result: 'Success', message: 'ok', error: '' }, want: { type: 'Healthy', status: 'True', message: 'ok' } },
    { check: { result: 'Failure', message: 'lease x not found', error: '' }, want: { type: 'Healthy', status: 'False', message: 'lease x not found' } },
    { check: { result: 'Failure', message: '', error: 'storage not ready' }, want: { type: 'Healthy', status: 'False', error: 'storage not ready' } },
    { check: { result: 'Unknown', message: '', error: 'boom' }, want: { type: 'Healthy', status: 'Unknown', error: 'boom' } },
  ];
  for (const c of cases) {
    test(`${c.check.result} ${c.check.message || c.check.error}`, () => {
      const cs = componentStatus('scheduler', c.check);
      assert.deepEqual(cs, { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: 'scheduler', creationTimestamp: null }, conditions: [c.want] });
    });
  }

});

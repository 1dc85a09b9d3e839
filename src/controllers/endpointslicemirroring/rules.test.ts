import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseEndpointIP, serviceWantsMirror, shouldMirror } from './rules.js';
import type { KubeObject } from '../../api/object.js';

describe('parseEndpointIP', () => {
  const cases: [string, ReturnType<typeof parseEndpointIP>][] = [
    ['10.1.2.3', { address: '10.1.2.3', addressType: 'IPv4' }],
    ['010.001.002.003', { address: '10.1.2.3', addressType: 'IPv4' }],
    ['256.1.1.1', undefined],
    ['fd00:0:0::1', { address: 'fd00::1', addressType: 'IPv6' }],
    ['FD00::A', { address: 'fd00::a', addressType: 'IPv6' }],
    ['::ffff:10.1.2.3', { address: '10.1.2.3', addressType: 'IPv4' }],
    ['not-an-ip', undefined],
    ['', undefined],
    ['fe80::1%eth0', undefined],
    ['1:2:3', undefined],
  ];
  for (const [ip, want] of cases) test(JSON.stringify(ip), () => assert.deepEqual(parseEndpointIP(ip), want));
});

describe('shouldMirror', () => {
  const ep = (labels?: Record<string, string>, annotations?: Record<string, string>): KubeObject => ({ metadata: { name: 'e', labels, annotations } });
  const cases: [string, KubeObject | undefined, boolean][] = [
    ['plain', ep(), true],
    ['absent', undefined, false],
    ['skip-mirror true', ep({ 'endpointslice.kubernetes.io/skip-mirror': 'true' }), false],
    ['skip-mirror other value', ep({ 'endpointslice.kubernetes.io/skip-mirror': 'false' }), true],
    ['leader-election lock', ep(undefined, { 'control-plane.alpha.kubernetes.io/leader': '' }), false],
  ];
  for (const [name, e, want] of cases) test(name, () => assert.equal(shouldMirror(e), want));
});

describe('serviceWantsMirror', () => {
  const cases: [string, KubeObject | undefined, boolean][] = [
    ['no service', undefined, false],
    ['no selector', { spec: { ports: [{ port: 80 }] } }, true],
    ['empty selector', { spec: { selector: {} } }, true],
    ['selector', { spec: { selector: { app: 'x' } } }, false],
  ];
  for (const [name, svc, want] of cases) test(name, () => assert.equal(serviceWantsMirror(svc), want));
});

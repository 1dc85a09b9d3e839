import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './service.js';
import { NOW, ago } from './testing.js';

const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', creationTimestamp: ago(7200) },
  spec,
  status,
});

describe('service cells', () => {
  const cases: [string, KubeObject, unknown[]][] = [
    [
      'ClusterIP with selector',
      svc('kube-dns', { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 9153, protocol: 'TCP' }], selector: { 'k8s-app': 'kube-dns' } }),
      ['kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP', '120m', 'k8s-app=kube-dns'],
    ],
    ['ClusterIP with external IPs', svc('a', { type: 'ClusterIP', clusterIPs: ['10.0.0.1'], externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, protocol: 'TCP' }] }), ['a', 'ClusterIP', '10.0.0.1', '1.2.3.4,5.6.7.8', '80/TCP', '120m', '<none>']],
    ['headless', svc('h', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db', tier: 'x' } }), ['h', 'ClusterIP', 'None', '<none>', '<none>', '120m', 'app=db,tier=x']],
    ['NodePort', svc('np', { type: 'NodePort', clusterIPs: ['10.0.0.2'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30443 }] }), ['np', 'NodePort', '10.0.0.2', '<none>', '80:30080/TCP,443:30443/TCP', '120m', '<none>']],
    ['LoadBalancer pending', svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.0.0.3'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }), ['lb', 'LoadBalancer', '10.0.0.3', '<pending>', '80:31000/TCP', '120m', '<none>']],
    [
      'LoadBalancer with ingress (sorted, unique, not clipped)',
      svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.0.0.3'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { hostname: 'a-very-long-lb-name.elb.example.com' }, { ip: '203.0.113.10' }] } }),
      ['lb', 'LoadBalancer', '10.0.0.3', '203.0.113.10,a-very-long-lb-name.elb.example.com', '80:31000/TCP', '120m', '<none>'],
    ],
    [
      'LoadBalancer with ingress and external IPs',
      svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.0.0.3'], externalIPs: ['198.51.100.1'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } }),
      ['lb', 'LoadBalancer', '10.0.0.3', '203.0.113.10,198.51.100.1', '<none>', '120m', '<none>'],
    ],
    ['ExternalName', svc('db', { type: 'ExternalName', externalName: 'db.example.com' }), ['db', 'ExternalName', '<none>', 'db.example.com', '<none>', '120m', '<none>']],
    ['type defaults to ClusterIP, clusterIP used when clusterIPs absent', svc('d', { clusterIP: '10.0.0.9', ports: [{ port: 8080 }] }), ['d', 'ClusterIP', '10.0.0.9', '<none>', '8080/TCP', '120m', '<none>']],
  ];
  for (const [name, o, want] of cases) test(name, () => assert.deepEqual(servicePrinter.cells(o, NOW), want));
});

describe('endpoints cells', () => {
  const ep = (subsets: unknown[]): KubeObject => ({ metadata: { name: 'web', creationTimestamp: ago(30) }, subsets });
  const cases: [string, KubeObject, string][] = [
    ['no subsets', ep([]), '<none>'],
    ['one address', ep([{ addresses: [{ ip: '10.1.0.4' }], ports: [{ port: 8080 }] }]), '10.1.0.4:8080'],
    ['more than three', ep([{ addresses: [{ ip: '10.1.0.4' }, { ip: '10.1.0.5' }], ports: [{ port: 80 }, { port: 443 }] }, { addresses: [{ ip: '10.1.0.6' }], ports: [{ port: 80 }] }]), '10.1.0.4:80,10.1.0.5:80,10.1.0.4:443 + 2 more...'],
    ['headless without ports', ep([{ addresses: [{ ip: '10.1.0.4' }, { ip: '10.1.0.5' }] }]), '10.1.0.4,10.1.0.5'],
    ['IPv6', ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]), '[fd00::1]:80'],
    ['not-ready addresses are not listed', ep([{ notReadyAddresses: [{ ip: '10.1.0.9' }], ports: [{ port: 80 }] }]), ''],
  ];
  for (const [name, o, want] of cases) test(name, () => assert.deepEqual(endpointsPrinter.cells(o, NOW), ['web', want, '30s']));
});

describe('endpointslice cells', () => {
  test('ports and endpoints', () => {
    const s: KubeObject = {
      metadata: { name: 'web-abc', creationTimestamp: ago(30) },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'named-only' }, {}, { port: 9000 }],
      endpoints: [{ addresses: ['10.1.0.4'] }, { addresses: ['10.1.0.5', '10.1.0.6', '10.1.0.7'] }],
    };
    assert.deepEqual(endpointSlicePrinter.cells(s, NOW), ['web-abc', 'IPv4', '80,named-only,* + 1 more...', '10.1.0.4,10.1.0.5,10.1.0.6 + 1 more...', '30s']);
  });
  test('empty slice', () => {
    assert.deepEqual(endpointSlicePrinter.cells({ metadata: { name: 'e' }, addressType: 'IPv6' }, NOW), ['e', 'IPv6', '<unset>', '<unset>', '<unknown>']);
  });
});

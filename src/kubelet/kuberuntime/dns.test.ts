import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../types.js';
import { parseResolvConf, podDnsConfig } from './dns.js';

const host = parseResolvConf('# host\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch corp.example\noptions edns0\n');
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'web', uid: 'u' }, spec: { containers: [], ...spec } });
const d = { clusterDns: ['10.43.0.10'], clusterDomain: 'cluster.local', host };

test('dns policies', () => {
  assert.deepEqual(podDnsConfig(pod(), d).config, { servers: ['10.43.0.10'], searches: ['web.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'] });
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), d).config, { servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example'], options: ['edns0'] });
  assert.deepEqual(podDnsConfig(pod({ hostNetwork: true }), d).config.servers, ['192.168.1.1', '192.168.1.2']);
  assert.deepEqual(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), d).config.servers, ['10.43.0.10']);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), d).config, { servers: ['1.2.3.4'], searches: ['a.b'], options: ['ndots:2', 'edns0'] });
  assert.deepEqual(podDnsConfig(pod({ dnsConfig: { options: [{ name: 'ndots', value: '1' }] } }), d).config.options, ['ndots:1']);
  const noDns = podDnsConfig(pod(), { ...d, clusterDns: [] });
  assert.equal(noDns.config.servers[0], '192.168.1.1');
  assert.match(noDns.warning!, /kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy./);
});

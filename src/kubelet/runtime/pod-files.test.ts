// Table tests for the pod's hosts, hostname and resolv.conf files, and conmon's command line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conmonArgs, type ConmonOptions } from './conmon.js';
import { hostnameFile, hostsFile, resolvConf } from './pod-files.js';

const BASE = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
  + 'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

const hostsCases: [string, Parameters<typeof hostsFile>, string][] = [
  ['pod ip', [{ hostname: 'web' }, '10.244.0.5'], `${BASE}10.244.0.5\tweb\n`],
  ['no ip yet', [{ hostname: 'web' }, ''], BASE],
  ['aliases', [{ hostname: 'web', hostAliases: [{ ip: '1.2.3.4', hostnames: ['a', 'b'] }] }, '10.244.0.5'],
    `${BASE}10.244.0.5\tweb\n\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n`],
  ['host network', [{ hostname: 'node', hostNetwork: true }, '', '127.0.0.1 localhost'],
    '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n'],
];
for (const [name, args, want] of hostsCases) test(`hosts: ${name}`, () => assert.equal(hostsFile(...args), want));

const resolvCases: [string, Parameters<typeof resolvConf>, string][] = [
  ['cluster dns', [{ servers: ['10.96.0.10'], searches: ['ns.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] }],
    'search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'],
  ['servers only', [{ servers: ['1.1.1.1', '8.8.8.8'], searches: [], options: [] }], 'nameserver 1.1.1.1\nnameserver 8.8.8.8\n'],
  ['host copy', [undefined, 'nameserver 127.0.0.53\n'], 'nameserver 127.0.0.53\n'],
];
for (const [name, args, want] of resolvCases) test(`resolv.conf: ${name}`, () => assert.equal(resolvConf(...args), want));

test('hostname file', () => assert.equal(hostnameFile('web-0'), 'web-0\n'));

test('conmon arguments', () => {
  const o: ConmonOptions = {
    conmonPath: '/usr/bin/conmon', runcPath: '/usr/sbin/runc', runcRoot: '/run/k8ts/runc', containerId: 'abc', name: 'ns_pod_c',
    bundle: '/b', logPath: '/l/0.log', logSizeMax: 100, exitDir: '/e', persistDir: '/p', socketDir: '/s',
    containerPidFile: '/b/pidfile', conmonPidFile: '/p/conmon.pid', tty: false, stdin: true, stdinOnce: false,
  };
  const a = conmonArgs(o);
  const after = (flag: string): string | undefined => a[a.indexOf(flag) + 1];
  assert.deepEqual([after('--api-version'), after('-r'), after('--runtime-arg'), after('-l'), after('--log-size-max')],
    ['1', '/usr/sbin/runc', '--root=/run/k8ts/runc', 'k8s-file:/l/0.log', '100']);
  assert.ok(a.includes('-i') && a.includes('--leave-stdin-open') && !a.includes('-t'));
  const t = conmonArgs({ ...o, tty: true, logSizeMax: 0 });
  assert.ok(t.includes('-t') && !t.includes('-i') && !t.includes('--log-size-max'));
});

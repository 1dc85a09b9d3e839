// Table tests for the OCI config builder: argv/env/cwd merging, capabilities, mounts, namespaces,
// resources, sysctls and the privileged switch.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerConfig, ImageConfig, PodSandboxConfig } from '../cri/types.js';
import {
  ALL_CAPABILITIES, buildOciSpec, capabilitiesFromMask, computeCapabilities, DEFAULT_CAPABILITIES, DEFAULT_MASKED_PATHS, isNamespacedSysctl,
  mergeEnv, normalizeCapability, processArgs, type OciSpecInput,
} from './oci-spec.js';
import { containerConfig, sandboxConfig } from './testing.js';

const ID = 'a'.repeat(64);

function input(over: Partial<ContainerConfig> = {}, sc: ContainerConfig['linux']['securityContext'] = {}, res: ContainerConfig['linux']['resources'] = {},
  sb: Partial<PodSandboxConfig> = {}, image: ImageConfig = { cmd: ['sh'] }): OciSpecInput {
  return {
    containerId: ID,
    config: containerConfig('c', 'img', over, sc, res),
    sandbox: sandboxConfig('pod', '/logs', 'k8ts/poduid', sb),
    image,
    user: { uid: 0, gid: 0, additionalGids: [0], home: '/root' },
    namespaces: { net: '/var/run/netns/n', ipc: '/run/ns/ipc', uts: '/run/ns/uts' },
    sandboxFiles: { hosts: '/sb/hosts', hostname: '/sb/hostname', resolvConf: '/sb/resolv.conf', shm: '/sb/shm' },
  };
}

describe('processArgs', () => {
  const image: ImageConfig = { entrypoint: ['/ep', 'x'], cmd: ['c1', 'c2'] };
  const cases: [string, string[], string[], ImageConfig, string[]][] = [
    ['image only', [], [], image, ['/ep', 'x', 'c1', 'c2']],
    ['args replace cmd', [], ['a'], image, ['/ep', 'x', 'a']],
    ['command drops cmd', ['/bin/cmd'], [], image, ['/bin/cmd']],
    ['command and args', ['/bin/cmd'], ['a', 'b'], image, ['/bin/cmd', 'a', 'b']],
    ['no entrypoint', [], [], { cmd: ['sh'] }, ['sh']],
    ['no entrypoint, args', [], ['echo', 'hi'], { cmd: ['sh'] }, ['echo', 'hi']],
    ['nothing', [], [], {}, []],
  ];
  for (const [name, cmd, args, img, want] of cases) test(name, () => assert.deepEqual(processArgs(cmd, args, img), want));
});

describe('mergeEnv', () => {
  const cases: [string, string[][], string[]][] = [
    ['later wins in place', [['A=1', 'B=2'], ['A=3']], ['A=3', 'B=2']],
    ['appends new', [['A=1'], ['C=3']], ['A=1', 'C=3']],
    ['value with =', [['A=x=y']], ['A=x=y']],
    ['empty lists', [[], []], []],
  ];
  for (const [name, lists, want] of cases) test(name, () => assert.deepEqual(mergeEnv(...lists), want));
});

describe('capabilities', () => {
  const cases: [string, string[], string[], boolean, (caps: string[]) => void][] = [
    ['default set', [], [], false, (c) => assert.deepEqual(c, DEFAULT_CAPABILITIES)],
    ['add without prefix', ['sys_admin'], [], false, (c) => assert.ok(c.includes('CAP_SYS_ADMIN') && c.length === DEFAULT_CAPABILITIES.length + 1)],
    ['drop with prefix', [], ['CAP_NET_RAW'], false, (c) => assert.ok(!c.includes('CAP_NET_RAW') && c.length === DEFAULT_CAPABILITIES.length - 1)],
    ['drop ALL then add one', ['NET_BIND_SERVICE'], ['ALL'], false, (c) => assert.deepEqual(c, ['CAP_NET_BIND_SERVICE'])],
    ['drop ALL', [], ['all'], false, (c) => assert.deepEqual(c, [])],
    ['add ALL', ['ALL'], [], false, (c) => assert.deepEqual(c, ALL_CAPABILITIES)],
    ['add ALL drop one', ['ALL'], ['SYS_ADMIN'], false, (c) => assert.ok(!c.includes('CAP_SYS_ADMIN') && c.length === ALL_CAPABILITIES.length - 1)],
    ['privileged ignores drop', [], ['ALL'], true, (c) => assert.deepEqual(c, ALL_CAPABILITIES)],
  ];
  for (const [name, add, drop, priv, check] of cases) test(name, () => check(computeCapabilities(add, drop, priv)));
  test('limited to what the runtime holds', () => {
    const avail = ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE' && c !== 'CAP_NET_RAW');
    assert.deepEqual(computeCapabilities([], [], true, avail), avail);
    assert.deepEqual(computeCapabilities(['ALL'], [], false, avail), avail);
    assert.ok(!computeCapabilities(['SYS_RESOURCE'], [], false, avail).includes('CAP_SYS_RESOURCE'));
    assert.ok(!computeCapabilities([], [], false, avail).includes('CAP_NET_RAW'));
  });
  test('capabilitiesFromMask', () => {
    assert.deepEqual(capabilitiesFromMask('00000000a80425fb'), [...DEFAULT_CAPABILITIES].sort((x, y) => ALL_CAPABILITIES.indexOf(x) - ALL_CAPABILITIES.indexOf(y)));
    assert.equal(capabilitiesFromMask('000001fffeffffff').length, 40);
    assert.deepEqual(capabilitiesFromMask('1ffffffffff'), ALL_CAPABILITIES);
  });
  test('normalize', () => {
    assert.deepEqual(['chown', 'CAP_KILL', ' all '].map(normalizeCapability), ['CAP_CHOWN', 'CAP_KILL', 'ALL']);
  });
});

describe('isNamespacedSysctl', () => {
  const cases: [string, boolean, boolean][] = [
    ['net.ipv4.ip_unprivileged_port_start', false, true],
    ['net.core.somaxconn', true, false],
    ['kernel.shm_rmid_forced', false, true],
    ['kernel.msgmax', false, true],
    ['kernel.sem', false, true],
    ['fs.mqueue.msg_max', false, true],
    ['kernel.pid_max', false, false],
    ['vm.overcommit_memory', false, false],
  ];
  for (const [name, hostNet, want] of cases) test(`${name} hostNetwork=${hostNet}`, () => assert.equal(isNamespacedSysctl(name, hostNet), want));
});

describe('buildOciSpec', () => {
  test('basic container', () => {
    const s = buildOciSpec(input({ command: ['httpd'], envs: [{ key: 'A', value: '1' }], workingDir: '/w' }, {}, {}, {},
      { cmd: ['sh'], env: ['PATH=/bin', 'A=0'], workingDir: '/img' }));
    assert.deepEqual(s.process.args, ['httpd']);
    assert.deepEqual(s.process.env, ['PATH=/bin', 'HOSTNAME=pod', 'A=1', 'HOME=/root']);
    assert.equal(s.process.cwd, '/w');
    assert.equal(s.process.terminal, false);
    assert.equal(s.process.noNewPrivileges, false);
    assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0] });
    assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1048576 }]);
    assert.deepEqual(s.root, { path: 'rootfs', readonly: false });
    assert.equal(s.linux.cgroupsPath, `/k8ts/poduid/${ID}`);
    assert.deepEqual(s.linux.namespaces, [
      { type: 'pid' }, { type: 'mount' }, { type: 'network', path: '/var/run/netns/n' },
      { type: 'ipc', path: '/run/ns/ipc' }, { type: 'uts', path: '/run/ns/uts' },
    ]);
    assert.equal('hostname' in s, false);
    assert.deepEqual(s.linux.maskedPaths, DEFAULT_MASKED_PATHS);
    assert.deepEqual(s.linux.resources.devices, [{ allow: false, access: 'rwm' }]);
    const dests = s.mounts.map((m) => m.destination);
    assert.deepEqual(dests, ['/proc', '/dev', '/dev/pts', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/dev/shm', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);
    assert.deepEqual(s.mounts.find((m) => m.destination === '/sys')?.options.at(-1), 'ro');
    assert.deepEqual(s.mounts.find((m) => m.destination === '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/sb/shm', options: ['rbind', 'rprivate', 'rw'] });
  });

  test('image cwd and default cwd', () => {
    assert.equal(buildOciSpec(input({}, {}, {}, {}, { cmd: ['sh'], workingDir: '/img' })).process.cwd, '/img');
    assert.equal(buildOciSpec(input()).process.cwd, '/');
  });

  test('no command at all is an error', () => {
    assert.throws(() => buildOciSpec(input({}, {}, {}, {}, {})), /no command specified/);
  });

  test('config mounts replace defaults and sandbox files at the same path', () => {
    const s = buildOciSpec(input({
      mounts: [
        { containerPath: '/dev/shm', hostPath: '/vol/shm', readonly: false },
        { containerPath: '/etc/hosts', hostPath: '/kubelet/etc-hosts', readonly: false },
        { containerPath: '/data/', hostPath: '/vol/data', readonly: true },
      ],
    }));
    assert.equal(s.mounts.filter((m) => m.destination === '/dev/shm').length, 1);
    assert.equal(s.mounts.find((m) => m.destination === '/dev/shm')?.source, '/vol/shm');
    assert.equal(s.mounts.find((m) => m.destination === '/etc/hosts')?.source, '/kubelet/etc-hosts');
    assert.deepEqual(s.mounts.find((m) => m.destination === '/data'), { destination: '/data', type: 'bind', source: '/vol/data', options: ['rbind', 'rprivate', 'ro'] });
  });

  test('security context', () => {
    const s = buildOciSpec(input({ tty: true }, { readonlyRootfs: true, noNewPrivs: true, capabilities: { addCapabilities: [], dropCapabilities: ['ALL'] } }));
    assert.equal(s.root.readonly, true);
    assert.equal(s.process.noNewPrivileges, true);
    assert.equal(s.process.terminal, true);
    assert.deepEqual(s.process.capabilities.bounding, []);
    assert.equal(s.mounts.find((m) => m.destination === '/etc/hosts')?.options.at(-1), 'ro');
  });

  test('privileged', () => {
    const s = buildOciSpec(input({}, { privileged: true, noNewPrivs: true }));
    assert.deepEqual(s.process.capabilities.effective, ALL_CAPABILITIES);
    assert.equal(s.process.noNewPrivileges, false);
    assert.equal(s.linux.maskedPaths, undefined);
    assert.equal(s.linux.readonlyPaths, undefined);
    assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
    assert.deepEqual(s.mounts.find((m) => m.destination === '/sys')?.options.at(-1), 'rw');
  });

  test('explicit masked/readonly paths from the kubelet win', () => {
    const s = buildOciSpec(input({}, { maskedPaths: [], readonlyPaths: ['/proc/sys'] }));
    assert.deepEqual([s.linux.maskedPaths, s.linux.readonlyPaths], [[], ['/proc/sys']]);
  });

  test('resources', () => {
    const s = buildOciSpec({ ...input({}, {}, { memoryLimitInBytes: 1 << 25, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, oomScoreAdj: 999 }), swapAccounting: true, pidsLimit: 100 });
    assert.deepEqual(s.linux.resources.memory, { limit: 1 << 25, swap: 1 << 25 });
    assert.deepEqual(s.linux.resources.cpu, { shares: 512, quota: 50000, period: 100000 });
    assert.deepEqual(s.linux.resources.pids, { limit: 100 });
    assert.equal(s.process.oomScoreAdj, 999);
    const none = buildOciSpec(input());
    assert.deepEqual([none.linux.resources.memory, none.linux.resources.cpu, none.process.oomScoreAdj], [undefined, undefined, undefined]);
  });

  test('sysctls: namespaced only', () => {
    const s = buildOciSpec(input({}, {}, {}, { sysctls: { 'net.ipv4.ping_group_range': '0 100', 'kernel.pid_max': '1', 'kernel.shmmax': '2' } }));
    assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 100', 'kernel.shmmax': '2' });
  });

  test('hostNetwork: no network or UTS namespace, no net sysctls', () => {
    const i = input({}, {}, {}, { hostNetwork: true, sysctls: { 'net.core.somaxconn': '10' } });
    const s = buildOciSpec({ ...i, namespaces: { ipc: '/run/ns/ipc', uts: '/run/ns/uts' } });
    assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['pid', 'mount', 'ipc']);
    assert.equal(s.linux.sysctl, undefined);
  });

  test('absolute cgroup parent and HOME from the environment', () => {
    const i = input({ envs: [{ key: 'HOME', value: '/h' }] }, {}, {}, { cgroupParent: '/k8ts/podx/' });
    const s = buildOciSpec(i);
    assert.equal(s.linux.cgroupsPath, `/k8ts/podx/${ID}`);
    assert.deepEqual(s.process.env.filter((e) => e.startsWith('HOME=')), ['HOME=/h']);
  });
});

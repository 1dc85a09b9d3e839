// Container mounts: volumeMounts, read-only API data volumes, subPath (made, and kept inside the
// volume), subPathExpr, /etc/hosts and the termination log, and parent-before-child order.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, symlink, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSubPath, containerMounts, expandSubPathExpr } from './mounts.js';
import type { VolumeMount } from './types.js';

describe('checkSubPath', () => {
  const cases: [string, string | undefined][] = [
    ['data', undefined],
    ['a/b', undefined],
    ['/abs', 'error SubPath `/abs` must not be an absolute path'],
    ['a/../../b', "unable to provision SubPath `a/../../b`: must not contain '..'"],
  ];
  for (const [p, want] of cases) test(p, () => assert.equal(checkSubPath(p), want));
});

describe('expandSubPathExpr', () => {
  test('expands', () => assert.equal(expandSubPathExpr('logs/$(POD_NAME)/$$x', { POD_NAME: 'web-0' }), 'logs/web-0/$x'));
  test('missing', () => assert.throws(() => expandSubPathExpr('$(B)/$(A)', {}), { message: 'missing value for A, B' }));
});

test('containerMounts', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'k8tD-mnt-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const data = join(root, 'data');
  const cfg = join(root, 'cfg');
  await mkdir(data);
  await chmod(data, 0o777);
  await mkdir(cfg);
  await symlink('/etc', join(data, 'escape'));
  const volumes = new Map<string, VolumeMount>([
    ['data', { name: 'data', plugin: 'kubernetes.io~empty-dir', hostPath: data, readOnly: false }],
    ['cfg', { name: 'cfg', plugin: 'kubernetes.io~configmap', hostPath: cfg, readOnly: true }],
  ]);
  const pod = { metadata: { name: 'p' } };
  const mounts = containerMounts(pod, {
    name: 'app',
    volumeMounts: [
      { name: 'cfg', mountPath: '/etc/app/conf' },
      { name: 'data', mountPath: '/var/data', subPath: 'db' },
      { name: 'data', mountPath: '/var/logs', subPathExpr: 'logs/$(POD_NAME)', readOnly: true },
      { name: 'data', mountPath: '/srv' },
    ],
  }, volumes, { hostsFile: '/h/hosts', terminationLogFile: '/h/term', env: { POD_NAME: 'p' } });
  assert.deepEqual(mounts, [
    { containerPath: '/srv', hostPath: data, readonly: false },
    { containerPath: '/var/data', hostPath: join(data, 'db'), readonly: false },
    { containerPath: '/var/logs', hostPath: join(data, 'logs/p'), readonly: true },
    { containerPath: '/etc/hosts', hostPath: '/h/hosts', readonly: false },
    { containerPath: '/dev/termination-log', hostPath: '/h/term', readonly: false },
    { containerPath: '/etc/app/conf', hostPath: cfg, readonly: true },
  ]);
  // subPath directories are made with the volume's mode.
  assert.equal((await stat(join(data, 'db'))).mode & 0o777, 0o777);

  // A volume mounted at /etc/hosts replaces the kubelet's file; a custom termination path is honoured.
  const own = containerMounts(pod, { name: 'x', terminationMessagePath: '/tmp/msg', volumeMounts: [{ name: 'data', mountPath: '/etc/hosts', subPath: 'hosts' }] }, volumes, { hostsFile: '/h/hosts', terminationLogFile: '/h/term' });
  assert.deepEqual(own.map((m) => m.containerPath), ['/etc/hosts', '/tmp/msg']);

  assert.throws(() => containerMounts(pod, { name: 'x', volumeMounts: [{ name: 'data', mountPath: '/x', subPath: 'escape' }] }, volumes), /subpath "\/etc" not within volume path/);
  assert.throws(() => containerMounts(pod, { name: 'x', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, volumes), { message: 'cannot find volume "nope" to mount into container "x"' });
  assert.throws(() => containerMounts(pod, { name: 'x', volumeMounts: [{ name: 'data', mountPath: '/x', subPath: '/abs' }] }, volumes), { message: 'error SubPath `/abs` must not be an absolute path' });
});

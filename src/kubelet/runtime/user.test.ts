// Table tests for resolving the container user from the security context, the image USER and the
// image's /etc/passwd and /etc/group.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinuxContainerSecurityContext } from '../cri/types.js';
import { resolveUser, type ProcessUser } from './user.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n# comment\nbroken\n';
const GROUP = 'root:x:0:\nwheel:x:10:app,other\napp:x:1001:\nstaff:x:50:\n';

const cases: [string, LinuxContainerSecurityContext, string | undefined, ProcessUser | RegExp][] = [
  ['image default root', {}, undefined, { uid: 0, gid: 0, additionalGids: [0], home: '/root' }],
  ['image user name', {}, 'app', { uid: 1000, gid: 1001, additionalGids: [1001, 10], home: '/home/app' }],
  ['image uid', {}, '1000', { uid: 1000, gid: 1001, additionalGids: [1001, 10], home: '/home/app' }],
  ['image uid:gid', {}, '1000:50', { uid: 1000, gid: 50, additionalGids: [50, 10], home: '/home/app' }],
  ['image name:group', {}, 'app:staff', { uid: 1000, gid: 50, additionalGids: [50, 10], home: '/home/app' }],
  ['unknown uid', {}, '4242', { uid: 4242, gid: 0, additionalGids: [0] }],
  ['unknown name', {}, 'ghost', /no users found matching "ghost"/],
  ['unknown group', {}, 'app:ghosts', /no groups found matching "ghosts"/],
  ['runAsUser overrides image', { runAsUser: 1000 }, 'root', { uid: 1000, gid: 1001, additionalGids: [1001, 10], home: '/home/app' }],
  ['runAsUser + runAsGroup', { runAsUser: 5, runAsGroup: 6 }, undefined, { uid: 5, gid: 6, additionalGids: [6] }],
  ['runAsGroup alone', { runAsGroup: 7 }, 'app', { uid: 1000, gid: 7, additionalGids: [7, 10], home: '/home/app' }],
  ['supplementalGroups', { runAsUser: 0, supplementalGroups: [2000, 0] }, undefined, { uid: 0, gid: 0, additionalGids: [0, 2000], home: '/root' }],
  ['runAsUsername from kubelet', { runAsUsername: 'app' }, 'app', { uid: 1000, gid: 1001, additionalGids: [1001, 10], home: '/home/app' }],
];

for (const [name, sc, imageUser, want] of cases) {
  test(name, () => {
    if (want instanceof RegExp) assert.throws(() => resolveUser(sc, imageUser, PASSWD, GROUP), want);
    else assert.deepEqual(resolveUser(sc, imageUser, PASSWD, GROUP), want);
  });
}

test('no passwd file in the image', () => {
  assert.deepEqual(resolveUser({}, '', undefined, undefined), { uid: 0, gid: 0, additionalGids: [0] });
});

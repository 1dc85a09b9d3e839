// Root test of orphan cleanup on real netns. Its own names (bridge k8r2, netns k8r-, veths vk8r,
// 10.251.1.64/26), none a prefix of pod-network.test.ts's (k8c-, vk8c), whose cleanup runs beside it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk } from './exec.js';
import { netnsName, vethName } from './names.js';
import { assertRootNetworking, cleanupPrefixes, neighbour, pingFrom } from './netns-testing.js';
import { PodNetwork } from './pod-network.js';
import { cleanupOrphans } from './reconcile.js';

const NAMES = { bridge: 'k8r2', netnsPrefix: 'k8r-', vethPrefix: 'vk8r' };

test('cleanupOrphans removes what a crashed agent left for unknown sandboxes, and nothing else', async (t) => {
  assertRootNetworking();
  const dir = await mkdtemp(join(tmpdir(), 'k8r-reconcile-'));
  t.after(async () => {
    await cleanupPrefixes(NAMES);
    await rm(dir, { recursive: true, force: true });
  });
  await cleanupPrefixes(NAMES);
  const opts = { podCidr: '10.251.1.64/26', stateDir: join(dir, 'state'), ...NAMES };

  const crashed = new PodNetwork(opts);
  const keep = await crashed.setUp('keep');
  const gone1 = await crashed.setUp('gone-1');
  await crashed.setUp('gone-2');
  assert.ok(await pingFrom(gone1.netnsPath, '10.251.1.65'), 'the host learns gone-1');
  // Objects with our names that the state file does not know: a netns and a veth on our bridge
  // (as after a crash between creating them and recording the IP), and a stale neighbour entry.
  const strayNs = netnsName(NAMES.netnsPrefix, 'stray');
  const strayVeth = vethName(NAMES.vethPrefix, 'stray');
  await execOk('ip', ['-batch', '-'], [
    `netns add ${strayNs}`,
    `link add ${strayVeth} type veth peer name ${strayVeth}p`,
    `link set ${strayVeth} master k8r2`,
    'neigh replace 10.251.1.100 lladdr 02:00:00:00:00:64 dev k8r2 nud reachable',
  ].join('\n') + '\n');
  // Someone else's objects that merely look alike must stay.
  const foreignNs = 'k8rX-foreign';
  await execOk('ip', ['netns', 'add', foreignNs]);

  const restarted = new PodNetwork(opts);
  const report = await cleanupOrphans(restarted, new Set(['keep', 'not-set-up-yet']));
  assert.deepEqual(report.sandboxes.sort(), ['gone-1', 'gone-2']);
  assert.deepEqual(report.netns, [strayNs]);
  assert.deepEqual(report.veths, [strayVeth]);
  assert.deepEqual(report.neighbours, ['10.251.1.100']);

  assert.deepEqual(await restarted.list(), ['keep']);
  assert.ok(!existsSync(gone1.netnsPath));
  assert.ok(!existsSync(`/sys/class/net/${vethName(NAMES.vethPrefix, 'gone-1')}`));
  assert.equal(await neighbour(gone1.ip, NAMES.bridge), '');
  assert.ok(!existsSync(`/var/run/netns/${strayNs}`));
  assert.ok(!existsSync(`/sys/class/net/${strayVeth}`));
  assert.equal(await neighbour('10.251.1.100', NAMES.bridge), '');
  assert.ok(existsSync(`/var/run/netns/${foreignNs}`), 'a netns not matching our pattern is left alone');
  await execOk('ip', ['netns', 'del', foreignNs]);

  assert.ok(existsSync(keep.netnsPath));
  assert.ok(await pingFrom(keep.netnsPath, '10.251.1.65'), 'the known sandbox still works');
  assert.deepEqual(await restarted.setUp('keep'), keep);

  const again = await cleanupOrphans(restarted, new Set(['keep']));
  assert.deepEqual(again, { sandboxes: [], netns: [], veths: [], neighbours: [] }, 'a second pass finds nothing');
});

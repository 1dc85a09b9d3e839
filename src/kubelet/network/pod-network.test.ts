// Root tests on real network namespaces. Names and addresses are this test's own (bridge k8c0/k8c1,
// netns k8c-, veths vk8c, 10.251.0.0/24 and 10.251.1.0/29); only traffic inside them, literal IPs.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execOk } from './exec.js';
import { bridgeMac, vethName } from './names.js';
import { PodNetwork } from './pod-network.js';
import type { PodNetworkOptions } from './pod-network.js';
import {
  assertRootNetworking, cleanupPrefixes, linkMac, linkMtu, neighbour, pingFrom, startHttpd, tcpConnects, waitListening, httpGetFrom,
} from './netns-testing.js';

const PREFIXES = { netnsPrefix: 'k8c-', vethPrefix: 'vk8c' };

interface Fixture { opts: PodNetworkOptions; dir: string; stops: (() => Promise<void>)[] }

async function fixture(t: { after: (fn: () => Promise<void>) => void }, bridge: string, podCidr: string): Promise<Fixture> {
  assertRootNetworking();
  const dir = await mkdtemp(join(tmpdir(), 'k8c-net-'));
  const stops: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const stop of stops) await stop();
    await cleanupPrefixes({ bridge, ...PREFIXES });
    await rm(dir, { recursive: true, force: true });
  });
  await cleanupPrefixes({ bridge, ...PREFIXES }); // leftovers of an interrupted earlier run
  return { opts: { podCidr, stateDir: join(dir, 'state'), bridge, ...PREFIXES }, dir, stops };
}

describe('PodNetwork on real netns', { concurrency: false }, () => {
  test('two pods reach each other and the host reaches both; state survives a restart; teardown frees all', async (t) => {
    const { opts, dir, stops } = await fixture(t, 'k8c0', '10.251.0.0/24');
    const net = new PodNetwork(opts);
    const a = await net.setUp('sandbox-a');
    const b = await net.setUp('sandbox-b');
    assert.match(a.netnsPath, /^\/var\/run\/netns\/k8c-[0-9a-f]{12}$/);
    assert.deepEqual(a, { netnsPath: a.netnsPath, ip: '10.251.0.2', gateway: '10.251.0.1', prefixLength: 24 });
    assert.equal(b.ip, '10.251.0.3');
    assert.ok(existsSync(a.netnsPath) && existsSync(b.netnsPath));

    // The bridge: fixed MAC, gateway address, up; the port is in hairpin mode.
    assert.equal((await readFile('/sys/class/net/k8c0/address', 'utf8')).trim(), bridgeMac('k8c0'));
    const va = vethName('vk8c', 'sandbox-a');
    assert.equal((await readFile(`/sys/class/net/${va}/brport/hairpin_mode`, 'utf8')).trim(), '1');
    assert.equal((await readFile(`/sys/class/net/${va}/brport/state`, 'utf8')).trim(), '3');

    stops.push(await startHttpd(a.netnsPath, join(dir, 'www-a'), 8080, 'hello from a\n'));
    stops.push(await startHttpd(b.netnsPath, join(dir, 'www-b'), 8080, 'hello from b\n'));
    await waitListening(a.ip, 8080);
    await waitListening(b.ip, 8080);
    assert.equal(await httpGetFrom(a.netnsPath, b.ip, 8080), 'hello from b\n', 'pod a -> pod b');
    assert.equal(await httpGetFrom(b.netnsPath, a.ip, 8080), 'hello from a\n', 'pod b -> pod a');
    assert.equal(await httpGetFrom(a.netnsPath, '127.0.0.1', 8080), 'hello from a\n', 'loopback is up');
    assert.ok(await pingFrom(a.netnsPath, '10.251.0.1'), 'pod -> gateway on the host');
    assert.ok(await tcpConnects(b.ip, 8080, 1000), 'host -> pod b');

    // Idempotent set up, also from a fresh instance (an agent restart) reading the state file.
    assert.deepEqual(await net.setUp('sandbox-a'), a);
    const restarted = new PodNetwork(opts);
    assert.deepEqual(await restarted.list(), ['sandbox-a', 'sandbox-b']);
    assert.deepEqual(await restarted.setUp('sandbox-b'), b);
    assert.ok(await tcpConnects(b.ip, 8080, 1000), 'set up again did not disturb the running pod');
    const c = await restarted.setUp('sandbox-c');
    assert.equal(c.ip, '10.251.0.4', 'the restarted allocator continues, no duplicate');

    // Teardown removes the netns, the veth and the host neighbour entry, and frees the IP.
    assert.notEqual(await neighbour(a.ip, 'k8c0'), '', 'the host has learnt a');
    await restarted.tearDown('sandbox-a');
    assert.ok(!existsSync(a.netnsPath), 'netns gone');
    assert.ok(!existsSync(`/sys/class/net/${va}`), 'veth gone');
    assert.equal(await neighbour(a.ip, 'k8c0'), '', 'neighbour entry gone');
    assert.deepEqual(await restarted.list(), ['sandbox-b', 'sandbox-c']);
    await restarted.tearDown('sandbox-a'); // idempotent
    await restarted.tearDown('never-existed');
    assert.equal((await net.setUp('sandbox-d')).ip, '10.251.0.5', 'round-robin: a\'s IP is not handed out again at once');
    assert.ok(await tcpConnects(b.ip, 8080, 1000), 'b still reachable');

    await net.removeBridge();
    assert.ok(!existsSync('/sys/class/net/k8c0'));
    await net.removeBridge(); // idempotent
    // A missing bridge is recreated by the next set up, and the kept netns is re-attached to it.
    const b2 = await net.setUp('sandbox-b');
    assert.deepEqual(b2, b);
    assert.ok(await tcpConnects(b.ip, 8080, 1000), 'b reachable again after the bridge came back');
  });

  test('repairs a sandbox whose veth vanished, keeping its netns; honours the MTU', async (t) => {
    const { opts } = await fixture(t, 'k8c0', '10.251.0.0/24');
    const net = new PodNetwork({ ...opts, mtu: 1400 });
    const a = await net.setUp('sandbox-r');
    const veth = vethName('vk8c', 'sandbox-r');
    assert.equal((await readFile(`/sys/class/net/${veth}/mtu`, 'utf8')).trim(), '1400');
    const inode = statSync(a.netnsPath).ino;
    await execOk('ip', ['link', 'del', veth]);
    assert.deepEqual(await net.setUp('sandbox-r'), a);
    assert.equal(statSync(a.netnsPath).ino, inode, 'the same netns (containers joined it by path)');
    assert.ok(await pingFrom(a.netnsPath, '10.251.0.1'));
    assert.equal(await linkMtu(a.netnsPath, 'eth0'), 1400);
  });

  test('a reused IP reaches the new pod at once (gratuitous ARP), from the host and from another pod', async (t) => {
    // A /29 holds five pods, so the allocator wraps and hands the first pod's IP out again.
    const { opts, dir, stops } = await fixture(t, 'k8c1', '10.251.1.0/29');
    const net = new PodNetwork(opts);
    const observer = await net.setUp('observer'); // .2
    const old = await net.setUp('old'); // .3
    assert.equal(old.ip, '10.251.1.3');
    assert.ok(await pingFrom(observer.netnsPath, old.ip), 'observer learns old\'s MAC');
    assert.ok(await pingFrom(old.netnsPath, '10.251.1.1'), 'host learns old\'s MAC');
    const oldMac = await linkMac(old.netnsPath, 'eth0');
    assert.match(await neighbour(old.ip, 'eth0', observer.netnsPath), new RegExp(oldMac));
    await net.tearDown('old');
    for (const f of ['f1', 'f2', 'f3']) await net.setUp(f); // .4 .5 .6
    const reborn = await net.setUp('new');
    assert.equal(reborn.ip, old.ip, 'the IP was reused');
    const newMac = await linkMac(reborn.netnsPath, 'eth0');
    assert.notEqual(newMac, oldMac);
    assert.match(await neighbour(old.ip, 'eth0', observer.netnsPath), new RegExp(newMac), 'the observer\'s ARP entry was updated');
    stops.push(await startHttpd(reborn.netnsPath, join(dir, 'www-new'), 8080, 'new\n'));
    await waitListening(reborn.ip, 8080);
    assert.equal(await httpGetFrom(observer.netnsPath, reborn.ip, 8080, 1), 'new\n', 'observer -> new pod at once');
    assert.ok(await tcpConnects(reborn.ip, 8080, 1000), 'host -> new pod at once');
  });

  test('set up and tear down times (6 pods, sequential and concurrent)', async (t) => {
    const { opts } = await fixture(t, 'k8c0', '10.251.0.0/24');
    const net = new PodNetwork(opts);
    await net.ensureBridge();
    const ids = Array.from({ length: 6 }, (_, i) => `timed-${i}`);
    const up: number[] = [];
    const down: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      await net.setUp(id);
      up.push(performance.now() - t0);
    }
    for (const id of ids) {
      const t0 = performance.now();
      await net.tearDown(id);
      down.push(performance.now() - t0);
    }
    const t0 = performance.now();
    const rs = await Promise.all(ids.map((id) => net.setUp(id)));
    const par = performance.now() - t0;
    assert.equal(new Set(rs.map((r) => r.ip)).size, ids.length);
    const t1 = performance.now();
    await Promise.all(ids.map((id) => net.tearDown(id)));
    const parDown = performance.now() - t1;
    assert.deepEqual(await net.list(), []);
    const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const fmt = (x: number): string => x.toFixed(1);
    t.diagnostic(`setUp median ${fmt(med(up))} ms (min ${fmt(Math.min(...up))}, max ${fmt(Math.max(...up))}); ` +
      `tearDown median ${fmt(med(down))} ms (min ${fmt(Math.min(...down))}, max ${fmt(Math.max(...down))}); ` +
      `${ids.length} concurrent setUp ${fmt(par)} ms, tearDown ${fmt(parDown)} ms`);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpamStore, allocateIp, emptyIpamState, intToIp, ipToInt, nextFreeIp, parseIpv4Cidr, releaseIp } from './ipam.js';

describe('parseIpv4Cidr', () => {
  const cases: { in: string; cidr?: string; gateway?: string; first?: string; last?: string; err?: RegExp }[] = [
    { in: '10.244.0.0/24', cidr: '10.244.0.0/24', gateway: '10.244.0.1', first: '10.244.0.2', last: '10.244.0.254' },
    { in: '10.244.0.77/24', cidr: '10.244.0.0/24', gateway: '10.244.0.1', first: '10.244.0.2', last: '10.244.0.254' },
    { in: '10.244.0.0/16', cidr: '10.244.0.0/16', gateway: '10.244.0.1', first: '10.244.0.2', last: '10.244.255.254' },
    { in: '10.251.1.0/29', cidr: '10.251.1.0/29', gateway: '10.251.1.1', first: '10.251.1.2', last: '10.251.1.6' },
    { in: '192.168.7.4/30', cidr: '192.168.7.4/30', gateway: '192.168.7.5', first: '192.168.7.6', last: '192.168.7.6' },
    { in: '10.0.0.0/31', err: /too small/ },
    { in: 'fd00::/64', err: /IPv6/ },
    { in: '10.0.0.0', err: /invalid podCIDR/ },
    { in: '10.0.0.0/24/1', err: /invalid podCIDR/ },
    { in: '10.0.0.256/24', err: /invalid IPv4/ },
    { in: 'ten/8', err: /invalid IPv4/ },
  ];
  for (const c of cases) {
    test(c.in, () => {
      if (c.err) {
        assert.throws(() => parseIpv4Cidr(c.in), c.err);
        return;
      }
      const r = parseIpv4Cidr(c.in);
      assert.equal(r.cidr, c.cidr);
      assert.equal(intToIp(r.gateway), c.gateway);
      assert.equal(intToIp(r.first), c.first);
      assert.equal(intToIp(r.last), c.last);
    });
  }
  test('ipToInt/intToIp round trip at the edges', () => {
    for (const ip of ['0.0.0.0', '255.255.255.255', '10.244.0.1', '128.0.0.1']) assert.equal(intToIp(ipToInt(ip)), ip);
  });
});

describe('nextFreeIp (round-robin as host-local)', () => {
  const r = parseIpv4Cidr('10.0.0.0/29'); // pods .2 .. .6
  const n = (last: number): number => ipToInt(`10.0.0.${last}`);
  const cases: { name: string; used: number[]; last?: number; want?: number }[] = [
    { name: 'empty range starts at .2', used: [], want: 2 },
    { name: 'continues after the last allocated', used: [2], last: 2, want: 3 },
    { name: 'does not reuse a just-released IP', used: [], last: 3, want: 4 },
    { name: 'skips used addresses', used: [4, 5], last: 3, want: 6 },
    { name: 'wraps around after the last address', used: [], last: 6, want: 2 },
    { name: 'wraps and skips used', used: [2, 3], last: 6, want: 4 },
    { name: 'full range', used: [2, 3, 4, 5, 6], last: 4, want: undefined },
    { name: 'only the just-released one left', used: [2, 3, 5, 6], last: 4, want: 4 },
    { name: 'cursor outside the range restarts at first', used: [], last: 200, want: 2 },
    { name: 'cursor on the gateway restarts at first', used: [], last: 1, want: 2 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = nextFreeIp(r, new Set(c.used.map(n)), c.last === undefined ? undefined : n(c.last));
      assert.equal(got, c.want === undefined ? undefined : n(c.want));
    });
  }
});

describe('allocateIp / releaseIp', () => {
  const r = parseIpv4Cidr('10.0.0.0/29');
  test('allocates in order, is idempotent per sandbox, and moves the cursor', () => {
    let s = emptyIpamState();
    const a = allocateIp(s, r, 'a', { netns: 'ns-a', veth: 'v-a' });
    s = a.state;
    assert.deepEqual(a.allocation, { ip: '10.0.0.2', cidr: '10.0.0.0/29', netns: 'ns-a', veth: 'v-a' });
    const again = allocateIp(s, r, 'a');
    assert.equal(again.state, s);
    assert.equal(again.allocation.ip, '10.0.0.2');
    s = allocateIp(s, r, 'b').state;
    assert.equal(s.allocations.b?.ip, '10.0.0.3');
    assert.equal(s.lastAllocated['10.0.0.0/29'], '10.0.0.3');
    s = releaseIp(s, 'b');
    assert.equal(s.allocations.b, undefined);
    assert.equal(s.lastAllocated['10.0.0.0/29'], '10.0.0.3', 'the cursor stays');
    assert.equal(allocateIp(s, r, 'c').allocation.ip, '10.0.0.4', 'b\'s IP is not reused at once');
  });
  test('release of an unknown sandbox leaves the state unchanged', () => {
    const s = emptyIpamState();
    assert.equal(releaseIp(s, 'nope'), s);
  });
  test('a full range is an error', () => {
    let s = emptyIpamState();
    for (const id of ['a', 'b', 'c', 'd', 'e']) s = allocateIp(s, r, id).state;
    assert.throws(() => allocateIp(s, r, 'f'), /no free IP address left in podCIDR 10.0.0.0\/29/);
  });
  test('refuses two sandboxes with the same network names', () => {
    const s = allocateIp(emptyIpamState(), r, 'a', { netns: 'ns-x', veth: 'v-a' }).state;
    assert.throws(() => allocateIp(s, r, 'b', { netns: 'ns-x', veth: 'v-b' }), /same network names/);
  });
});

describe('IpamStore (file)', () => {
  test('persists across instances, atomically, with narrow permissions', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'k8c-ipam-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const stateDir = join(dir, 'state');
    const r = parseIpv4Cidr('10.251.0.0/24');
    const one = new IpamStore(stateDir);
    assert.equal((await one.allocate(r, 'a')).ip, '10.251.0.2');
    assert.equal((await one.allocate(r, 'b')).ip, '10.251.0.3');
    const two = new IpamStore(stateDir); // a restarted agent
    assert.equal((await two.get('a'))?.ip, '10.251.0.2');
    assert.equal((await two.release('b'))?.ip, '10.251.0.3');
    assert.equal(await two.release('b'), undefined);
    assert.equal((await one.allocate(r, 'c')).ip, '10.251.0.4');
    assert.deepEqual(Object.keys((await one.read()).allocations).sort(), ['a', 'c']);
    assert.deepEqual(await readdir(stateDir), ['ipam.json'], 'no temp files left');
    assert.equal((await stat(join(stateDir, 'ipam.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(stateDir)).mode & 0o777, 0o700);
    const onDisk = JSON.parse(await readFile(join(stateDir, 'ipam.json'), 'utf8')) as { lastAllocated: Record<string, string> };
    assert.equal(onDisk.lastAllocated['10.251.0.0/24'], '10.251.0.4');
  });
  test('concurrent allocations in one process get distinct IPs', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'k8c-ipam-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const r = parseIpv4Cidr('10.251.0.0/24');
    const stores = [new IpamStore(dir), new IpamStore(dir)];
    const ips = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.allocate(r, `s${i}`)));
    assert.equal(new Set(ips.map((a) => a.ip)).size, 20);
  });
  test('a missing or empty file is an empty state; a corrupt one is an error', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'k8c-ipam-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const s = new IpamStore(dir);
    assert.deepEqual(await s.read(), emptyIpamState());
    await writeFile(join(dir, 'ipam.json'), '');
    assert.deepEqual(await s.read(), emptyIpamState());
    await writeFile(join(dir, 'ipam.json'), '{"version":1,"allocations":{"a":{"ip":7}}}');
    await assert.rejects(s.read(), /unexpected shape/);
    await writeFile(join(dir, 'ipam.json'), 'nope');
    await assert.rejects(s.read(), /not JSON/);
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../framework/testing.js';
import { nodeIpamController } from './index.js';
import { CidrSet, parseCidr, formatCidr } from './cidr-set.js';
import { createNode } from '../endpoints/testing.js';

describe('CidrSet', () => {
  test('parse and format', () => {
    for (const [inp, out] of [['10.42.0.0/16', '10.42.0.0/16'], ['10.42.7.9/16', '10.42.0.0/16'], ['192.168.1.0/24', '192.168.1.0/24']]) assert.equal(formatCidr(parseCidr(inp!)), out);
    assert.throws(() => parseCidr('10.0.0.0'));
    assert.throws(() => parseCidr('300.0.0.0/8'));
  });
  test('allocates in order, skips occupied, does not reuse at once, runs out', () => {
    const s = new CidrSet('10.0.0.0/22', 24);
    assert.equal(s.occupy('10.0.1.0/24'), true);
    assert.equal(s.occupy('10.9.0.0/24'), false);
    assert.equal(s.allocateNext(), '10.0.0.0/24');
    assert.equal(s.allocateNext(), '10.0.2.0/24');
    s.release('10.0.0.0/24');
    assert.equal(s.allocateNext(), '10.0.3.0/24');
    assert.equal(s.allocateNext(), '10.0.0.0/24');
    assert.equal(s.allocateNext(), undefined);
    assert.equal(s.free, 0);
  });
});

describe('node IPAM controller', () => {
  test('gives each node its own /24, keeps existing ones, releases on delete', async () => {
    const env = await controllerTestEnv();
    const c = env.clients;
    const nodes = c.resource('nodes');
    await createNode(c, 'pre');
    await nodes.patch(undefined, 'pre', 'merge', { spec: { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] } });
    await env.start(nodeIpamController(env.ctx, { clusterCidr: '10.42.0.0/16' }));
    try {
      await createNode(c, 'a');
      await createNode(c, 'b');
      const cidrOf = async (n: string) => ((await nodes.get(undefined, n)).spec as { podCIDR?: string; podCIDRs?: string[] });
      const a = await env.eventually(async () => (await cidrOf('a')).podCIDR);
      const b = await env.eventually(async () => (await cidrOf('b')).podCIDR);
      assert.deepEqual(new Set([a, b, '10.42.0.0/24']).size, 3);
      assert.deepEqual((await cidrOf('a')).podCIDRs, [a]);
      assert.match(a, /^10\.42\.\d+\.0\/24$/);
      await nodes.delete(undefined, 'a');
      await createNode(c, 'c');
      const cc = await env.eventually(async () => (await cidrOf('c')).podCIDR);
      assert.ok(![b, '10.42.0.0/24'].includes(cc));
    } finally {
      await env.stop();
    }
  });
});

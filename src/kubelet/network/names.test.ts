import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeMac, netnsName, netnsPattern, shortSandboxId, validatePrefixes, vethName, vethPattern } from './names.js';

describe('pod network names', () => {
  test('bridge MAC: fixed per name, locally administered unicast', () => {
    for (const b of ['k8ts0', 'k8c0', 'k8c1']) {
      const mac = bridgeMac(b);
      assert.match(mac, /^02(:[0-9a-f]{2}){5}$/);
      assert.equal(bridgeMac(b), mac);
    }
    assert.notEqual(bridgeMac('k8c0'), bridgeMac('k8c1'));
  });
  const ids: { id: string; short: RegExp }[] = [
    { id: '0123456789abcdef0123456789abcdef', short: /^0123456789ab$/ },
    { id: 'web-7f9c-uid-with-dashes', short: /^[0-9a-f]{12}$/ },
    { id: 'ABCDEF0123456789', short: /^[0-9a-f]{12}$/ },
    { id: 'abc', short: /^[0-9a-f]{12}$/ },
  ];
  for (const c of ids) {
    test(`short id of ${c.id}`, () => {
      assert.match(shortSandboxId(c.id), c.short);
      assert.match(netnsName('k8ts-', c.id), netnsPattern('k8ts-'));
      const v = vethName('veth', c.id);
      assert.ok(v.length <= 15, v);
      assert.match(v, vethPattern('veth'));
    });
  }
  test('patterns do not match other prefixes', () => {
    assert.doesNotMatch(netnsName('k8c-r-', 'abc'), netnsPattern('k8c-'));
    assert.doesNotMatch(vethName('vk8cr', 'abc'), vethPattern('vk8c'));
    assert.doesNotMatch('veth1234abc', vethPattern('veth')); // docker's 7-hex veths
  });
  test('validatePrefixes', () => {
    assert.doesNotThrow(() => validatePrefixes('k8ts0', 'k8ts-', 'veth'));
    assert.throws(() => validatePrefixes('a-very-long-bridge0', 'k8ts-', 'veth'), /bridge name/);
    assert.throws(() => validatePrefixes('k8ts0', 'k8ts-', 'vethlong'), /veth prefix/);
    assert.throws(() => validatePrefixes('k8ts0', 'k8ts/', 'veth'), /netns prefix/);
  });
});

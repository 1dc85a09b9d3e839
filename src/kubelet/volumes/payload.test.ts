// configMap, secret and downwardAPI payloads: keys to paths, modes, optional objects and keys.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import type { Payload } from './atomic-writer.js';
import { aggregate, configMapPayload, downwardAPIPayload, secretPayload } from './payload.js';

const show = (p: Payload) => Object.fromEntries([...p].map(([k, f]) => [k, [Buffer.from(f.data).toString('utf8'), f.mode.toString(8)]]));

const cm: KubeObject = { metadata: { name: 'cfg' }, data: { 'a.conf': 'A', b: 'B' }, binaryData: { bin: Buffer.from('BIN').toString('base64') } };
const secret: KubeObject = { metadata: { name: 's' }, data: { user: Buffer.from('admin').toString('base64'), pass: Buffer.from('p@ss').toString('base64') } };

describe('configMapPayload', () => {
  const cases: { name: string; items?: { key: string; path: string; mode?: number }[]; mode?: number; optional?: boolean; obj?: KubeObject; want: Record<string, [string, string]> | RegExp }[] = [
    { name: 'all keys, data and binaryData', want: { 'a.conf': ['A', '644'], b: ['B', '644'], bin: ['BIN', '644'] } },
    { name: 'defaultMode', mode: 0o400, want: { 'a.conf': ['A', '400'], b: ['B', '400'], bin: ['BIN', '400'] } },
    { name: 'items map keys to paths with per-item mode', items: [{ key: 'a.conf', path: 'conf/app.conf' }, { key: 'b', path: 'b.txt', mode: 0o600 }], want: { 'conf/app.conf': ['A', '644'], 'b.txt': ['B', '600'] } },
    { name: 'missing key', items: [{ key: 'zzz', path: 'z' }], want: /configmap references non-existent config key: zzz$/ },
    { name: 'missing key, optional', items: [{ key: 'zzz', path: 'z' }, { key: 'b', path: 'b' }], optional: true, want: { b: ['B', '644'] } },
    { name: 'missing optional object', obj: undefined, optional: true, want: {} },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const obj = 'obj' in c ? c.obj : cm;
      const run = () => configMapPayload(obj, c.items, c.mode ?? 0o644, !!c.optional);
      if (c.want instanceof RegExp) assert.throws(run, c.want);
      else assert.deepEqual(show(run()), c.want);
    });
  }
});

describe('secretPayload', () => {
  test('decodes base64 data', () => assert.deepEqual(show(secretPayload(secret, undefined, 0o644, false)), { user: ['admin', '644'], pass: ['p@ss', '644'] }));
  test('items', () => assert.deepEqual(show(secretPayload(secret, [{ key: 'pass', path: 'creds/password', mode: 0o400 }], 0o644, false)), { 'creds/password': ['p@ss', '400'] }));
  test('missing key', () => assert.throws(() => secretPayload(secret, [{ key: 'token', path: 't' }], 0o644, false), /references non-existent secret key: token$/));
});

describe('downwardAPIPayload', () => {
  const pod: KubeObject = { metadata: { name: 'p', namespace: 'n', labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '1Gi' } } }] } };
  test('fields and resources', () => {
    const p = downwardAPIPayload(pod, [
      { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
      { path: 'name', fieldRef: { fieldPath: 'metadata.name' }, mode: 0o400 },
      { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
    ], 0o644);
    assert.deepEqual(show(p), { labels: ['a="1"\nb="2"', '644'], name: ['p', '400'], mem: ['1024', '644'] });
  });
  test('errors aggregate', () => {
    assert.throws(() => downwardAPIPayload(pod, [{ path: 'x', fieldRef: { fieldPath: 'spec.x' } }, { path: 'y', fieldRef: { fieldPath: 'spec.y' } }], 0o644), /\[unsupported fieldPath: spec.x, unsupported fieldPath: spec.y\]$/);
  });
});

test('aggregate', () => {
  assert.equal(aggregate([]), undefined);
  assert.equal(aggregate(['one']), 'one');
  assert.equal(aggregate(['one', 'two']), '[one, two]');
});

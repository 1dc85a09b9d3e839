import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ImagePullError } from '../cri/types.js';
import { layerCompression, MT, nodePlatform, parseImageConfig, parseManifest, selectPlatform } from './oci.js';
import type { Descriptor, Platform } from './oci.js';
import { parseChallenge } from './registry-client.js';
import { decompressor } from './unpack.js';

const d = (n: number, platform?: Platform, mediaType: string = MT.ociManifest): Descriptor =>
  ({ mediaType, digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, size: 1, ...(platform ? { platform } : {}) });

test('selectPlatform picks os, architecture and variant', () => {
  const index = { schemaVersion: 2, manifests: [
    d(1, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    d(2, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    d(3, { os: 'linux', architecture: 'arm64' }),
    d(4, { os: 'linux', architecture: 'amd64' }),
    d(5, { os: 'windows', architecture: 'amd64' }),
    d(6, { os: 'unknown', architecture: 'unknown' }),
  ] };
  const cases: [Platform, number | undefined][] = [
    [{ os: 'linux', architecture: 'amd64' }, 4],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 3],
    [{ os: 'linux', architecture: 'arm', variant: 'v7' }, 2],
    [{ os: 'linux', architecture: 'arm', variant: 'v5' }, undefined],
    [{ os: 'windows', architecture: 'amd64' }, 5],
    [{ os: 'linux', architecture: 's390x' }, undefined],
  ];
  for (const [p, want] of cases) assert.equal(selectPlatform(index, p)?.digest, want === undefined ? undefined : d(want).digest, JSON.stringify(p));
  assert.equal(nodePlatform().os, 'linux');
  if (process.arch === 'x64') assert.equal(nodePlatform().architecture, 'amd64');
});

test('parseManifest: kinds, schema 1 and malformed documents', () => {
  const m = { schemaVersion: 2, mediaType: MT.ociManifest, config: d(1), layers: [d(2, undefined, MT.ociLayerGzip)] };
  assert.equal(parseManifest(Buffer.from(JSON.stringify(m))).kind, 'manifest');
  assert.equal(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [d(1)] })), MT.dockerList).kind, 'index');
  const bad: [string, string | undefined, RegExp][] = [
    ['{"schemaVersion":1,"fsLayers":[]}', undefined, /schema 1 images cannot be pulled/],
    ['{}', MT.schema1Signed, /schema 1 images cannot be pulled/],
    ['not json', undefined, /invalid JSON/],
    ['{"schemaVersion":2,"mediaType":"application/vnd.example+json","config":{}}', undefined, /mediaType missing|unsupported manifest media type/],
    [JSON.stringify({ ...m, layers: [{ ...d(2), digest: 'sha256:xyz' }] }), undefined, /invalid digest/],
  ];
  for (const [text, ct, re] of bad) {
    assert.throws(() => parseManifest(Buffer.from(text), ct), (e: unknown) => e instanceof ImagePullError && e.kind === 'Invalid' && re.test(e.message), text);
  }
});

test('parseImageConfig keeps what the runtime needs', () => {
  const cfg = parseImageConfig(Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux',
    config: { User: 'nginx', Env: ['A=1'], Entrypoint: ['/e'], Cmd: ['c'], WorkingDir: '/w', ExposedPorts: { '80/tcp': {} }, Labels: { a: 'b' }, StopSignal: 'SIGQUIT' },
    rootfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`] },
  })));
  assert.deepEqual(cfg.config, { user: 'nginx', env: ['A=1'], entrypoint: ['/e'], cmd: ['c'], workingDir: '/w', exposedPorts: ['80/tcp'], labels: { a: 'b' }, stopSignal: 'SIGQUIT' });
  assert.throws(() => parseImageConfig(Buffer.from('{"rootfs":{}}')), /diff_ids missing/);
});

test('layer media types and zstd support', () => {
  const cases: [string, string][] = [[MT.ociLayerGzip, 'gzip'], [MT.dockerLayer, 'gzip'], [MT.ociLayer, 'none'], [MT.ociLayerZstd, 'zstd']];
  for (const [mt, want] of cases) assert.equal(layerCompression(mt), want, mt);
  assert.throws(() => layerCompression('application/x-foo'), /unsupported layer media type/);
  if ((zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress) assert.ok(decompressor('zstd'));
  else assert.throws(() => decompressor('zstd', MT.ociLayerZstd), /unsupported media type application\/vnd\.oci\.image\.layer\.v1\.tar\+zstd: zstd decompression is not available in Node\.js v/);
});

test('parseChallenge reads WWW-Authenticate', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/x:pull"'),
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/x:pull' } });
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
  assert.equal(parseChallenge('Negotiate abc'), undefined);
  assert.equal(parseChallenge(undefined), undefined);
});

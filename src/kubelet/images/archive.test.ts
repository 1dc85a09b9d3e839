import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { ImageStore } from './image-service.js';
import { MT, nodePlatform, sha256 } from './oci.js';
import { buildImage } from '../../../test/fixtures/registry/image.js';
import type { BuiltImage, TestImage } from '../../../test/fixtures/registry/image.js';

type Ctx = { after: (fn: () => Promise<void> | void) => void };

async function tempDir(t: Ctx): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'k8tA-archive-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

type Member = { name: string; data?: Buffer; symlink?: string };

async function tarOf(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => { pack.on('end', () => r()); });
  for (const m of members) {
    await new Promise<void>((resolve, reject) => {
      if (m.symlink !== undefined) pack.entry({ name: m.name, type: 'symlink', linkname: m.symlink }, (e) => (e ? reject(e) : resolve()));
      else pack.entry({ name: m.name, size: m.data!.length }, m.data!, (e) => (e ? reject(e) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const blob = (d: Buffer): Member => ({ name: `blobs/sha256/${sha256(d).slice(7)}`, data: d });
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

function imageBlobs(b: BuiltImage): Member[] {
  return [...b.layers.map((l) => blob(l.gz)), blob(b.config), blob(b.manifest)];
}

const APP: TestImage = { layers: [[{ path: 'app', content: 'app' }], [{ path: 'etc/conf', content: 'c' }]], config: { cmd: ['/app'] } };
const WEB: TestImage = { layers: [[{ path: 'app', content: 'app' }], [{ path: 'www/index.html', content: 'web' }]], config: { cmd: ['/web'] } };

test('imports an OCI image layout (gzipped), several images, names and an index', async (t) => {
  const dir = await tempDir(t);
  const app = await buildImage(APP);
  const web = await buildImage(WEB);
  const other = await buildImage({ ...WEB, platform: { os: 'linux', architecture: nodePlatform().architecture === 'arm64' ? 'amd64' : 'arm64' } });
  const index = json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [
    { mediaType: MT.ociManifest, digest: web.manifestDigest, size: web.manifest.length, platform: web.platform },
    { mediaType: MT.ociManifest, digest: other.manifestDigest, size: other.manifest.length, platform: other.platform },
  ] });
  const top = json({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [
    { mediaType: MT.ociManifest, digest: app.manifestDigest, size: app.manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'example.com/team/app:1.0' } },
    { mediaType: MT.ociIndex, digest: sha256(index), size: index.length, annotations: { 'io.containerd.image.name': 'docker.io/library/nginx:alpine', 'org.opencontainers.image.ref.name': 'alpine' } },
  ] });
  const file = join(dir, 'layout.tar.gz');
  await writeFile(file, zlib.gzipSync(await tarOf([
    { name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', data: top },
    ...imageBlobs(app), ...imageBlobs(web), ...imageBlobs(other), blob(index),
  ])));
  const store = new ImageStore({ dataDir: join(dir, 'data') });
  assert.deepEqual(await store.importArchive(file), ['example.com/team/app:1.0', 'docker.io/library/nginx:alpine']);
  const nginx = await store.imageStatus('nginx:alpine');
  assert.equal(nginx?.id, web.configDigest);
  assert.deepEqual(nginx?.repoDigests, [`docker.io/library/nginx@${sha256(index)}`]);
  assert.deepEqual(nginx?.config.cmd, ['/web']);
  const dirs = await store.layerDirs(nginx!.id);
  assert.equal(readFileSync(join(dirs[1]!, 'www/index.html'), 'utf8'), 'web');
  // The shared bottom layer is one directory.
  assert.equal(dirs[0], (await store.layerDirs(app.configDigest))[0]);
  assert.equal((await store.imageStatus('example.com/team/app:1.0'))?.id, app.configDigest);
});

test('imports a docker save archive: <id>/layer.tar, symlinked duplicate layers, several tags', async (t) => {
  const dir = await tempDir(t);
  const app = await buildImage(APP);
  const web = await buildImage(WEB);
  const [l1, l2] = app.layers;
  const l3 = web.layers[1]!;
  const cfgName = (b: BuiltImage) => `${b.configDigest.slice(7)}.json`;
  const file = join(dir, 'save.tar');
  await writeFile(file, await tarOf([
    { name: 'manifest.json', data: json([
      { Config: cfgName(app), RepoTags: ['akalipetis/headers:latest', 'headers:v1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] },
      { Config: cfgName(web), RepoTags: ['nginx:alpine'], Layers: ['ccc/layer.tar', 'ddd/layer.tar'] },
    ]) },
    { name: 'repositories', data: json({}) },
    { name: cfgName(app), data: app.config },
    { name: cfgName(web), data: web.config },
    { name: 'aaa/layer.tar', data: l1!.tar },
    { name: 'bbb/layer.tar', data: l2!.gz }, // newer docker may keep a layer compressed
    { name: 'ccc/layer.tar', symlink: '../aaa/layer.tar' },
    { name: 'ddd/layer.tar', data: l3.tar },
  ]));
  const store = new ImageStore({ dataDir: join(dir, 'data') });
  assert.deepEqual(await store.importArchive(file), ['docker.io/akalipetis/headers:latest', 'docker.io/library/headers:v1', 'docker.io/library/nginx:alpine']);
  const headers = await store.imageStatus('akalipetis/headers');
  assert.equal(headers?.id, app.configDigest);
  assert.deepEqual(headers?.repoTags, ['docker.io/akalipetis/headers:latest', 'docker.io/library/headers:v1']);
  assert.deepEqual(headers?.repoDigests, []);
  const web2 = await store.imageStatus('nginx:alpine');
  const dirs = await store.layerDirs(web2!.id);
  assert.equal(readFileSync(join(dirs[0]!, 'app'), 'utf8'), 'app');
  assert.equal(readFileSync(join(dirs[1]!, 'www/index.html'), 'utf8'), 'web');
  assert.equal(dirs[0], (await store.layerDirs(app.configDigest))[0]);
  assert.equal((await store.listImages()).length, 2);
});

test('broken archives are refused with the reason', async (t) => {
  const dir = await tempDir(t);
  const store = new ImageStore({ dataDir: join(dir, 'data') });
  const app = await buildImage(APP);
  const cases: [string, Member[], RegExp][] = [
    ['empty', [{ name: 'x', data: Buffer.from('x') }], /neither an OCI image layout/],
    ['missing blob', [{ name: 'index.json', data: json({ schemaVersion: 2, manifests: [{ mediaType: MT.ociManifest, digest: app.manifestDigest, size: app.manifest.length }] }) }], /is not in the archive/],
    ['tampered config', [
      { name: 'manifest.json', data: json([{ Config: `${app.configDigest.slice(7)}.json`, RepoTags: ['x:1'], Layers: [] }]) },
      { name: `${app.configDigest.slice(7)}.json`, data: Buffer.concat([app.config, Buffer.from(' ')]) },
    ], /does not match its digest/],
  ];
  for (const [name, members, re] of cases) {
    const file = join(dir, `${name}.tar`);
    await writeFile(file, await tarOf(members));
    await assert.rejects(store.importArchive(file), re, name);
  }
  await assert.rejects(store.importArchive(join(dir, 'nope.tar')), /no such file/);
  assert.deepEqual(await store.listImages(), []);
});

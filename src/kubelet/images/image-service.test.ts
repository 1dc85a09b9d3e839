import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImagePullError } from '../cri/types.js';
import type { PullProgress } from '../cri/types.js';
import { ImageStore } from './image-service.js';
import type { ImageLogLevel } from './image-service.js';
import { MT, nodePlatform } from './oci.js';
import type { Platform } from './oci.js';
import { parseRegistriesConfig } from './registries.js';
import { buildImage } from '../../../test/fixtures/registry/image.js';
import type { BuiltImage } from '../../../test/fixtures/registry/image.js';
import { buildLayer } from '../../../test/fixtures/registry/layer.js';
import type { LayerEntry } from '../../../test/fixtures/registry/layer.js';
import { pushImage, pushMultiPlatform } from '../../../test/fixtures/registry/push.js';
import { freePort, startRegistry } from '../../../test/fixtures/registry/registry.js';
import type { RunningRegistry } from '../../../test/fixtures/registry/registry.js';

type Ctx = { after: (fn: () => Promise<void> | void) => void };

async function tempDir(t: Ctx): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'k8tA-images-'));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

interface LogLine { level: ImageLogLevel; msg: string; fields: Record<string, unknown> }

async function newStore(t: Ctx, opts: { registries?: string; platform?: Platform } = {}): Promise<{ store: ImageStore; logs: LogLine[]; dataDir: string }> {
  const dataDir = await tempDir(t);
  const logs: LogLine[] = [];
  const store = new ImageStore({
    dataDir,
    log: (level, msg, fields = {}) => { logs.push({ level, msg, fields }); },
    ...(opts.registries ? { registries: parseRegistriesConfig(opts.registries) } : {}),
    ...(opts.platform ? { platform: opts.platform } : {}),
  });
  return { store, logs, dataDir };
}

const BASE: LayerEntry[] = [
  { path: 'bin', type: 'dir' },
  { path: 'bin/hello', content: '#!/bin/sh\necho hello\n', mode: 0o755 },
  { path: 'www/index.html', content: 'base' },
  { path: 'www/old.html', content: 'old' },
];

async function rejectsPull(p: Promise<unknown>, kind: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ImagePullError, String(e));
    assert.equal(e.kind, kind, e.message);
    assert.match(e.message, re);
    return true;
  });
}

describe('image store against a real registry', () => {
  let reg: RunningRegistry;
  before(async () => { reg = await startRegistry({ tmpPrefix: 'k8tA-registry-' }); });
  after(async () => { await reg?.stop(); });

  test('pulls by tag: verified, unpacked, listed, found by tag, id and digest', async (t) => {
    const { store, logs, dataDir } = await newStore(t);
    const img = { layers: [BASE, [{ path: 'www/index.html', content: 'top' }, { path: 'www/old.html', type: 'whiteout' as const }]], config: { cmd: ['/bin/hello'], env: ['PATH=/bin'], exposedPorts: ['80/tcp'], user: '1000' } };
    const built = await buildImage(img);
    const digest = await pushImage(reg.url, 'test/app', 'v1', img);
    assert.equal(digest, built.manifestDigest);
    const ref = `${reg.host}/test/app:v1`;
    const progress: PullProgress[] = [];
    const id = await store.pullImage(ref, [], (p) => progress.push(p));
    assert.equal(id, built.configDigest);
    const st = await store.imageStatus(ref);
    assert.deepEqual(st?.repoTags, [ref]);
    assert.deepEqual(st?.repoDigests, [`${reg.host}/test/app@${digest}`]);
    assert.equal(st?.size, built.layers[0]!.size + built.layers[1]!.size);
    assert.deepEqual(st?.config, { cmd: ['/bin/hello'], env: ['PATH=/bin'], exposedPorts: ['80/tcp'], user: '1000' });
    assert.equal((await store.imageStatus(id))?.id, id);
    assert.equal((await store.imageStatus(id.slice(7, 20)))?.id, id);
    assert.equal((await store.imageStatus(`${reg.host}/test/app@${digest}`))?.id, id);
    assert.equal(await store.imageStatus(`${reg.host}/test/app:v2`), undefined);
    assert.deepEqual((await store.listImages()).map((i) => i.id), [id]);
    const dirs = await store.layerDirs(id);
    assert.deepEqual(dirs, built.layers.map((l) => join(dataDir, 'agent/images/layers', l.diffId.slice(7))));
    assert.equal(readFileSync(join(dirs[0]!, 'bin/hello'), 'utf8'), '#!/bin/sh\necho hello\n');
    assert.ok(lstatSync(join(dirs[1]!, 'www/old.html')).isCharacterDevice());
    assert.ok(progress.some((p) => p.layer === built.layers[0]!.digest && p.done));
    assert.ok(progress.at(-1)?.done && progress.at(-1)?.layer === undefined);
    assert.deepEqual(logs.filter((l) => l.level === 'info').map((l) => l.msg), ['pulling image', 'downloaded layer', 'downloaded layer', 'pulled image']);
    assert.deepEqual(Object.keys(logs.at(-1)!.fields), ['image', 'id', 'repoDigest', 'size', 'duration']);
    assert.equal(logs.at(-1)!.fields.size, st?.size);
    // Image data is private to the agent.
    assert.equal(lstatSync(join(dataDir, 'agent/images')).mode & 0o777, 0o700);
  });

  test('pulls by digest, and tag@digest ignores the tag', async (t) => {
    const { store } = await newStore(t);
    const digest = await pushImage(reg.url, 'test/bydigest', 'v1', { layers: [BASE], config: {} });
    const id = await store.pullImage(`${reg.host}/test/bydigest@${digest}`);
    const st = await store.imageStatus(id);
    assert.deepEqual(st?.repoTags, []);
    assert.deepEqual(st?.repoDigests, [`${reg.host}/test/bydigest@${digest}`]);
    assert.equal(await store.pullImage(`${reg.host}/test/bydigest:nonexistent@${digest}`), id);
    const wrong = `sha256:${'0'.repeat(64)}`;
    await rejectsPull(store.pullImage(`${reg.host}/test/bydigest@${wrong}`), 'NotFound', /not found$/);
  });

  test('an index resolves to the node platform (or the configured one)', async (t) => {
    const other: Platform = nodePlatform().architecture === 'arm64' ? { os: 'linux', architecture: 'amd64' } : { os: 'linux', architecture: 'arm64', variant: 'v8' };
    const images = [
      { layers: [[{ path: 'arch', content: 'node' }]], config: { cmd: ['node'] } },
      { layers: [[{ path: 'arch', content: 'other' }]], config: { cmd: ['other'] }, platform: other },
    ];
    const indexDigest = await pushMultiPlatform(reg.url, 'test/multi', 'v1', images);
    const ref = `${reg.host}/test/multi:v1`;
    const a = await newStore(t);
    const idA = await a.store.pullImage(ref);
    assert.equal(readFileSync(join((await a.store.layerDirs(idA))[0]!, 'arch'), 'utf8'), 'node');
    assert.deepEqual((await a.store.imageStatus(ref))?.repoDigests, [`${reg.host}/test/multi@${indexDigest}`]);
    const b = await newStore(t, { platform: other });
    const idB = await b.store.pullImage(ref);
    assert.equal(readFileSync(join((await b.store.layerDirs(idB))[0]!, 'arch'), 'utf8'), 'other');
    const c = await newStore(t, { platform: { os: 'linux', architecture: 's390x' } });
    await rejectsPull(c.store.pullImage(ref), 'NotFound', /no match for platform in manifest sha256:[a-f0-9]{64}: not found/);
  });

  test('docker schema-2 media types pull too', async (t) => {
    const { store } = await newStore(t);
    await pushImage(reg.url, 'test/docker', 'v1', { layers: [BASE], config: { cmd: ['x'] } }, { format: 'docker' });
    const id = await store.pullImage(`${reg.host}/test/docker:v1`);
    assert.deepEqual((await store.imageStatus(id))?.config.cmd, ['x']);
  });

  test('a wrong diff_id is refused and nothing is stored', async (t) => {
    const { store, dataDir } = await newStore(t);
    const layer = await buildLayer([{ path: 'f', content: 'real' }]);
    const fake = await buildLayer([{ path: 'f', content: 'claimed' }]);
    // Layer blob of one tar, config claiming another's diff_id.
    await pushImage(reg.url, 'test/baddiff', 'v1', { layers: [{ ...layer, diffId: fake.diffId }], config: {} });
    await rejectsPull(store.pullImage(`${reg.host}/test/baddiff:v1`), 'Invalid', /diff_id mismatch/);
    assert.deepEqual(readdirSync(join(dataDir, 'agent/images/layers')), []);
    assert.deepEqual(await store.listImages(), []);
  });

  test('missing images and repositories: containerd-style not found', async (t) => {
    const { store } = await newStore(t);
    const ref = `${reg.host}/test/missing:v1`;
    await rejectsPull(store.pullImage(ref), 'NotFound', new RegExp(`^failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found$`));
    await rejectsPull(store.pullImage('Bad:Ref'), 'Invalid', /failed to parse image reference "Bad:Ref": invalid reference format/);
  });

  test('a shared layer is stored once and removed with its last image', async (t) => {
    const { store, dataDir } = await newStore(t);
    await pushImage(reg.url, 'test/one', 'v1', { layers: [BASE, [{ path: 'one', content: '1' }]], config: {} });
    await pushImage(reg.url, 'test/two', 'v1', { layers: [BASE, [{ path: 'two', content: '2' }]], config: {} });
    const [one, two] = await Promise.all([store.pullImage(`${reg.host}/test/one:v1`), store.pullImage(`${reg.host}/test/two:v1`)]);
    const layers = join(dataDir, 'agent/images/layers');
    const blobs = join(dataDir, 'agent/images/blobs/sha256');
    assert.equal(readdirSync(layers).length, 3);
    assert.equal((await store.layerDirs(one))[0], (await store.layerDirs(two))[0]);
    assert.equal(readdirSync(blobs).length, 3 + 2 * 2); // 3 layers, 2 configs, 2 manifests
    await store.removeImage(`${reg.host}/test/one:v1`);
    assert.equal(readdirSync(layers).length, 2);
    assert.ok(existsSync((await store.layerDirs(two))[0]!));
    assert.equal(await store.imageStatus(one), undefined);
    await store.removeImage(two);
    await store.removeImage(two); // idempotent
    assert.deepEqual(readdirSync(layers), []);
    assert.deepEqual(readdirSync(blobs), []);
  });

  test('a re-pushed tag moves to the new image', async (t) => {
    const { store } = await newStore(t);
    const ref = `${reg.host}/test/moving:v1`;
    await pushImage(reg.url, 'test/moving', 'v1', { layers: [BASE], config: { cmd: ['1'] } });
    const first = await store.pullImage(ref);
    await pushImage(reg.url, 'test/moving', 'v1', { layers: [BASE], config: { cmd: ['2'] } });
    const second = await store.pullImage(ref);
    assert.notEqual(first, second);
    assert.deepEqual((await store.imageStatus(first))?.repoTags, []);
    assert.equal((await store.imageStatus(ref))?.id, second);
  });

  test('mirrors are tried in order: a dead mirror falls through to the next', async (t) => {
    const dead1 = await freePort();
    const dead2 = await freePort();
    await pushImage(reg.url, 'mirrored/app', 'v1', { layers: [BASE], config: {} });
    const cfg = `mirrors:\n  "127.0.0.1:${dead2}":\n    endpoint: ["http://127.0.0.1:${dead1}", "${reg.url}"]\n`;
    const { store } = await newStore(t, { registries: cfg });
    const ref = `127.0.0.1:${dead2}/mirrored/app:v1`;
    const id = await store.pullImage(ref);
    assert.deepEqual((await store.imageStatus(ref))?.repoTags, [ref]);
    assert.ok(id.startsWith('sha256:'));
    // Nothing answers: the first failure is reported, as containerd does.
    const down = await newStore(t, { registries: `mirrors:\n  "127.0.0.1:${dead2}":\n    endpoint: ["http://127.0.0.1:${dead1}"]\n` });
    await rejectsPull(down.store.pullImage(ref), 'Network',
      new RegExp(`failed to resolve reference "${ref.replace(/[.]/g, '\\.')}": failed to do request: Get "http://127\\.0\\.0\\.1:${dead1}/v2/mirrored/app/manifests/v1": dial tcp 127\\.0\\.0\\.1:${dead1}: connect: connection refused`));
  });

  test('concurrent pulls of one image share one download', async (t) => {
    const { store, logs } = await newStore(t);
    await pushImage(reg.url, 'test/concurrent', 'v1', { layers: [BASE, [{ path: 'x', content: 'x'.repeat(100_000) }]], config: {} });
    const ref = `${reg.host}/test/concurrent:v1`;
    const seen: number[] = [];
    const ids = await Promise.all([store.pullImage(ref), store.pullImage('127.0.0.1:' + reg.host.split(':')[1] + '/test/concurrent:v1', [], () => seen.push(1)), store.pullImage(ref)]);
    assert.equal(new Set(ids).size, 1);
    assert.equal(logs.filter((l) => l.msg === 'pulling image').length, 1);
    assert.equal(logs.filter((l) => l.msg === 'downloaded layer').length, 2);
    assert.ok(seen.length > 0, 'a joining caller gets progress too');
    // Pulled again (imagePullPolicy Always): layers already present are not downloaded again.
    await store.pullImage(ref);
    assert.equal(logs.filter((l) => l.msg === 'downloaded layer').length, 2);
  });
});

/** A registry stand-in for what docker-registry cannot do: bearer auth, tampered content, schema 1. */
async function fakeRegistry(t: Ctx, img: BuiltImage, opts: { tamperLayer?: boolean; schema1?: boolean; wrongDigestHeader?: boolean } = {}): Promise<{ host: string; tokenRequests: () => number }> {
  let tokens = 0;
  let port = 0;
  const challenge = () => `Bearer realm="http://127.0.0.1:${port}/token",service="fake.registry",scope="repository:test/app:pull"`;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/token') {
      tokens++;
      const ok = req.headers.authorization === `Basic ${Buffer.from('user:secret').toString('base64')}` &&
        u.searchParams.get('service') === 'fake.registry' && u.searchParams.get('scope') === 'repository:test/app:pull';
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(ok ? JSON.stringify({ token: 'T0K3N', expires_in: 300 }) : '{"details":"incorrect username or password"}');
      return;
    }
    if (req.headers.authorization !== 'Bearer T0K3N') {
      res.writeHead(401, { 'WWW-Authenticate': challenge(), 'Content-Type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (u.pathname === '/v2/test/app/manifests/v1') {
      if (opts.schema1) {
        res.writeHead(200, { 'Content-Type': MT.schema1Signed });
        res.end('{"schemaVersion":1}');
        return;
      }
      res.writeHead(200, { 'Content-Type': img.manifestMediaType, 'Docker-Content-Digest': opts.wrongDigestHeader ? `sha256:${'1'.repeat(64)}` : img.manifestDigest });
      res.end(img.manifest);
      return;
    }
    if (u.pathname === `/v2/test/app/blobs/${img.configDigest}`) {
      res.writeHead(200);
      res.end(img.config);
      return;
    }
    const layer = img.layers.find((l) => u.pathname === `/v2/test/app/blobs/${l.digest}`);
    if (layer) {
      // Blobs are redirected as object-store backends do.
      if (!u.searchParams.has('redirected')) {
        res.writeHead(307, { Location: `${u.pathname}?redirected=1` });
        res.end();
        return;
      }
      const body = Buffer.from(layer.gz);
      if (opts.tamperLayer) body[body.length - 5] ^= 0xff;
      res.writeHead(200);
      res.end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { host: `127.0.0.1:${port}`, tokenRequests: () => tokens };
}

describe('registry auth and verification (fake registry)', () => {
  const image = () => buildImage({ layers: [BASE, [{ path: 'y', content: 'y' }]], config: {} });

  test('bearer token: fetched once with basic credentials, cached for blobs', async (t) => {
    const img = await image();
    const fake = await fakeRegistry(t, img);
    const { store } = await newStore(t);
    const ref = `${fake.host}/test/app:v1`;
    const id = await store.pullImage(ref, [{ username: 'user', password: 'secret' }]);
    assert.equal(id, img.configDigest);
    assert.equal(fake.tokenRequests(), 1);
    // base64 auth, as in a docker config.json / imagePullSecret; a wrong first credential is skipped.
    const other = await newStore(t);
    await other.store.pullImage(ref, [{ username: 'user', password: 'wrong' }, { auth: Buffer.from('user:secret').toString('base64') }]);
  });

  test('bearer token refused: Unauthorized with the token endpoint status', async (t) => {
    const fake = await fakeRegistry(t, await image());
    const { store } = await newStore(t);
    const ref = `${fake.host}/test/app:v1`;
    await rejectsPull(store.pullImage(ref), 'Unauthorized',
      new RegExp(`failed to resolve reference "${ref}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to http://${fake.host}/token\\?service=fake\\.registry&scope=repository%3Atest%2Fapp%3Apull: 401 Unauthorized`));
    await rejectsPull(store.pullImage(ref, [{ username: 'user', password: 'nope' }]), 'Unauthorized', /failed to fetch token: unexpected status/);
  });

  test('credentials from registries.yaml configs are used', async (t) => {
    const img = await image();
    const fake = await fakeRegistry(t, img);
    const { store } = await newStore(t, { registries: `configs:\n  "${fake.host}":\n    auth: {username: user, password: secret}\n` });
    assert.equal(await store.pullImage(`${fake.host}/test/app:v1`), img.configDigest);
  });

  test('a tampered layer is refused', async (t) => {
    const img = await image();
    const fake = await fakeRegistry(t, img, { tamperLayer: true });
    const { store, dataDir } = await newStore(t);
    await rejectsPull(store.pullImage(`${fake.host}/test/app:v1`, [{ username: 'user', password: 'secret' }]), 'Invalid',
      /failed commit on ref "layer-sha256:[a-f0-9]{64}": unexpected commit digest sha256:[a-f0-9]{64}, expected sha256:[a-f0-9]{64}: failed precondition/);
    assert.deepEqual(readdirSync(join(dataDir, 'agent/images/tmp')), []);
    assert.equal(readdirSync(join(dataDir, 'agent/images/blobs/sha256')).filter((b) => img.layers.some((l) => l.digest.endsWith(b))).length <= 1, true);
  });

  test('manifest digest mismatch and schema 1 are refused', async (t) => {
    const img = await image();
    const bad = await fakeRegistry(t, img, { wrongDigestHeader: true });
    const { store } = await newStore(t);
    const creds = [{ username: 'user', password: 'secret' }];
    await rejectsPull(store.pullImage(`${bad.host}/test/app:v1`, creds), 'Invalid', /manifest digest mismatch/);
    const good = await fakeRegistry(t, img);
    await rejectsPull(store.pullImage(`${good.host}/test/app@sha256:${'2'.repeat(64)}`, creds), 'NotFound', /not found$/);
    const s1 = await fakeRegistry(t, img, { schema1: true });
    await rejectsPull(store.pullImage(`${s1.host}/test/app:v1`, creds), 'Invalid', /schema 1 images cannot be pulled/);
  });
});

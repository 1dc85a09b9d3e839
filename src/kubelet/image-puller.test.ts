import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeImages } from './fake-runtime.js';
import { ImagePuller, pullDuration } from './image-puller.js';
import { pullPolicyOf } from './kuberuntime/image-ref.js';
import { authsForImage } from './kuberuntime/pull-secrets.js';
import type { Container, Pod } from './types.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [] } };

test('default pull policy follows the tag', () => {
  const cases: [string, string | undefined, string][] = [
    ['nginx', undefined, 'Always'],
    ['nginx:latest', undefined, 'Always'],
    ['nginx:1.27', undefined, 'IfNotPresent'],
    ['nginx@sha256:abc', undefined, 'IfNotPresent'],
    ['localhost:5000/app', undefined, 'Always'],
    ['nginx:1.27', 'Always', 'Always'],
    ['nginx', 'Never', 'Never'],
  ];
  for (const [image, p, want] of cases) assert.equal(pullPolicyOf(image, p), want, image);
});

test('pull policies, failures with back-off, and the events', async () => {
  let now = 0;
  const images = new FakeImages(['nginx:1.27']);
  images.missing.add('nginx:nope');
  const puller = new ImagePuller(images, { now: () => now });
  const run = async (c: Container) => {
    const ev: string[] = [];
    const r = await puller.ensureImageExists(pod, c, [], (_t, reason, msg) => ev.push(`${reason}: ${msg}`));
    return { r, ev };
  };
  let x = await run({ name: 'a', image: 'nginx:1.27' });
  assert.deepEqual(x.ev, ['Pulled: Container image "nginx:1.27" already present on machine']);
  assert.equal(images.pulls.length, 0);
  x = await run({ name: 'a', image: 'nginx:1.27', imagePullPolicy: 'Always' });
  assert.deepEqual(x.ev, ['Pulling: Pulling image "nginx:1.27"', 'Pulled: Successfully pulled image "nginx:1.27" in 0ms (0ms including waiting). Image size: 1234 bytes.']);
  x = await run({ name: 'a', image: 'busybox', imagePullPolicy: 'Never' });
  assert.deepEqual(x.r, { ok: false, reason: 'ErrImageNeverPull', message: 'Container image "busybox" is not present with pull policy of Never' });
  x = await run({ name: 'a', image: 'nginx:nope' });
  assert.equal(x.r.ok ? '' : x.r.reason, 'ErrImagePull');
  assert.equal(x.ev[0], 'Pulling: Pulling image "nginx:nope"');
  assert.match(x.ev[1], /^Failed: Failed to pull image "nginx:nope": rpc error: code = NotFound/);
  now = 9_000;
  x = await run({ name: 'a', image: 'nginx:nope' });
  assert.deepEqual(x.r, { ok: false, reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:nope"' });
  assert.deepEqual(x.ev, ['BackOff: Back-off pulling image "nginx:nope"']);
  now = 10_000;
  x = await run({ name: 'a', image: 'nginx:nope' });
  assert.equal(x.r.ok ? '' : x.r.reason, 'ErrImagePull');
  now = 29_000;
  x = await run({ name: 'a', image: 'nginx:nope' });
  assert.equal(x.r.ok ? '' : x.r.reason, 'ImagePullBackOff', 'second failure backs off 20 s');
});

test('pull durations print as Go truncates them', () => {
  assert.deepEqual([pullDuration(532.7), pullDuration(1234), pullDuration(61_500)], ['532ms', '1.234s', '1m1.5s']);
});

test('imagePullSecrets matched by registry', () => {
  const secret = { '.dockerconfigjson': JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('u:p').toString('base64') }, 'registry.example.com': { username: 'a', password: 'b' } } }) };
  assert.deepEqual(authsForImage('nginx', [secret]), [{ auth: Buffer.from('u:p').toString('base64'), username: 'u', password: 'p' }]);
  assert.deepEqual(authsForImage('registry.example.com/app:1', [secret]), [{ username: 'a', password: 'b' }]);
  assert.deepEqual(authsForImage('quay.io/x', [secret]), []);
});

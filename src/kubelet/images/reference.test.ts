import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, formatReference, parseNormalizedReference, registryHost } from './reference.js';

const D = 'sha256:' + 'ab'.repeat(32);

test('normalizes references as containerd does', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:alpine', 'docker.io/library/nginx:alpine'],
    ['akalipetis/headers', 'docker.io/akalipetis/headers:latest'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx:1'],
    ['k8s.gcr.io/pause:3.9', 'k8s.gcr.io/pause:3.9'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/x/y:tag', '127.0.0.1:5000/x/y:tag'],
    ['quay.io/a/b/c', 'quay.io/a/b/c:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`busybox:1.36@${D}`, `docker.io/library/busybox:1.36@${D}`],
    ['my-reg.example:443/a__b/c.d-e:V1.0_x', 'my-reg.example:443/a__b/c.d-e:V1.0_x'],
    ['Registry.Example/app', 'Registry.Example/app:latest'],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
  ];
  for (const [input, want] of cases) assert.equal(formatReference(parseNormalizedReference(input)), want, input);
});

test('invalid references fail with upstream messages', () => {
  const cases: [string, RegExp][] = [
    ['', /^invalid reference format$/],
    ['Nginx', /invalid reference format: repository name \(library\/Nginx\) must be lowercase/],
    ['nginx:', /^invalid reference format$/],
    ['nginx:a b', /^invalid reference format$/],
    ['-nginx', /^invalid reference format$/],
    ['nginx//x', /^invalid reference format$/],
    ['nginx@sha256:abc', /^invalid reference format$/],
    [`nginx@sha256:${'a'.repeat(63)}x`, /^invalid reference format$/],
    [`nginx@md5:${'a'.repeat(32)}`, /unsupported digest algorithm/],
    [`nginx@sha256:${'a'.repeat(66)}`, /invalid checksum digest length/],
    ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
    [`x/${'a'.repeat(260)}`, /must not be more than 255 characters/],
    ['nginx:' + 't'.repeat(129), /^invalid reference format$/],
  ];
  for (const [input, re] of cases) assert.throws(() => parseNormalizedReference(input), { message: re }, JSON.stringify(input));
});

test('familiar names and registry hosts', () => {
  assert.equal(familiarName(parseNormalizedReference('nginx')), 'nginx:latest');
  assert.equal(familiarName(parseNormalizedReference('akalipetis/headers:1')), 'akalipetis/headers:1');
  assert.equal(familiarName(parseNormalizedReference('k8s.gcr.io/pause:3.9')), 'k8s.gcr.io/pause:3.9');
  assert.equal(registryHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryHost('127.0.0.1:5000'), '127.0.0.1:5000');
});

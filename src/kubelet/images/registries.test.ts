import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRegistriesConfig, parseRegistriesConfig, resolveEndpoints } from './registries.js';

const FILE = `
mirrors:
  docker.io:
    endpoint:
      - "http://127.0.0.1:5001"
      - "https://mirror.internal:8443/base"
    rewrite:
      "^library/(.*)": "hub/$1"
  "*":
    endpoint: ["http://127.0.0.1:5009"]
configs:
  "mirror.internal:8443":
    auth: {username: u, password: p}
    tls: {insecure_skip_verify: true, ca_file: /etc/ca.pem}
  registry-1.docker.io:
    auth: {auth: dTpw, identity_token: tok}
`;

test('parses a k3s registries.yaml', () => {
  const c = parseRegistriesConfig(FILE);
  assert.deepEqual(c.mirrors['docker.io']?.endpoints, ['http://127.0.0.1:5001', 'https://mirror.internal:8443/base']);
  assert.deepEqual(c.configs['mirror.internal:8443'], { auth: { username: 'u', password: 'p' }, tls: { insecureSkipVerify: true, caFile: '/etc/ca.pem' } });
  assert.deepEqual(c.configs['registry-1.docker.io']?.auth, { auth: 'dTpw', identityToken: 'tok' });
  assert.deepEqual(parseRegistriesConfig(''), emptyRegistriesConfig());
});

test('rejects malformed files', () => {
  const cases: [string, RegExp][] = [
    ['- a', /expected a mapping/],
    ['mirror: {}', /unknown key "mirror"/],
    ['mirrors: {docker.io: {endpoint: [1]}}', /expected a list of URLs/],
    ['mirrors: {docker.io: {endpoint: ["ftp://x"]}}', /must be http:\/\/ or https:\/\//],
    ['mirrors: {docker.io: {endpoint: ["not a url"]}}', /invalid URL/],
    ['configs: {x: {tls: {insecure_skip_verify: "yes"}}}', /expected true or false/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseRegistriesConfig(text, 'r.yaml'), { message: re }, text);
});

test('resolves endpoints in order: mirrors, then the registry', () => {
  const c = parseRegistriesConfig(FILE);
  const pick = (domain: string, repo: string) => resolveEndpoints(c, domain, repo).map((e) => [e.url, e.repository, e.plainHttp, e.insecureSkipVerify, e.auth?.username ?? e.auth?.auth ?? null, e.mirror]);
  const cases: [string, string, unknown[]][] = [
    ['docker.io', 'library/nginx', [
      ['http://127.0.0.1:5001/v2', 'hub/nginx', true, false, null, true],
      ['https://mirror.internal:8443/base/v2', 'hub/nginx', false, true, 'u', true],
      ['https://registry-1.docker.io/v2', 'library/nginx', false, false, 'dTpw', false],
    ]],
    ['quay.io', 'a/b', [
      ['http://127.0.0.1:5009/v2', 'a/b', true, false, null, true],
      ['https://quay.io/v2', 'a/b', false, false, null, false],
    ]],
  ];
  for (const [domain, repo, want] of cases) assert.deepEqual(pick(domain, repo), want, domain);
  const none = emptyRegistriesConfig();
  const plain = (domain: string) => resolveEndpoints(none, domain, 'x').map((e) => e.url);
  assert.deepEqual(plain('docker.io'), ['https://registry-1.docker.io/v2']);
  assert.deepEqual(plain('127.0.0.1:5000'), ['http://127.0.0.1:5000/v2']);
  assert.deepEqual(plain('localhost:5000'), ['http://localhost:5000/v2']);
  assert.deepEqual(plain('k8s.gcr.io'), ['https://k8s.gcr.io/v2']);
  // A mirror that is the registry itself is not tried twice.
  const self = parseRegistriesConfig('mirrors: {"127.0.0.1:5000": {endpoint: ["http://127.0.0.1:5000"]}}');
  assert.equal(resolveEndpoints(self, '127.0.0.1:5000', 'x').length, 1);
  // With the default endpoint disabled, a mirrored registry is only reached through its mirrors.
  const only = { ...parseRegistriesConfig(FILE), disableDefaultEndpoint: true };
  assert.deepEqual(resolveEndpoints(only, 'docker.io', 'library/nginx').map((e) => e.url), ['http://127.0.0.1:5001/v2', 'https://mirror.internal:8443/base/v2']);
  assert.deepEqual(resolveEndpoints({ ...none, disableDefaultEndpoint: true }, 'k8s.gcr.io', 'x').map((e) => e.url), ['https://k8s.gcr.io/v2']);
});

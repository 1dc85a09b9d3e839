import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerContext } from './context.js';
import { authenticate, bearerToken, headerValue, requestUrl, type Authentication } from './listen.js';
import { warningHeader } from './render.js';

test('request targets never throw and never name a host', () => {
  assert.equal(requestUrl('//evil.example.com/api/v1/pods?x=1')?.pathname, '//evil.example.com/api/v1/pods');
  assert.equal(requestUrl('/api/v1/pods?limit=1')?.searchParams.get('limit'), '1');
  assert.equal(requestUrl('http://host:1/api?x=1')?.pathname, '/api');
  assert.equal(requestUrl('*'), undefined);
  assert.equal(requestUrl('ftp://x/'), undefined);
});

test('header values carry UTF-8 as Go writes it and lose only control characters', () => {
  assert.equal(headerValue('299 - "ok"'), '299 - "ok"');
  assert.equal(Buffer.from(headerValue('é😀\ufffd'), 'latin1').toString('utf8'), 'é😀\ufffd');
  assert.equal(headerValue('a\nb\u0001c'), 'a b c');
  assert.equal(warningHeader('unknown field "a\\b"'), '299 - "unknown field \\"a\\\\b\\""');
});

test('bearer tokens are parsed as upstream does', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['', undefined],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['Bearer abc def', 'abc'],
    ['Bearer  abc', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
  ];
  for (const [header, want] of cases) assert.equal(bearerToken(header), want, String(header));
});

describe('authentication: only requests without credentials are anonymous', () => {
  const admin = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
  const bot = { username: 'bot', groups: ['system:authenticated'] };
  const ctx = { tokens: { authenticate: async (t: string) => (t === 'good' ? bot : undefined) } } as unknown as ServerContext;
  /** A TLS socket as Node presents it: the peer certificate is {} when none was sent. */
  const socket = (cert: 'none' | 'valid' | 'untrusted') => ({
    authorized: cert === 'valid',
    getPeerCertificate: () => (cert === 'none' ? {} : { subject: { CN: 'system:admin', O: 'system:masters' } }),
  });
  const cases: Array<[string, 'none' | 'valid' | 'untrusted', string | undefined, Authentication]> = [
    ['nothing', 'none', undefined, { failed: false }],
    ['a good certificate', 'valid', undefined, { user: admin, failed: false }],
    ['a good certificate wins over a bad token', 'valid', 'Bearer bad', { user: admin, failed: false }],
    ['a good token', 'none', 'Bearer good', { user: bot, failed: false }],
    ['a bad token', 'none', 'Bearer bad', { failed: true }],
    ['a certificate from another CA', 'untrusted', undefined, { failed: true }],
    ['a bad certificate and a good token', 'untrusted', 'Bearer good', { user: bot, failed: false }],
    ['a non-bearer authorization header', 'none', 'Basic dXNlcjpwYXNz', { failed: false }],
  ];
  for (const [name, cert, auth, want] of cases) {
    test(name, async () => {
      const req = { socket: socket(cert), headers: auth ? { authorization: auth } : {} } as unknown as Parameters<typeof authenticate>[0];
      assert.deepEqual(await authenticate(req, ctx), want);
    });
  }
});

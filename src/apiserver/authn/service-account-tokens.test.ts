// Service account tokens: claims, lifetime against an injected clock, audiences, and
// invalidation when the account or bound object goes away; then impersonation.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';
import type { ServerContext } from '../context.js';
import { DEFAULT_ISSUER, ServiceAccountTokens } from './service-account-tokens.js';
import { impersonate } from './impersonation.js';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const T0 = new Date('2030-01-01T00:00:00Z');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

describe('ServiceAccountTokens', () => {
  let s: TestServer;
  let ctx: ServerContext;
  let now = T0;
  const tokens = new ServiceAccountTokens(pem);
  let sa: { namespace: string; name: string; uid: string };

  before(async () => {
    s = await testServer(new MemoryStore());
    ctx = s.handler.server;
    ctx.now = () => now;
    const r = await s.request('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'bot' } });
    sa = { namespace: 'default', name: 'bot', uid: (r.json() as { metadata: { uid: string } }).metadata.uid };
  });

  test('claims are upstream\'s, with a jti and a kid from the key', async () => {
    const { token, expiration } = await tokens.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 }, T0);
    assert.equal(expiration.toISOString(), '2030-01-01T01:00:00.000Z');
    const c = claimsOf(token);
    assert.deepEqual(Object.keys(c), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    assert.equal(c.sub, 'system:serviceaccount:default:bot');
    assert.deepEqual(c['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'bot', uid: sa.uid } });
    const head = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { alg: string; kid: string };
    assert.deepEqual(head, { alg: 'ES256', kid: tokens.keyId });
    assert.equal(tokens.jwks().keys[0].kid, tokens.keyId);
  });

  test('a valid token is the service account with its groups and credential id', async () => {
    now = T0;
    const { token } = await tokens.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 }, T0);
    const v = await tokens.verify(token, ctx);
    assert.ok('user' in v);
    assert.equal(v.user.username, 'system:serviceaccount:default:bot');
    assert.equal(v.user.uid, sa.uid);
    assert.deepEqual(v.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.deepEqual(v.user.extra, { 'authentication.kubernetes.io/credential-id': [`JTI=${claimsOf(token).jti}`] });
    assert.deepEqual(v.audiences, [DEFAULT_ISSUER]);
  });

  test('expiry is checked against the server clock, with one minute of leeway', async () => {
    const { token } = await tokens.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 600 }, T0);
    now = new Date(T0.getTime() + 659_000);
    assert.ok(await tokens.authenticate(token, ctx));
    now = new Date(T0.getTime() + 661_000);
    assert.equal(await tokens.authenticate(token, ctx), undefined);
    assert.deepEqual(await tokens.verify(token, ctx), { error: '[invalid bearer token, service account token has expired]' });
    now = T0;
  });

  test('a token for another audience is not an API credential', async () => {
    const { token } = await tokens.issue(sa, { audiences: ['vault'], expirationSeconds: 3600 }, T0);
    assert.equal(await tokens.authenticate(token, ctx), undefined);
    assert.deepEqual(await tokens.verify(token, ctx), { error: `[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["${DEFAULT_ISSUER}"]]` });
    const v = await tokens.verify(token, ctx, ['vault', 'other']);
    assert.ok('user' in v && v.audiences.join() === 'vault');
  });

  test('forged, foreign and garbage tokens are rejected', async () => {
    const { token } = await tokens.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 }, T0);
    const [h, , sig] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(token), sub: 'system:admin' })).toString('base64url')}.${sig}`;
    const other = new ServiceAccountTokens(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const foreign = (await other.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 }, T0)).token;
    for (const t of [forged, foreign, 'garbage', 'a.b.c', '']) assert.equal(await tokens.authenticate(t, ctx), undefined, t);
  });

  test('a pod-bound token names the pod and dies with it', async () => {
    const pod = await s.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { serviceAccountName: 'bot', containers: [{ name: 'c', image: 'nginx' }] } });
    const uid = (pod.json() as { metadata: { uid: string } }).metadata.uid;
    const { token } = await tokens.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600, boundObject: { kind: 'Pod', name: 'p', uid } }, T0);
    const u = await tokens.authenticate(token, ctx);
    assert.deepEqual(u?.extra?.['authentication.kubernetes.io/pod-name'], ['p']);
    assert.deepEqual(u?.extra?.['authentication.kubernetes.io/pod-uid'], [uid]);
    assert.equal((await s.request('DELETE', '/api/v1/namespaces/default/pods/p?gracePeriodSeconds=0')).status, 200);
    assert.deepEqual(await tokens.verify(token, ctx), { error: '[invalid bearer token, service account token has been invalidated]' });
  });

  test('deleting the account invalidates its tokens; a new account of the same name does not revive them', async () => {
    const { token } = await tokens.issue(sa, { audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 }, T0);
    assert.equal((await s.request('DELETE', '/api/v1/namespaces/default/serviceaccounts/bot')).status, 200);
    assert.deepEqual(await tokens.verify(token, ctx), { error: '[invalid bearer token, service account token has been invalidated]' });
    const r = await s.request('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'bot' } });
    const uid = (r.json() as { metadata: { uid: string } }).metadata.uid;
    assert.deepEqual(await tokens.verify(token, ctx), { error: `[invalid bearer token, service account UID (${uid}) does not match claim (${sa.uid})]` });
  });
});

describe('impersonation', () => {
  let s: TestServer;
  const alice = { username: 'alice', groups: ['system:authenticated'] };
  const admin = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
  before(async () => {
    s = await testServer(new MemoryStore());
  });

  test('no headers: the authenticated user', async () => {
    assert.equal(await impersonate({}, alice, s.handler.server), alice);
  });

  test('an admin may act as a service account, which brings its groups', async () => {
    const u = await impersonate({ 'impersonate-user': 'system:serviceaccount:default:bot' }, admin, s.handler.server);
    assert.deepEqual(u, { username: 'system:serviceaccount:default:bot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
  });

  test('named groups replace the defaults; system:authenticated is added once', async () => {
    const u = await impersonate({ 'impersonate-user': 'bob', 'impersonate-group': 'devs, ops', 'impersonate-extra-scopes%2Fx': 'a' }, admin, s.handler.server);
    assert.deepEqual(u, { username: 'bob', groups: ['devs', 'ops', 'system:authenticated'], extra: { 'scopes/x': ['a'] } });
  });

  test('without the impersonate verb it is Forbidden, worded as upstream', async () => {
    await assert.rejects(impersonate({ 'impersonate-user': 'bob' }, alice, s.handler.server), {
      code: 403,
      message: 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    });
    await assert.rejects(impersonate({ 'impersonate-user': 'system:serviceaccount:default:bot' }, alice, s.handler.server), {
      message: 'serviceaccounts "bot" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "default"',
    });
    await assert.rejects(impersonate({ 'impersonate-group': 'x' }, admin, s.handler.server), { code: 400 });
  });

  test('the handler serves the request as the impersonated user', async () => {
    const r = await s.request('GET', '/api/v1/namespaces/default/pods', undefined, { 'impersonate-user': 'system:serviceaccount:default:bot' }, admin);
    assert.equal(r.status, 403);
    assert.equal((r.json() as { message: string }).message, 'pods is forbidden: User "system:serviceaccount:default:bot" cannot list resource "pods" in API group "" in the namespace "default"');
  });
});

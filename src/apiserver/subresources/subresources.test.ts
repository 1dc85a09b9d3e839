// Subresources and reviews through the in-process handler: binding, eviction, scale, status,
// token requests, access reviews, namespace lifecycle, and the node-served pod subresources.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { ServiceAccountTokens } from '../authn/service-account-tokens.js';
import { testServer, type TestServer } from '../testing.js';
import { setScheduled, validateBinding } from './pod.js';
import { validateTokenRequest } from './service-account-token.js';
import { validateAccessReviewSpec } from './reviews.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NS = '/api/v1/namespaces/default';
const bot = { username: 'system:serviceaccount:default:bot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] };

describe('pure checks', () => {
  test('binding validation', () => {
    assert.deepEqual(validateBinding({ target: { name: 'n' } }).map(String), []);
    assert.deepEqual(validateBinding({ target: {} }).map(String), ['target.name: Required value']);
    assert.deepEqual(validateBinding({ target: { kind: 'Pod', name: 'n' } }).map(String), ['target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"']);
  });
  test('PodScheduled keeps its transition time when already true', () => {
    assert.deepEqual(setScheduled([], 't1'), [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: 't1' }]);
    assert.deepEqual(setScheduled([{ type: 'PodScheduled', status: 'False', lastTransitionTime: 't0' }, { type: 'X' }], 't1')[0].lastTransitionTime, 't1');
    assert.deepEqual(setScheduled([{ type: 'PodScheduled', status: 'True', lastTransitionTime: 't0' }], 't1')[0].lastTransitionTime, 't0');
  });
  test('token request validation', () => {
    assert.deepEqual(validateTokenRequest(600).map(String), []);
    assert.deepEqual(validateTokenRequest(599).map(String), ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes']);
    assert.equal(validateTokenRequest(2 ** 32).length, 1);
  });
  test('access review validation', () => {
    assert.deepEqual(validateAccessReviewSpec('SelfSubjectAccessReview', { resourceAttributes: {} }).map(String), []);
    assert.deepEqual(validateAccessReviewSpec('SelfSubjectAccessReview', {}).map(String), ['spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified']);
    assert.deepEqual(validateAccessReviewSpec('SubjectAccessReview', { nonResourceAttributes: {} }).map(String), ['spec.user: Invalid value: "": at least one of user or group must be specified']);
    assert.deepEqual(validateAccessReviewSpec('LocalSubjectAccessReview', { user: 'a', nonResourceAttributes: {} }).map(String), ['spec.resourceAttributes: Required value', 'spec.nonResourceAttributes: Invalid value: {}: disallowed on this kind of request']);
  });
});

describe('subresources through the handler', () => {
  let s: TestServer;
  const req = async (method: string, path: string, body?: unknown, headers?: Record<string, string>, user?: typeof bot) => {
    const r = await s.request(method, path, body, headers, user);
    return { status: r.status, body: r.json() as Json };
  };
  const pod = (name: string, extra: Json = {}) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra } });

  before(async () => {
    s = await testServer(new MemoryStore());
    s.handler.server.tokens = new ServiceAccountTokens(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  });

  test('pods/binding sets nodeName once; a second binding is a Conflict on pods/binding', async () => {
    assert.equal((await req('POST', `${NS}/pods`, pod('b1'))).status, 201);
    const binding = (node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b1', annotations: { a: 'b' } }, target: { kind: 'Node', name: node } });
    const first = await req('POST', `${NS}/pods/b1/binding`, binding('n1'));
    assert.deepEqual(first, { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } });
    const p = (await req('GET', `${NS}/pods/b1`)).body;
    assert.equal(p.spec.nodeName, 'n1');
    assert.equal(p.metadata.annotations.a, 'b');
    assert.equal(p.status.conditions.find((c: Json) => c.type === 'PodScheduled').status, 'True');
    const second = await req('POST', `${NS}/pods/b1/binding`, binding('n2'));
    assert.equal(second.status, 409);
    assert.equal(second.body.message, 'Operation cannot be fulfilled on pods/binding "b1": pod b1 is already assigned to node "n1"');
    assert.deepEqual(second.body.details, { name: 'b1', kind: 'pods/binding' });
  });

  test('the bindings resource binds the pod named in the body; errors are upstream\'s', async () => {
    await req('POST', `${NS}/pods`, pod('b2'));
    assert.equal((await req('POST', `${NS}/bindings`, { metadata: { name: 'b2' }, target: { name: 'n1' } })).status, 201);
    assert.equal((await req('GET', `${NS}/pods/b2`)).body.spec.nodeName, 'n1');
    const missing = await req('POST', `${NS}/bindings`, { metadata: { name: 'nope' }, target: { name: 'n1' } });
    assert.equal(missing.body.message, 'pods "nope" not found');
    const mismatch = await req('POST', `${NS}/pods/b2/binding`, { metadata: { name: 'x' }, target: { name: 'n1' } });
    assert.deepEqual([mismatch.status, mismatch.body.message], [400, 'name in URL does not match name in Binding object']);
    const noTarget = await req('POST', `${NS}/pods/b2/binding`, { metadata: { name: 'b2' }, target: {} });
    assert.deepEqual([noTarget.status, noTarget.body.message], [500, 'target.name: Required value']);
  });

  test('pods/eviction deletes the pod and answers 201', async () => {
    await req('POST', `${NS}/pods`, pod('e1'));
    const r = await req('POST', `${NS}/pods/e1/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'e1' }, deleteOptions: { gracePeriodSeconds: 0 } });
    assert.equal(r.status, 201);
    assert.equal((await req('GET', `${NS}/pods/e1`)).status, 404);
    assert.equal((await req('POST', `${NS}/pods/e1/eviction`, { metadata: { name: 'e1' } })).body.message, 'pods "e1" not found');
    assert.equal((await req('POST', `${NS}/pods/e1/eviction`, { metadata: { name: 'zz' } })).body.message, 'name in URL does not match name in Eviction object');
  });

  test('pods/status changes status only; the main resource cannot change status', async () => {
    await req('POST', `${NS}/pods`, pod('st'));
    const st = await req('PATCH', `${NS}/pods/st/status`, { status: { phase: 'Running' }, spec: { nodeName: 'x' } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(st.status, 200);
    assert.equal(st.body.status.phase, 'Running');
    assert.equal(st.body.spec.nodeName, undefined);
    const main = await req('PATCH', `${NS}/pods/st`, { status: { phase: 'Failed' }, metadata: { labels: { a: 'b' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(main.body.status.phase, 'Running');
    assert.equal(main.body.metadata.labels.a, 'b');
  });

  test('deployments/scale reads and writes spec.replicas; status is untouched by the main resource', async () => {
    const D = '/apis/apps/v1/namespaces/default/deployments';
    const dep = { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    assert.equal((await req('POST', D, dep)).status, 201);
    const scale = (await req('GET', `${D}/web/scale`)).body;
    assert.deepEqual([scale.kind, scale.apiVersion, scale.spec, scale.status], ['Scale', 'autoscaling/v1', { replicas: 1 }, { replicas: 0, selector: 'app=web' }]);
    const put = await req('PUT', `${D}/web/scale`, { ...scale, spec: { replicas: 3 } });
    assert.equal(put.body.spec.replicas, 3);
    const patched = await req('PATCH', `${D}/web/scale`, { spec: { replicas: 4 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(patched.body.spec.replicas, 4);
    const d = (await req('GET', `${D}/web`)).body;
    assert.equal(d.spec.replicas, 4);
    assert.ok(d.metadata.managedFields.some((m: Json) => m.subresource === 'scale'));
    const stale = await req('PUT', `${D}/web/scale`, { ...scale, spec: { replicas: 5 } });
    assert.equal(stale.body.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
    const neg = await req('PATCH', `${D}/web/scale`, { spec: { replicas: -1 } }, { 'content-type': 'application/merge-patch+json' });
    assert.deepEqual([neg.status, neg.body.message], [422, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    const st = await req('PATCH', `${D}/web/status`, { status: { replicas: 4, readyReplicas: 2 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(st.body.status.readyReplicas, 2);
    assert.equal(st.body.spec.replicas, 4);
    const main = await req('PATCH', `${D}/web`, { status: { readyReplicas: 9 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(main.body.status.readyReplicas, 2);
  });

  test('serviceaccounts/token issues tokens and checks its request', async () => {
    await req('POST', `${NS}/serviceaccounts`, { metadata: { name: 'bot' } });
    const T = `${NS}/serviceaccounts/bot/token`;
    const ok = await req('POST', T, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['a'], expirationSeconds: 600 } });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body.spec, { audiences: ['a'], expirationSeconds: 600, boundObjectRef: null });
    assert.match(ok.body.status.token, /^ey/);
    const dflt = await req('POST', T, { spec: {} });
    assert.deepEqual(dflt.body.spec, { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null });
    const short = await req('POST', T, { spec: { expirationSeconds: 300 } });
    assert.deepEqual([short.status, short.body.message], [422, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes']);
    assert.equal((await req('POST', `${NS}/serviceaccounts/nobody/token`, { spec: {} })).body.message, 'serviceaccounts "nobody" not found');
    const kind = await req('POST', T, { spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } });
    assert.deepEqual([kind.status, kind.body.message], [400, 'cannot bind token to object of type /v1, Kind=ConfigMap']);
    await req('POST', `${NS}/pods`, pod('sa-pod'));
    const other = await req('POST', T, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'sa-pod' } } });
    assert.equal(other.body.message, 'cannot bind token for serviceaccount "bot" to pod running with different serviceaccount name.');
    await req('POST', `${NS}/pods`, pod('bot-pod', { serviceAccountName: 'bot' }));
    const uid = await req('POST', T, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bot-pod', uid: 'wrong' } } });
    assert.deepEqual([uid.status, uid.body.message], [409, 'Operation cannot be fulfilled on Pod "bot-pod": the UID in the bound object reference (wrong) does not match the UID in record. The object might have been deleted and then recreated']);
    const bound = await req('POST', T, { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bot-pod' } } });
    assert.equal(bound.status, 201);
    const review = await req('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: bound.body.status.token } });
    assert.equal(review.body.status.authenticated, true);
    assert.equal(review.body.status.user.username, 'system:serviceaccount:default:bot');
    assert.deepEqual(review.body.status.user.extra['authentication.kubernetes.io/pod-name'], ['bot-pod']);
    assert.deepEqual(review.body.status.audiences, ['https://kubernetes.default.svc.cluster.local']);
    const aud = await req('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: ok.body.status.token, audiences: ['a'] } });
    assert.deepEqual(aud.body.status.audiences, ['a']);
    const bad = await req('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: 'nope' } });
    assert.deepEqual(bad.body.status, { user: {}, error: 'invalid bearer token' });
    assert.equal((await req('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: {} })).status, 400);
  });

  test('access reviews answer for the subject named, or the caller', async () => {
    const A = '/apis/authorization.k8s.io/v1';
    const sar = await req('POST', `${A}/subjectaccessreviews`, { spec: { user: bot.username, groups: bot.groups, resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } } });
    assert.deepEqual([sar.status, sar.body.kind, sar.body.status], [201, 'SubjectAccessReview', { allowed: false }]);
    const disc = await req('POST', `${A}/subjectaccessreviews`, { spec: { user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { path: '/api', verb: 'get' } } });
    assert.deepEqual(disc.body.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' });
    const lsar = await req('POST', `${A}/namespaces/default/localsubjectaccessreviews`, { spec: { user: 'x', groups: ['system:masters'], resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'pods' } } });
    assert.deepEqual([lsar.status, lsar.body.status.allowed], [201, true]);
    const wrongNs = await req('POST', `${A}/namespaces/default/localsubjectaccessreviews`, { spec: { user: 'x', resourceAttributes: { namespace: 'other', verb: 'get', resource: 'pods' } } });
    assert.deepEqual([wrongNs.status, wrongNs.body.message], [400, 'spec.resourceAttributes.namespace must match namespace: default']);
    const noUser = await req('POST', `${A}/subjectaccessreviews`, { spec: { resourceAttributes: { verb: 'get' } } });
    assert.equal(noUser.body.message, 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const self = await req('POST', `${A}/selfsubjectaccessreviews`, { spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } } }, {}, bot);
    assert.deepEqual(self.body.status, { allowed: false });
    const rules = await req('POST', `${A}/selfsubjectrulesreviews`, { spec: { namespace: 'default' } }, {}, bot);
    assert.equal(rules.body.status.incomplete, false);
    assert.ok(rules.body.status.resourceRules.some((r: Json) => r.resources.includes('selfsubjectaccessreviews')));
    assert.equal((await req('POST', `${A}/selfsubjectrulesreviews`, { spec: {} }, {}, bot)).body.message, 'no namespace on request');
    const who = await req('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {}, {}, bot);
    assert.equal(who.body.status.userInfo.username, bot.username);
  });

  test('a 403 names the resource without its subresource, as upstream', async () => {
    const r = await req('GET', `${NS}/pods/st/log`, undefined, {}, bot);
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "st" is forbidden: User "system:serviceaccount:default:bot" cannot get resource "pods/log" in API group "" in the namespace "default"');
    assert.deepEqual(r.body.details, { name: 'st', kind: 'pods' });
    const p = await req('GET', '/metrics', undefined, {}, bot);
    assert.equal(p.body.message, 'forbidden: User "system:serviceaccount:default:bot" cannot get path "/metrics"');
  });

  test('exec, attach and portforward need a node (BadRequest); logs of an unscheduled pod are empty (204), as upstream', async () => {
    for (const sub of ['exec', 'portforward', 'attach']) {
      const r = await req('POST', `${NS}/pods/st/${sub}`);
      assert.deepEqual([r.status, r.body.message], [400, 'pod st does not have a host assigned'], sub);
    }
    assert.equal((await s.request('GET', `${NS}/pods/st/log`)).status, 204);
    assert.equal((await req('GET', `${NS}/pods/b1/log`)).status, 503);
  });

  test('namespace lifecycle: missing, terminating and immortal namespaces', async () => {
    const missing = await req('POST', '/api/v1/namespaces/nope/configmaps', { metadata: { name: 'c' } });
    assert.deepEqual([missing.status, missing.body.message], [404, 'namespaces "nope" not found']);
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await req('POST', '/api/v1/namespaces/doomed/serviceaccounts', { metadata: { name: 'sa' } });
    assert.equal((await req('DELETE', '/api/v1/namespaces/doomed')).status, 200);
    const term = await req('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'c' } });
    assert.equal(term.status, 403);
    assert.equal(term.body.message, 'configmaps "c" is forbidden: unable to create new content in namespace doomed because it is being terminated');
    assert.deepEqual(term.body.details.causes, [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }]);
    const tok = await req('POST', '/api/v1/namespaces/doomed/serviceaccounts/sa/token', { spec: {} });
    assert.equal(tok.status, 403);
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const r = await req('DELETE', `/api/v1/namespaces/${ns}`);
      assert.deepEqual([r.status, r.body.message], [403, `namespaces "${ns}" is forbidden: this namespace may not be deleted`]);
    }
  });

  test('namespaces/finalize changes only spec.finalizers', async () => {
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'fin' } });
    const r = await req('PUT', '/api/v1/namespaces/fin/finalize', { metadata: { name: 'fin' }, spec: { finalizers: ['example.com/x'] }, status: { phase: 'Terminating' } });
    assert.deepEqual([r.status, r.body.spec.finalizers, r.body.status.phase], [200, ['example.com/x'], 'Active']);
    assert.equal((await req('GET', '/api/v1/namespaces/fin/finalize')).status, 405);
  });
});

// RBAC evaluation: upstream's rule matching, additive bindings, reason and error strings, and the
// rules a SelfSubjectRulesReview lists.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';
import type { AuthorizationAttributes } from '../context.js';
import { aggregate, forbiddenReason, RbacAuthorizer, ruleAllows, subjectMatches, type PolicyRule } from './rbac.js';

const bot = { username: 'system:serviceaccount:default:bot', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] };
const res = (verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({ user: bot, isResourceRequest: true, verb, apiGroup: '', namespace: 'default', resource, subresource: '', name: '', ...extra });
const path = (verb: string, p: string): AuthorizationAttributes => ({ user: bot, isResourceRequest: false, verb, path: p });

describe('ruleAllows', () => {
  const cases: [string, PolicyRule, AuthorizationAttributes, boolean][] = [
    ['exact resource and verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods'), true],
    ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('list', 'pods'), false],
    ['wildcards', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, res('delete', 'deployments', { apiGroup: 'apps' }), true],
    ['other group', { verbs: ['get'], apiGroups: [''], resources: ['deployments'] }, res('get', 'deployments', { apiGroup: 'apps' }), false],
    ['resource does not grant its subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'pods', { subresource: 'log' }), false],
    ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res('get', 'pods', { subresource: 'log' }), true],
    ['*/subresource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, res('get', 'pods', { subresource: 'status' }), true],
    ['*/subresource does not grant the resource', { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, res('get', 'pods'), false],
    ['pods/* is no wildcard upstream', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res('get', 'pods'), false],
    ['pods/* does not match pods/log either', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res('get', 'pods', { subresource: 'log' }), false],
    ['resourceNames match', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, res('get', 'pods', { name: 'a' }), true],
    ['resourceNames other name', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, res('get', 'pods', { name: 'b' }), false],
    ['resourceNames never grant list', { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, res('list', 'pods'), false],
    ['non-resource exact', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, path('get', '/healthz'), true],
    ['non-resource prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('get', '/apis/apps/v1'), true],
    ['non-resource prefix needs the slash', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('get', '/apis'), false],
    ['non-resource star', { verbs: ['*'], nonResourceURLs: ['*'] }, path('post', '/anything'), true],
    ['resource rule never grants a path', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, path('get', '/healthz'), false],
  ];
  for (const [name, rule, attrs, want] of cases) test(name, () => assert.equal(ruleAllows(rule, attrs), want));
});

describe('subjectMatches', () => {
  const cases: [string, Parameters<typeof subjectMatches>[0], string, boolean][] = [
    ['user', { kind: 'User', name: bot.username }, '', true],
    ['group', { kind: 'Group', name: 'system:serviceaccounts' }, '', true],
    ['sa with namespace', { kind: 'ServiceAccount', name: 'bot', namespace: 'default' }, 'other', true],
    ['sa defaults to the binding namespace', { kind: 'ServiceAccount', name: 'bot' }, 'default', true],
    ['sa in another namespace', { kind: 'ServiceAccount', name: 'bot', namespace: 'other' }, '', false],
    ['sa without any namespace', { kind: 'ServiceAccount', name: 'bot' }, '', false],
    ['unknown kind', { kind: 'Robot', name: 'bot' }, '', false],
  ];
  for (const [name, s, ns, want] of cases) test(name, () => assert.equal(subjectMatches(s, bot, ns), want));
});

test('forbiddenReason words requests as upstream', () => {
  assert.equal(forbiddenReason(res('list', 'pods')), 'User "system:serviceaccount:default:bot" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(forbiddenReason(res('get', 'nodes', { namespace: '' })), 'User "system:serviceaccount:default:bot" cannot get resource "nodes" in API group "" at the cluster scope');
  assert.equal(forbiddenReason(res('get', 'pods', { subresource: 'log' })), 'User "system:serviceaccount:default:bot" cannot get resource "pods/log" in API group "" in the namespace "default"');
  assert.equal(forbiddenReason(path('get', '/metrics')), 'User "system:serviceaccount:default:bot" cannot get path "/metrics"');
  assert.equal(aggregate(['a']), 'a');
  assert.equal(aggregate(['a', 'b']), '[a, b]');
});

describe('RbacAuthorizer on stored roles and bindings', () => {
  let s: TestServer;
  const authz = new RbacAuthorizer();
  const post = async (p: string, body: unknown) => {
    const r = await s.request('POST', p, body);
    assert.equal(r.status, 201, String(r.body));
  };
  const check = (a: AuthorizationAttributes) => authz.authorize(a, s.handler.server);
  const RBAC = '/apis/rbac.authorization.k8s.io/v1';

  before(async () => {
    s = await testServer(new MemoryStore());
    await post('/api/v1/namespaces', { metadata: { name: 'other' } });
    await post(`${RBAC}/namespaces/default/roles`, { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
    await post(`${RBAC}/namespaces/default/rolebindings`, { metadata: { name: 'bot-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'default' }] });
  });

  test('system:masters is allowed with no reason, as upstream privileged groups', async () => {
    assert.deepEqual(await check({ ...res('delete', 'nodes'), user: { username: 'x', groups: ['system:masters'] } }), { allowed: true, reason: '' });
  });

  test('a RoleBinding grants in its namespace only, naming its source', async () => {
    const d = await check(res('list', 'pods'));
    assert.deepEqual(d, { allowed: true, reason: 'RBAC: allowed by RoleBinding "bot-reads/default" of Role "pod-reader" to ServiceAccount "bot/default"' });
    assert.deepEqual(await check(res('list', 'pods', { namespace: 'other' })), { allowed: false, reason: '' });
    assert.deepEqual(await check(res('delete', 'pods')), { allowed: false, reason: '' });
  });

  test('bootstrap bindings give every authenticated user discovery and self reviews', async () => {
    const d = await check(path('get', '/apis'));
    assert.equal(d.allowed, true);
    assert.equal(d.reason, 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"');
    assert.equal((await check(res('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io', namespace: '' }))).allowed, true);
    assert.equal((await check(path('get', '/openid/v1/jwks'))).allowed, true);
    assert.equal((await check({ ...path('get', '/openid/v1/jwks'), user: { username: 'alice', groups: ['system:authenticated'] } })).allowed, false);
  });

  test('a ClusterRoleBinding grants across namespaces, additively', async () => {
    await post(`${RBAC}/clusterroles`, { metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] });
    await post(`${RBAC}/clusterrolebindings`, { metadata: { name: 'bot-cm' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'default' }] });
    assert.equal((await check(res('list', 'configmaps', { namespace: 'other' }))).allowed, true);
    assert.equal((await check(res('list', 'configmaps', { namespace: '' }))).allowed, true);
    assert.equal((await check(res('list', 'pods'))).allowed, true);
    assert.equal((await check(res('list', 'pods', { namespace: 'other' }))).allowed, false);
  });

  test('a binding to a missing role explains the denial', async () => {
    await post(`${RBAC}/namespaces/other/rolebindings`, { metadata: { name: 'dangling' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gone' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'default' }] });
    const d = await check(res('list', 'pods', { namespace: 'other' }));
    assert.deepEqual(d, { allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
    const rules = await authz.rulesFor(bot, 'other', s.handler.server);
    assert.equal(rules.incomplete, true);
    assert.equal(rules.evaluationError, 'role.rbac.authorization.k8s.io "gone" not found');
  });

  test('rulesFor lists what the bindings grant in a namespace', async () => {
    const r = await authz.rulesFor(bot, 'default', s.handler.server);
    assert.equal(r.incomplete, false);
    assert.ok(r.resourceRules.some((x) => JSON.stringify(x) === JSON.stringify({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] })));
    assert.ok(r.resourceRules.some((x) => JSON.stringify(x) === JSON.stringify({ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] })));
    assert.ok(r.nonResourceRules.some((x) => (x as { nonResourceURLs: string[] }).nonResourceURLs.includes('/.well-known/openid-configuration')));
    const elsewhere = await authz.rulesFor(bot, 'kube-system', s.handler.server);
    assert.ok(!elsewhere.resourceRules.some((x) => (x as { resources: string[] }).resources.includes('pods')));
  });
});

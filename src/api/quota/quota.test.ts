// Quota math: pod usage, object counts, scopes, controller status and admission decisions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { evaluatorFor, evaluatorsForNames, parseCountResourceName } from './evaluators.js';
import { isBestEffort, isPodCharged, podConstraintError, podMatchesScope, podUsage } from './pod-usage.js';
import { checkRequest, quotaStatus, type ListObjects } from './quota.js';
import { formatResourceList, prettyPrint, parseResourceList } from './resource-list.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function pod(name: string, containers: { req?: Record<string, string>; lim?: Record<string, string> }[] = [{}], extra: Record<string, unknown> = {}, status?: Record<string, unknown>): KubeObject {
  return {
    metadata: { name, namespace: 'ns', resourceVersion: '1' },
    spec: { containers: containers.map((c, i) => ({ name: `c${i}`, resources: { ...(c.req ? { requests: c.req } : {}), ...(c.lim ? { limits: c.lim } : {}) } })), ...extra },
    ...(status ? { status } : {}),
  };
}

function quota(name: string, hard: Record<string, string>, opts: { used?: Record<string, string>; scopes?: string[]; scopeSelector?: unknown; statusHard?: Record<string, string> } = {}): KubeObject {
  const q: KubeObject = { metadata: { name, namespace: 'ns' }, spec: { hard, ...(opts.scopes ? { scopes: opts.scopes } : {}), ...(opts.scopeSelector ? { scopeSelector: opts.scopeSelector } : {}) } };
  if (opts.used) q.status = { hard: opts.statusHard ?? hard, used: opts.used };
  return q;
}

describe('pod usage', () => {
  const cases: [string, KubeObject, Record<string, string>][] = [
    ['best effort pod', pod('a'), { 'count/pods': '1', pods: '1' }],
    ['requests and limits', pod('a', [{ req: { cpu: '100m', memory: '64Mi' }, lim: { cpu: '200m', memory: '128Mi' } }]),
      { 'count/pods': '1', pods: '1', cpu: '100m', 'requests.cpu': '100m', 'limits.cpu': '200m', memory: '64Mi', 'requests.memory': '64Mi', 'limits.memory': '128Mi' }],
    ['two containers summed', pod('a', [{ req: { cpu: '100m' } }, { req: { cpu: '1' } }]), { 'count/pods': '1', pods: '1', cpu: '1100m', 'requests.cpu': '1100m' }],
    ['init container larger than the sum wins', pod('a', [{ req: { cpu: '100m' } }], { initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }] }),
      { 'count/pods': '1', pods: '1', cpu: '2', 'requests.cpu': '2' }],
    ['ephemeral storage and extended', pod('a', [{ req: { 'ephemeral-storage': '1Gi', 'example.com/gpu': '1' }, lim: { 'ephemeral-storage': '2Gi' } }]),
      { 'count/pods': '1', pods: '1', 'ephemeral-storage': '1Gi', 'requests.ephemeral-storage': '1Gi', 'limits.ephemeral-storage': '2Gi', 'requests.example.com/gpu': '1' }],
    ['succeeded pod: only count/pods', pod('a', [{ req: { cpu: '1' } }], {}, { phase: 'Succeeded' }), { 'count/pods': '1' }],
    ['failed pod: only count/pods', pod('a', [], {}, { phase: 'Failed' }), { 'count/pods': '1' }],
  ];
  for (const [name, p, want] of cases) test(name, () => assert.deepEqual(formatResourceList(podUsage(p, NOW)), Object.fromEntries(Object.entries(want).sort())));

  test('a deleting pod is charged until its grace period ends', () => {
    const p = pod('a');
    p.metadata!.deletionTimestamp = '2026-01-01T00:00:00Z';
    p.metadata!.deletionGracePeriodSeconds = 30;
    assert.equal(isPodCharged(p, NOW + 30_000), true);
    assert.equal(isPodCharged(p, NOW + 30_001), false);
  });
});

describe('scopes', () => {
  const be = pod('be');
  const burst = pod('b', [{ req: { cpu: '1' } }]);
  const term = pod('t', [{}], { activeDeadlineSeconds: 10 });
  const prio = pod('p', [{}], { priorityClassName: 'high' });
  const cases: [string, string, string | undefined, string[] | undefined, KubeObject, boolean][] = [
    ['BestEffort takes a pod without resources', 'BestEffort', 'Exists', undefined, be, true],
    ['BestEffort skips a pod with requests', 'BestEffort', 'Exists', undefined, burst, false],
    ['NotBestEffort takes a pod with requests', 'NotBestEffort', 'Exists', undefined, burst, true],
    ['Terminating takes activeDeadlineSeconds', 'Terminating', 'Exists', undefined, term, true],
    ['NotTerminating takes an ordinary pod', 'NotTerminating', 'Exists', undefined, be, true],
    ['NotTerminating skips activeDeadlineSeconds', 'NotTerminating', 'Exists', undefined, term, false],
    ['PriorityClass In', 'PriorityClass', 'In', ['high'], prio, true],
    ['PriorityClass In other', 'PriorityClass', 'In', ['low'], prio, false],
    ['PriorityClass NotIn without class', 'PriorityClass', 'NotIn', ['high'], be, true],
    ['PriorityClass Exists', 'PriorityClass', 'Exists', undefined, be, false],
    ['PriorityClass DoesNotExist', 'PriorityClass', 'DoesNotExist', undefined, be, true],
  ];
  for (const [name, scopeName, operator, values, p, want] of cases) test(name, () => assert.equal(podMatchesScope({ scopeName, operator: operator ?? 'Exists', values }, p), want));
  test('status.qosClass wins', () => assert.equal(isBestEffort({ ...burst, status: { qosClass: 'BestEffort' } }), true));
});

describe('object counts', () => {
  const cases: [string, string, string, string[], string[]][] = [
    ['configmaps: count and legacy name', '', 'configmaps', ['configmaps', 'count/configmaps', 'pods'], ['configmaps', 'count/configmaps']],
    ['deployments.apps', 'apps', 'deployments', ['count/deployments.apps', 'count/deployments'], ['count/deployments.apps']],
    ['services', '', 'services', ['services', 'count/services', 'services.nodeports', 'services.loadbalancers', 'secrets'], ['services', 'count/services', 'services.nodeports', 'services.loadbalancers']],
    ['pvcs', '', 'persistentvolumeclaims', ['requests.storage', 'persistentvolumeclaims', 'gold.storageclass.storage.k8s.io/requests.storage'], ['requests.storage', 'persistentvolumeclaims', 'gold.storageclass.storage.k8s.io/requests.storage']],
    ['pods do not answer to count/configmaps', '', 'pods', ['count/configmaps', 'pods', 'requests.cpu', 'hugepages-2Mi'], ['pods', 'requests.cpu', 'hugepages-2Mi']],
  ];
  for (const [name, g, r, names, want] of cases) test(name, () => assert.deepEqual(evaluatorFor(g, r).matchingResources(names), want));
  test('count names parse', () => {
    assert.deepEqual(parseCountResourceName('count/replicasets.apps'), { group: 'apps', resource: 'replicasets' });
    assert.deepEqual(parseCountResourceName('count/widgets.example.com'), { group: 'example.com', resource: 'widgets' });
    assert.equal(parseCountResourceName('pods'), undefined);
  });
  test('evaluators a quota calls for', () => {
    assert.deepEqual(evaluatorsForNames(['pods', 'secrets', 'count/jobs.batch']).map((e) => `${e.evaluator.resource}:${e.names.join('+')}`), ['pods:pods', 'secrets:secrets', 'jobs:count/jobs.batch']);
  });
  test('service usage by type', () => {
    const svc = (spec: Record<string, unknown>) => formatResourceList(evaluatorFor('', 'services').usage({ spec }, NOW));
    assert.equal(svc({ type: 'ClusterIP', ports: [{}] })['services.nodeports'], '0');
    assert.equal(svc({ type: 'NodePort', ports: [{}, {}] })['services.nodeports'], '2');
    assert.deepEqual([svc({ type: 'LoadBalancer', ports: [{}] })['services.loadbalancers'], svc({ type: 'LoadBalancer', ports: [{}] })['services.nodeports']], ['1', '1']);
  });
  test('pvc usage with a storage class', () => {
    const u = formatResourceList(evaluatorFor('', 'persistentvolumeclaims').usage({ spec: { storageClassName: 'gold', resources: { requests: { storage: '1Gi' } } } }, NOW));
    assert.deepEqual(u, { 'count/persistentvolumeclaims': '1', 'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1', 'gold.storageclass.storage.k8s.io/requests.storage': '1Gi', persistentvolumeclaims: '1', 'requests.storage': '1Gi' });
  });
});

describe('controller status', () => {
  const objects: Record<string, KubeObject[]> = {
    pods: [pod('a', [{ req: { cpu: '250m', memory: '1Gi' } }]), pod('b'), pod('c', [], {}, { phase: 'Succeeded' }), pod('t', [{}], { activeDeadlineSeconds: 5 })],
    configmaps: [{ metadata: { name: 'x' } }, { metadata: { name: 'y' } }],
  };
  const list: ListObjects = (g, r) => (g === '' && r in objects ? objects[r] : g === 'apps' ? [] : undefined);
  const cases: [string, KubeObject, Record<string, string>][] = [
    ['counts and compute', quota('q', { pods: '10', 'count/pods': '10', 'requests.cpu': '1', 'requests.memory': '2Gi', configmaps: '5', 'count/configmaps': '5', 'count/replicasets.apps': '3' }),
      { configmaps: '2', 'count/configmaps': '2', 'count/pods': '4', 'count/replicasets.apps': '0', pods: '3', 'requests.cpu': '250m', 'requests.memory': '1Gi' }],
    ['BestEffort scope', quota('q', { pods: '10' }, { scopes: ['BestEffort'] }), { pods: '2' }],
    ['NotBestEffort scope', quota('q', { pods: '10', 'requests.cpu': '2' }, { scopes: ['NotBestEffort'] }), { pods: '1', 'requests.cpu': '250m' }],
    ['Terminating scope', quota('q', { pods: '10' }, { scopes: ['Terminating'] }), { pods: '1' }],
    ['NotTerminating scope', quota('q', { pods: '10' }, { scopes: ['NotTerminating'] }), { pods: '2' }],
    ['scoped quota counts no configmaps', quota('q', { configmaps: '10' }, { scopes: ['NotTerminating'] }), { configmaps: '0' }],
    ['unlistable resource keeps the old value', quota('q', { 'count/widgets.example.com': '3' }, { used: { 'count/widgets.example.com': '2' } }), { 'count/widgets.example.com': '2' }],
  ];
  for (const [name, q, want] of cases) test(name, () => assert.deepEqual(quotaStatus(q, list, NOW).status.used, want));

  test('status.hard follows spec.hard; an up-to-date status is not dirty', () => {
    const q = quota('q', { configmaps: '5' }, { used: { configmaps: '2' }, statusHard: { configmaps: '100' } });
    const r = quotaStatus(q, list, NOW);
    assert.deepEqual([r.status.hard, r.dirty], [{ configmaps: '5' }, true]);
    assert.equal(quotaStatus(quota('q', { configmaps: '5' }, { used: { configmaps: '2' } }), list, NOW).dirty, false);
  });
});

describe('admission decision', () => {
  const podEv = evaluatorFor('', 'pods');
  const cases: [string, KubeObject[], KubeObject, string | Record<string, Record<string, string>>][] = [
    ['under quota charges it', [quota('q', { pods: '2' }, { used: { pods: '1' } })], pod('p'), { q: { pods: '2' } }],
    ['over quota', [quota('q', { pods: '2' }, { used: { pods: '2' } })], pod('p'), 'exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2'],
    ['over on several names: only the exceeded ones printed', [quota('q', { pods: '5', 'requests.cpu': '1', 'requests.memory': '1Gi' }, { used: { pods: '1', 'requests.cpu': '900m', 'requests.memory': '0' } })],
      pod('p', [{ req: { cpu: '200m', memory: '1Gi' } }]), 'exceeded quota: q, requested: requests.cpu=200m, used: requests.cpu=900m, limited: requests.cpu=1'],
    ['status unknown', [quota('q', { pods: '2', 'count/pods': '2' }, { used: { pods: '0' } })], pod('p'), 'status unknown for quota: q, resources: count/pods,pods'],
    ['no status.hard: the quota does not match yet', [quota('q', { pods: '2' })], pod('p'), {}],
    ['missing requests', [quota('q', { 'requests.cpu': '1', 'limits.memory': '1Gi' }, { used: { 'requests.cpu': '0', 'limits.memory': '0' } })], pod('p', [{ req: { cpu: '1' } }, {}]),
      'failed quota: q: must specify limits.memory for: c0,c1; requests.cpu for: c1'],
    ['scope not matching is skipped', [quota('q', { pods: '0' }, { used: { pods: '0' }, scopes: ['Terminating'] })], pod('p'), {}],
    ['scope matching is held', [quota('q', { pods: '1' }, { used: { pods: '1' }, scopes: ['BestEffort'] })], pod('p'), 'exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1'],
  ];
  for (const [name, quotas, obj, want] of cases) {
    test(name, () => {
      const d = checkRequest(quotas, podEv, obj, undefined, NOW);
      if (typeof want === 'string') assert.deepEqual(d, { allowed: false, message: want });
      else {
        assert.ok(d.allowed);
        assert.deepEqual(Object.fromEntries([...d.charges].map(([k, v]) => [k, formatResourceList(v)])), want);
      }
    });
  }
  test('object count on create, growth only on update', () => {
    const q = [quota('q', { 'count/configmaps': '1', configmaps: '1' }, { used: { 'count/configmaps': '1', configmaps: '1' } })];
    const d = checkRequest(q, evaluatorFor('', 'configmaps'), { metadata: { name: 'c' } }, undefined, NOW);
    assert.deepEqual(d, { allowed: false, message: 'exceeded quota: q, requested: configmaps=1,count/configmaps=1, used: configmaps=1,count/configmaps=1, limited: configmaps=1,count/configmaps=1' });
    const sq = [quota('q', { 'services.nodeports': '1' }, { used: { 'services.nodeports': '0' } })];
    const old = { metadata: { name: 's', resourceVersion: '5' }, spec: { type: 'NodePort', ports: [{}] } };
    assert.deepEqual(checkRequest(sq, evaluatorFor('', 'services'), { ...old, spec: { type: 'NodePort', ports: [{}] } }, old, NOW), { allowed: true, charges: new Map() });
  });
  test('pretty print sorts', () => assert.equal(prettyPrint(parseResourceList({ pods: '1', cpu: '500m' })), 'cpu=500m,pods=1'));
  test('must specify only for cpu and memory names', () => assert.equal(podConstraintError(['requests.ephemeral-storage', 'pods'], pod('p')), undefined));
});

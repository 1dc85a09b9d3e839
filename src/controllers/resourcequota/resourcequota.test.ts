// ResourceQuota controller (with the ResourceQuota admission in the request path) against an
// in-process API server: object counts up and down, pod compute usage, scopes, status.hard reset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { StatusError } from '../../api/errors.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { resourceQuotaController } from './index.js';

async function newEnv(): Promise<ControllerTestEnv> {
  const env = await controllerTestEnv();
  const eventually = env.eventually.bind(env);
  env.eventually = (check, timeoutMs = 15000) => eventually(check, timeoutMs);
  await env.clients.resource('namespaces').create({ metadata: { name: 'q' } });
  await env.start(resourceQuotaController(env.ctx));
  return env;
}

const quota = (name: string, hard: Record<string, string>, scopes?: string[]): KubeObject => ({ metadata: { name, namespace: 'q' }, spec: { hard, ...(scopes ? { scopes } : {}) } });
const pod = (name: string, resources?: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, namespace: 'q' },
  spec: { containers: [{ name: 'c', image: 'busybox', ...(resources ? { resources } : {}) }], ...extra },
});

async function usedOf(env: ControllerTestEnv, name: string, want: Record<string, string>): Promise<KubeObject> {
  return env.eventually(async () => {
    const q = await env.clients.resource('resourcequotas').get('q', name);
    const st = q.status as { used?: Record<string, string> } | undefined;
    return JSON.stringify(st?.used) === JSON.stringify(want) && q;
  });
}

describe('resourcequota controller', () => {
  test('counts configmaps, secrets, services and pods, up and back down', async () => {
    const env = await newEnv();
    try {
      const hard = { configmaps: '10', 'count/configmaps': '10', secrets: '10', services: '10', 'services.nodeports': '5', pods: '10', 'count/pods': '10', resourcequotas: '3', 'count/replicasets.apps': '4' };
      await env.clients.resource('resourcequotas').create(quota('all', hard));
      const zero = { configmaps: '0', 'count/configmaps': '0', 'count/pods': '0', 'count/replicasets.apps': '0', pods: '0', resourcequotas: '1', secrets: '0', services: '0', 'services.nodeports': '0' };
      const q = await usedOf(env, 'all', zero);
      assert.deepEqual((q.status as { hard: unknown }).hard, Object.fromEntries(Object.entries(hard).sort()));
      await env.clients.resource('configmaps').create({ metadata: { name: 'cm', namespace: 'q' } });
      await env.clients.resource('secrets').create({ metadata: { name: 's', namespace: 'q' } });
      await env.clients.resource('services').create({ metadata: { name: 'svc', namespace: 'q' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
      await env.clients.resource('pods').create(pod('p'));
      await env.clients.resource('replicasets').create({ metadata: { name: 'rs', namespace: 'q' }, spec: { replicas: 0, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
      await usedOf(env, 'all', { configmaps: '1', 'count/configmaps': '1', 'count/pods': '1', 'count/replicasets.apps': '1', pods: '1', resourcequotas: '1', secrets: '1', services: '1', 'services.nodeports': '1' });
      await env.clients.resource('configmaps').delete('q', 'cm');
      await env.clients.resource('secrets').delete('q', 's');
      await env.clients.resource('services').delete('q', 'svc');
      await env.clients.resource('pods').delete('q', 'p');
      await env.clients.resource('replicasets').delete('q', 'rs');
      await usedOf(env, 'all', zero);
    } finally {
      await env.stop();
    }
  });

  test('a resource the shared informers do not know is counted through discovery', async () => {
    const env = await newEnv();
    try {
      const rb = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', namespaced: true };
      await env.clients.resource('resourcequotas').create(quota('rb', { 'count/rolebindings.rbac.authorization.k8s.io': '2' }));
      await usedOf(env, 'rb', { 'count/rolebindings.rbac.authorization.k8s.io': '0' });
      await env.clients.resource(rb).create({ metadata: { name: 'x', namespace: 'q' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] });
      await usedOf(env, 'rb', { 'count/rolebindings.rbac.authorization.k8s.io': '1' });
      await env.clients.resource(rb).delete('q', 'x');
      await usedOf(env, 'rb', { 'count/rolebindings.rbac.authorization.k8s.io': '0' });
    } finally {
      await env.stop();
    }
  });

  test('pod compute usage, terminal pods released, over-quota pod refused', async () => {
    const env = await newEnv();
    try {
      await env.clients.resource('resourcequotas').create(quota('compute', { pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi' }));
      await usedOf(env, 'compute', { 'limits.memory': '0', pods: '0', 'requests.cpu': '0' });
      const res = { requests: { cpu: '300m' }, limits: { memory: '256Mi' } };
      await env.clients.resource('pods').create(pod('a', res));
      await env.clients.resource('pods').create(pod('b', res));
      await usedOf(env, 'compute', { 'limits.memory': '512Mi', pods: '2', 'requests.cpu': '600m' });
      await assert.rejects(env.clients.resource('pods').create(pod('c', res)), (e: unknown) => {
        assert.ok(e instanceof StatusError);
        assert.equal(e.code, 403);
        assert.equal(e.message, 'pods "c" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2');
        return true;
      });
      await assert.rejects(env.clients.resource('pods').create(pod('d')), /pods "d" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.cpu for: c/);
      // A pod that ended stops counting.
      await env.clients.resource('pods').patch('q', 'a', 'merge', { status: { phase: 'Succeeded' } }, { subresource: 'status' });
      await usedOf(env, 'compute', { 'limits.memory': '256Mi', pods: '1', 'requests.cpu': '300m' });
      await env.clients.resource('pods').create(pod('c', res));
    } finally {
      await env.stop();
    }
  });

  test('scopes: BestEffort, NotBestEffort, Terminating, NotTerminating', async () => {
    const env = await newEnv();
    try {
      const rq = env.clients.resource('resourcequotas');
      await rq.create(quota('be', { pods: '5' }, ['BestEffort']));
      await rq.create(quota('nbe', { pods: '5', 'requests.cpu': '2' }, ['NotBestEffort']));
      await rq.create(quota('term', { pods: '5' }, ['Terminating']));
      await rq.create(quota('nterm', { pods: '5' }, ['NotTerminating']));
      for (const n of ['be', 'term', 'nterm']) await usedOf(env, n, { pods: '0' });
      await usedOf(env, 'nbe', { pods: '0', 'requests.cpu': '0' });
      await env.clients.resource('pods').create(pod('besteffort'));
      await env.clients.resource('pods').create(pod('burst', { requests: { cpu: '500m' } }));
      await env.clients.resource('pods').create(pod('deadline', undefined, { activeDeadlineSeconds: 3600 }));
      await usedOf(env, 'be', { pods: '2' });
      await usedOf(env, 'nbe', { pods: '1', 'requests.cpu': '500m' });
      await usedOf(env, 'term', { pods: '1' });
      await usedOf(env, 'nterm', { pods: '2' });
      await env.clients.resource('pods').delete('q', 'deadline');
      await usedOf(env, 'term', { pods: '0' });
      await usedOf(env, 'be', { pods: '1' });
    } finally {
      await env.stop();
    }
  });

  test('status.hard patched by hand is reset to spec.hard; status writes never touch spec', async () => {
    const env = await newEnv();
    try {
      const rq = env.clients.resource('resourcequotas');
      await rq.create(quota('h', { configmaps: '3' }));
      await usedOf(env, 'h', { configmaps: '0' });
      const patched = await rq.patch('q', 'h', 'merge', { spec: { hard: { configmaps: '99' } }, status: { hard: { configmaps: '7' }, used: { configmaps: '0' } } }, { subresource: 'status' });
      assert.deepEqual((patched.spec as { hard: unknown }).hard, { configmaps: '3' });
      await env.eventually(async () => {
        const q = await rq.get('q', 'h');
        return (q.status as { hard: Record<string, string> }).hard.configmaps === '3';
      });
      // A new spec.hard reaches status too.
      await rq.patch('q', 'h', 'merge', { spec: { hard: { configmaps: '4', secrets: '1' } } });
      await usedOf(env, 'h', { configmaps: '0', secrets: '0' });
    } finally {
      await env.stop();
    }
  });
});

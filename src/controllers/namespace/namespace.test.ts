// In-process tests of namespace deletion: content of every kind goes, conditions report what
// remains, and the namespace itself disappears once finalized.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { isNotFound } from '../../client/informer.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { serviceAccountController } from '../serviceaccount/index.js';
import { namespaceController } from './index.js';

async function gone(env: ControllerTestEnv, name: string): Promise<boolean> {
  try {
    await env.clients.resource('namespaces').get(undefined, name);
    return false;
  } catch (e) {
    return isNotFound(e);
  }
}

const meta = (name: string, namespace: string) => ({ name, namespace });

describe('namespace controller', () => {
  test('deleting a namespace deletes its content, then the namespace', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(namespaceController(env.ctx, { deletionDelayMs: 0 }), serviceAccountController(env.ctx));
      const ns = 'doomed';
      await env.clients.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      // Pods need the default ServiceAccount (admission), which its controller makes.
      await env.eventually(() => env.ctx.informers.informer('serviceaccounts').getByName(ns, 'default'));
      const c = env.clients;
      const podSpec = { containers: [{ name: 'c', image: 'nginx' }] };
      await c.resource('pods').create({ apiVersion: 'v1', kind: 'Pod', metadata: meta('p', ns), spec: podSpec });
      await c.resource('services').create({ apiVersion: 'v1', kind: 'Service', metadata: meta('s', ns), spec: { ports: [{ port: 80 }] } });
      await c.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm', ns), data: { a: 'b' } });
      await c.resource('secrets').create({ apiVersion: 'v1', kind: 'Secret', metadata: meta('sec', ns) });
      const labels = { app: 'web' };
      await c.resource('deployments').create({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('d', ns),
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
      });
      // A kind outside the controllers' usual set: found through discovery.
      await c.resource({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true }).create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta('r', ns),
        rules: [],
      });
      const deleted = (await c.resource('namespaces').delete(undefined, ns)) as KubeObject;
      assert.equal((deleted.status as { phase?: string }).phase, 'Terminating');
      await env.eventually(() => gone(env, ns));
      for (const r of ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'serviceaccounts'] as const) {
        assert.equal((await c.resource(r).list(ns)).items.length, 0, r);
      }
      assert.equal((await c.resource({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true }).list(ns)).items.length, 0);
    } finally {
      await env.stop();
    }
  });

  test('content held by a finalizer is reported in conditions, and the namespace waits for it', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(namespaceController(env.ctx, { deletionDelayMs: 0, maxRecheckMs: 20 }));
      const ns = 'held';
      const c = env.clients;
      await c.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await c.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta('stuck', ns), finalizers: ['example.com/hold'] } });
      await c.resource('namespaces').delete(undefined, ns);
      type Cond = { type: string; status: string; reason: string; message: string };
      const conds = await env.eventually(async () => {
        const n = await c.resource('namespaces').get(undefined, ns);
        const cs = ((n.status as { conditions?: Cond[] }).conditions ?? []);
        return cs.find((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') ? cs : undefined;
      }, 2000);
      const by = (t: string) => conds.find((x) => x.type === t)!;
      assert.equal(by('NamespaceContentRemaining').message, 'Some resources are remaining: configmaps. has 1 resource instances');
      assert.equal(by('NamespaceFinalizersRemaining').message, 'Some finalizers are remaining: example.com/hold in 1 resource instances');
      assert.equal(by('NamespaceDeletionDiscoveryFailure').reason, 'ResourcesDiscovered');
      assert.equal(by('NamespaceDeletionContentFailure').status, 'False');
      const n = await c.resource('namespaces').get(undefined, ns);
      assert.deepEqual((n.spec as { finalizers?: string[] }).finalizers, ['kubernetes']);
      await c.resource('configmaps').patch(ns, 'stuck', 'merge', { metadata: { finalizers: null } });
      await env.eventually(() => gone(env, ns));
    } finally {
      await env.stop();
    }
  });
});

// In-process tests of the garbage collector against a real API server: cascading deletion of a
// chain in background, foreground and orphan modes, and dependents of missing or replaced owners.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { serviceAccountController } from '../serviceaccount/index.js';
import { garbageCollectorController } from './index.js';

const NS = 'default';

function ref(owner: KubeObject, block = true) {
  return { apiVersion: 'v1', kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid!, blockOwnerDeletion: block };
}

/** Secret a ← Secret b ← ConfigMap c, every reference blocking. */
async function chain(env: ControllerTestEnv, prefix: string, extra: { cFinalizers?: string[] } = {}) {
  const secrets = env.clients.resource('secrets');
  const cms = env.clients.resource('configmaps');
  const a = await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${prefix}-a`, namespace: NS } });
  const b = await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${prefix}-b`, namespace: NS, ownerReferences: [ref(a)] } });
  const c = await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-c`, namespace: NS, ownerReferences: [ref(b)], finalizers: extra.cFinalizers } });
  return { a, b, c };
}

async function exists(env: ControllerTestEnv, resource: 'secrets' | 'configmaps', name: string): Promise<KubeObject | undefined> {
  try {
    return await env.clients.resource(resource).get(NS, name);
  } catch {
    return undefined;
  }
}

describe('garbage collector', () => {
  test('background: deleting the owner deletes the whole chain', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      await chain(env, 'bg');
      await env.clients.resource('secrets').delete(NS, 'bg-a', { propagationPolicy: 'Background' });
      await env.eventually(async () => !(await exists(env, 'secrets', 'bg-b')) && !(await exists(env, 'configmaps', 'bg-c')));
    } finally {
      await env.stop();
    }
  });

  test('foreground: the owner waits for blocking dependents, deepest first', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      // c cannot go until its test finalizer is removed, which holds b, which holds a.
      await chain(env, 'fg', { cFinalizers: ['test.k8ts.io/hold'] });
      const deleted = (await env.clients.resource('secrets').delete(NS, 'fg-a', { propagationPolicy: 'Foreground' })) as KubeObject;
      assert.deepEqual(deleted.metadata?.finalizers, ['foregroundDeletion']);
      const c = await env.eventually(async () => {
        const c = await exists(env, 'configmaps', 'fg-c');
        return c?.metadata?.deletionTimestamp ? c : undefined;
      });
      const b = await exists(env, 'secrets', 'fg-b');
      assert.ok(b?.metadata?.deletionTimestamp, 'b is being deleted');
      assert.deepEqual(b?.metadata?.finalizers, ['foregroundDeletion']);
      assert.ok(await exists(env, 'secrets', 'fg-a'), 'a waits for its dependents');
      await env.clients.resource('configmaps').patch(NS, 'fg-c', 'merge', { metadata: { finalizers: null, resourceVersion: c.metadata?.resourceVersion } });
      await env.eventually(async () => !(await exists(env, 'secrets', 'fg-a')) && !(await exists(env, 'secrets', 'fg-b')) && !(await exists(env, 'configmaps', 'fg-c')));
    } finally {
      await env.stop();
    }
  });

  test('foreground: non-blocking dependents are deleted but not waited for', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      const secrets = env.clients.resource('secrets');
      const a = await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nb-a', namespace: NS } });
      await env.clients.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nb-c', namespace: NS, ownerReferences: [ref(a, false)], finalizers: ['test.k8ts.io/hold'] } });
      await secrets.delete(NS, 'nb-a', { propagationPolicy: 'Foreground' });
      await env.eventually(async () => !(await exists(env, 'secrets', 'nb-a')));
      // The dependent's deletion is its own work item, which may run after the owner is gone.
      await env.eventually(async () => (await exists(env, 'configmaps', 'nb-c'))?.metadata?.deletionTimestamp).catch(() => assert.fail('the dependent was deleted too'));
    } finally {
      await env.stop();
    }
  });

  test('orphan: dependents lose the reference and survive', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      await chain(env, 'or');
      await env.clients.resource('secrets').delete(NS, 'or-a', { propagationPolicy: 'Orphan' });
      await env.eventually(async () => !(await exists(env, 'secrets', 'or-a')));
      const b = await exists(env, 'secrets', 'or-b');
      assert.ok(b && !b.metadata?.deletionTimestamp);
      assert.equal(b.metadata?.ownerReferences, undefined);
      const c = await exists(env, 'configmaps', 'or-c');
      assert.equal(c?.metadata?.ownerReferences?.[0]?.name, 'or-b', 'grandchildren keep their own owner');
    } finally {
      await env.stop();
    }
  });

  test('an owner replaced by a namesake counts as gone; a dangling reference beside a live owner is dropped', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      const secrets = env.clients.resource('secrets');
      const owner = await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'same-name', namespace: NS } });
      const stale = { apiVersion: 'v1', kind: 'Secret', name: 'same-name', uid: '00000000-0000-0000-0000-000000000001' };
      const missing = { apiVersion: 'v1', kind: 'Secret', name: 'never-there', uid: '00000000-0000-0000-0000-000000000002' };
      const cms = env.clients.resource('configmaps');
      await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphaned', namespace: NS, ownerReferences: [stale] } });
      await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: NS, ownerReferences: [missing, ref(owner)] } });
      await env.eventually(async () => !(await exists(env, 'configmaps', 'orphaned')));
      const kept = await env.eventually(async () => {
        const k = await exists(env, 'configmaps', 'kept');
        return k?.metadata?.ownerReferences?.length === 1 ? k : undefined;
      });
      assert.equal(kept.metadata?.ownerReferences?.[0]?.uid, owner.metadata?.uid);
      assert.ok(!kept.metadata?.deletionTimestamp);
    } finally {
      await env.stop();
    }
  });

  test('cluster-scoped and cross-group owners: a Namespace owning a ConfigMap elsewhere', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      const ns = await env.clients.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc-owner' } });
      // A namespaced object in another namespace may be owned by a cluster-scoped one.
      await env.clients.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-ns', namespace: NS, ownerReferences: [ref(ns)] } });
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(await exists(env, 'configmaps', 'by-ns'), 'a live cluster-scoped owner keeps it');
      // Namespaces have the `kubernetes` finalizer; finalize directly, as the namespace controller would.
      await env.clients.resource('namespaces').delete(undefined, 'gc-owner');
      const cur = await env.clients.resource('namespaces').get(undefined, 'gc-owner');
      await env.clients.resource('namespaces').update({ ...cur, spec: { finalizers: [] } }, 'finalize');
      await env.eventually(async () => !(await exists(env, 'configmaps', 'by-ns')));
    } finally {
      await env.stop();
    }
  });

  test('cross-group chain: Deployment → ReplicaSet → Pod, deleted with the default policy', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx), serviceAccountController(env.ctx));
      await env.eventually(() => env.ctx.informers.informer('serviceaccounts').getByName(NS, 'default'));
      const labels = { app: 'web' };
      const podSpec = { containers: [{ name: 'c', image: 'nginx' }] };
      const template = { metadata: { labels }, spec: podSpec };
      const apps = (kind: string, o: KubeObject) => ({ apiVersion: 'apps/v1', kind, name: o.metadata!.name!, uid: o.metadata!.uid!, controller: true, blockOwnerDeletion: true });
      const d = await env.clients.resource('deployments').create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS }, spec: { selector: { matchLabels: labels }, template } });
      const rs = await env.clients.resource('replicasets').create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-1', namespace: NS, ownerReferences: [apps('Deployment', d)] },
        spec: { selector: { matchLabels: labels }, template },
      });
      await env.clients.resource('pods').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1-x', namespace: NS, labels, ownerReferences: [apps('ReplicaSet', rs)] }, spec: podSpec });
      await env.clients.resource('deployments').delete(NS, 'web');
      await env.eventually(async () => (await env.clients.resource('replicasets').list(NS)).items.length === 0 && (await env.clients.resource('pods').list(NS)).items.length === 0);
    } finally {
      await env.stop();
    }
  });

  test('owners of kinds found by discovery only (a ClusterRole) are watched too', async () => {
    const env = await controllerTestEnv();
    try {
      await env.start(garbageCollectorController(env.ctx));
      const roles = env.clients.resource({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false });
      const role = await roles.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'gc-owner-role' }, rules: [] });
      const owner = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'gc-owner-role', uid: role.metadata!.uid! };
      await env.clients.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-role', namespace: NS, ownerReferences: [owner] } });
      await roles.delete(undefined, 'gc-owner-role');
      await env.eventually(async () => !(await exists(env, 'configmaps', 'by-role')));
    } finally {
      await env.stop();
    }
  });
});

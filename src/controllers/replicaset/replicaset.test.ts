// ReplicaSet controller against an in-process API server: replicas, replacement, adoption, scale-down order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { replicaSetController } from './index.js';

const rsObj = (name: string, replicas: number, labels: Record<string, string> = { app: name }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

async function ownedPods(env: ControllerTestEnv, rsName: string): Promise<KubeObject[]> {
  const list = await env.clients.resource('pods').list('default');
  return list.items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.controller && r.name === rsName) && !p.metadata?.deletionTimestamp);
}

export async function markReady(env: ControllerTestEnv, pod: KubeObject, at = new Date()): Promise<void> {
  const t = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  await env.clients.resource('pods').patch('default', pod.metadata!.name!, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } }, { subresource: 'status' });
}

/** A test env whose eventually() allows for a loaded machine. */
async function newEnv(): Promise<ControllerTestEnv> {
  const env = await controllerTestEnv();
  const eventually = env.eventually.bind(env);
  env.eventually = (check, timeoutMs = 15000) => eventually(check, timeoutMs);
  return env;
}

describe('replicaset controller', () => {
  test('keeps spec.replicas pods, replaces a deleted one, reports status and events', async () => {
    const env = await newEnv();
    try {
      await env.start(replicaSetController(env.ctx));
      await env.clients.resource('replicasets').create(rsObj('web', 3));
      const pods = await env.eventually(async () => {
        const p = await ownedPods(env, 'web');
        return p.length === 3 && p;
      });
      for (const p of pods) {
        assert.match(p.metadata!.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
        const ref = p.metadata!.ownerReferences![0];
        assert.deepEqual([ref.kind, ref.controller, ref.blockOwnerDeletion], ['ReplicaSet', true, true]);
        assert.deepEqual(p.metadata!.labels, { app: 'web' });
      }
      for (const p of pods) await markReady(env, p);
      const st = await env.eventually(async () => {
        const rs = await env.clients.resource('replicasets').get('default', 'web');
        const s = rs.status as Record<string, number>;
        return s?.readyReplicas === 3 && s.availableReplicas === 3 && s;
      });
      assert.deepEqual(st, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });

      await env.clients.resource('pods').delete('default', pods[0].metadata!.name!);
      await env.eventually(async () => {
        const p = await ownedPods(env, 'web');
        return p.length === 3 && !p.some((x) => x.metadata!.name === pods[0].metadata!.name);
      });
      // Never more than asked for, even while the cache catches up.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await ownedPods(env, 'web')).length, 3);
      const events = await env.eventually(async () => {
        const ev = (await env.clients.resource('events').list('default')).items;
        return ev.length >= 4 && ev;
      });
      assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: web-/.test(String(e.message))));
    } finally {
      await env.stop();
    }
  });

  test('adopts matching orphans and releases pods that stop matching', async () => {
    const env = await newEnv();
    try {
      await env.start(replicaSetController(env.ctx));
      const pods = env.clients.resource('pods');
      await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
      // Pods and ReplicaSets arrive on separate watches: the orphan must be known before the RS is.
      await env.eventually(() => env.ctx.informers.informer('pods').getByName('default', 'orphan'));
      await env.clients.resource('replicasets').create(rsObj('db', 2));
      await env.eventually(async () => (await ownedPods(env, 'db')).length === 2);
      const orphan = await pods.get('default', 'orphan');
      assert.equal(orphan.metadata!.ownerReferences?.[0]?.name, 'db');
      await pods.patch('default', 'orphan', 'merge', { metadata: { labels: { app: 'other' } } });
      await env.eventually(async () => {
        const p = await pods.get('default', 'orphan');
        return !p.metadata!.ownerReferences?.length;
      });
      await env.eventually(async () => (await ownedPods(env, 'db')).length === 2);
    } finally {
      await env.stop();
    }
  });

  test('scaling down deletes unscheduled and not-ready pods first', async () => {
    const env = await newEnv();
    try {
      await env.start(replicaSetController(env.ctx));
      const rsc = env.clients.resource('replicasets');
      await rsc.create(rsObj('api', 4));
      const pods = await env.eventually(async () => {
        const p = await ownedPods(env, 'api');
        return p.length === 4 && p;
      });
      await markReady(env, pods[0]);
      await markReady(env, pods[1]);
      // Scale down only once the controller has seen which pods are ready.
      await env.eventually(async () => ((await rsc.get('default', 'api')).status as { readyReplicas?: number } | undefined)?.readyReplicas === 2);
      await rsc.patch('default', 'api', 'merge', { spec: { replicas: 2 } });
      const left = await env.eventually(async () => {
        const p = await ownedPods(env, 'api');
        return p.length === 2 && p;
      });
      assert.deepEqual(left.map((p) => p.metadata!.name).sort(), [pods[0], pods[1]].map((p) => p.metadata!.name).sort());
      const ev = await env.eventually(async () => {
        const e = (await env.clients.resource('events').list('default')).items.filter((x) => x.reason === 'SuccessfulDelete');
        return e.length === 2 && e;
      });
      assert.match(String(ev[0].message), /^Deleted pod: api-/);
    } finally {
      await env.stop();
    }
  });
});

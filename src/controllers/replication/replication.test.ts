// The replication controller against an in-process API server: pods toward spec.replicas, adoption
// and release, status, the ReplicaFailure condition, events, and cascading deletion with the GC.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { garbageCollectorController } from '../garbagecollector/index.js';
import { resourceQuotaController } from '../resourcequota/index.js';
import { replicationController } from './index.js';

type Status = { replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] };

const rcObj = (name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name, namespace: 'default' },
  // No selector: the API server defaults it to the template's labels.
  spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx', ...extra }] } } },
});

async function ownedPods(env: ControllerTestEnv, rcName: string): Promise<KubeObject[]> {
  const list = await env.clients.resource('pods').list('default');
  return list.items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.controller && r.name === rcName) && !p.metadata?.deletionTimestamp);
}

async function markReady(env: ControllerTestEnv, pod: KubeObject): Promise<void> {
  const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await env.clients.resource('pods').patch('default', pod.metadata!.name!, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } }, { subresource: 'status' });
}

async function rcStatus(env: ControllerTestEnv, name: string): Promise<Status> {
  return ((await env.clients.resource('replicationcontrollers').get('default', name)).status ?? {}) as Status;
}

async function events(env: ControllerTestEnv, reason: string): Promise<KubeObject[]> {
  return (await env.clients.resource('events').list('default')).items.filter((e) => e.reason === reason);
}

/** Whether a pod asking for 200m CPU is refused now (a pod that is let in is deleted again). */
async function refused(env: ControllerTestEnv): Promise<boolean> {
  const pods = env.clients.resource('pods');
  try {
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '200m' } } }] } });
  } catch {
    return true;
  }
  await pods.delete('default', 'probe');
  return false;
}

async function newEnv(): Promise<ControllerTestEnv> {
  const env = await controllerTestEnv();
  const eventually = env.eventually.bind(env);
  env.eventually = (check, timeoutMs = 15000) => eventually(check, timeoutMs);
  return env;
}

describe('replication controller', () => {
  test('creates, replaces and scales pods, with status and events as upstream', async () => {
    const env = await newEnv();
    try {
      await env.start(replicationController(env.ctx));
      const rcs = env.clients.resource('replicationcontrollers');
      await rcs.create(rcObj('web', 3));
      const pods = await env.eventually(async () => {
        const p = await ownedPods(env, 'web');
        return p.length === 3 && p;
      });
      const rc = await rcs.get('default', 'web');
      for (const p of pods) {
        assert.match(p.metadata!.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
        assert.deepEqual(p.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: rc.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
        assert.deepEqual(p.metadata!.labels, { app: 'web' });
      }
      for (const p of pods.slice(0, 2)) await markReady(env, p);
      const st = await env.eventually(async () => {
        const s = await rcStatus(env, 'web');
        return s.readyReplicas === 2 && s;
      });
      assert.deepEqual(st, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });

      // A deleted pod is replaced.
      await env.clients.resource('pods').delete('default', pods[2].metadata!.name!);
      await env.eventually(async () => {
        const p = await ownedPods(env, 'web');
        return p.length === 3 && !p.some((x) => x.metadata!.name === pods[2].metadata!.name);
      });

      // Scale up, then down: the not-ready pods go first and the ready ones stay.
      await rcs.patch('default', 'web', 'merge', { spec: { replicas: 5 } });
      await env.eventually(async () => (await ownedPods(env, 'web')).length === 5);
      await env.eventually(async () => (await rcStatus(env, 'web')).replicas === 5);
      await rcs.patch('default', 'web', 'merge', { spec: { replicas: 2 } });
      const left = await env.eventually(async () => {
        const p = await ownedPods(env, 'web');
        return p.length === 2 && p;
      });
      assert.deepEqual(left.map((p) => p.metadata!.name).sort(), pods.slice(0, 2).map((p) => p.metadata!.name).sort());
      const final = await env.eventually(async () => {
        const s = await rcStatus(env, 'web');
        return s.replicas === 2 && s.observedGeneration === 3 && s;
      });
      assert.equal(final.readyReplicas, 2);

      const created = await env.eventually(async () => {
        const e = await events(env, 'SuccessfulCreate');
        return e.length === 6 && e;
      });
      for (const e of created) {
        assert.match(String(e.message), /^Created pod: web-/);
        assert.deepEqual((e.source as { component?: string }).component, 'replication-controller');
        assert.deepEqual([(e.involvedObject as KubeObject).kind, (e.involvedObject as KubeObject).apiVersion], ['ReplicationController', 'v1']);
      }
      const deleted = await env.eventually(async () => {
        const e = await events(env, 'SuccessfulDelete');
        return e.length === 3 && e;
      });
      assert.match(String(deleted[0].message), /^Deleted pod: web-/);
    } finally {
      await env.stop();
    }
  });

  test('adopts matching orphans and releases pods that stop matching', async () => {
    const env = await newEnv();
    try {
      await env.start(replicationController(env.ctx));
      const pods = env.clients.resource('pods');
      await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-adoption', namespace: 'default', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
      await env.eventually(() => env.ctx.informers.informer('pods').getByName('default', 'pod-adoption'));
      await env.clients.resource('replicationcontrollers').create(rcObj('db', 1));
      const adopted = await env.eventually(async () => {
        const p = await pods.get('default', 'pod-adoption');
        return p.metadata!.ownerReferences?.length ? p : undefined;
      });
      assert.deepEqual([adopted.metadata!.ownerReferences![0].kind, adopted.metadata!.ownerReferences![0].name], ['ReplicationController', 'db']);
      // Adopting the orphan meets spec.replicas: no pod is created.
      await env.eventually(async () => (await rcStatus(env, 'db')).replicas === 1);
      assert.deepEqual((await ownedPods(env, 'db')).map((p) => p.metadata!.name), ['pod-adoption']);

      await pods.patch('default', 'pod-adoption', 'merge', { metadata: { labels: { app: 'released' } } });
      await env.eventually(async () => !(await pods.get('default', 'pod-adoption')).metadata!.ownerReferences?.length);
      const replacement = await env.eventually(async () => {
        const p = await ownedPods(env, 'db');
        return p.length === 1 && p[0].metadata!.name !== 'pod-adoption' && p[0];
      });
      assert.match(replacement.metadata!.name!, /^db-/);
    } finally {
      await env.stop();
    }
  });

  test('reports ReplicaFailure while pods are refused, and clears it once within limits', async () => {
    const env = await newEnv();
    try {
      await env.start(replicationController(env.ctx));
      // LimitRanger admission refuses every pod of this template, as a pods quota would.
      await env.clients.resource('limitranges').create({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'small', namespace: 'default' }, spec: { limits: [{ type: 'Container', max: { cpu: '100m' } }] } });
      const rcs = env.clients.resource('replicationcontrollers');
      // The admission plugin's cache sees LimitRange changes a moment later: wait for it each time.
      await env.eventually(async () => await refused(env));
      await rcs.create(rcObj('quota', 2, { resources: { limits: { cpu: '200m' } } }));
      const cond = await env.eventually(async () => (await rcStatus(env, 'quota')).conditions?.find((c) => c.type === 'ReplicaFailure'));
      assert.equal(cond.status, 'True');
      assert.equal(cond.reason, 'FailedCreate');
      assert.match(String(cond.message), /forbidden: maximum cpu usage per Container is 100m, but limit is 200m/);
      const failed = await env.eventually(async () => {
        const e = await events(env, 'FailedCreate');
        return e.length > 0 && e;
      });
      assert.equal(failed[0].type, 'Warning');
      assert.match(String(failed[0].message), /^Error creating: pods .* is forbidden: maximum cpu usage per Container is 100m/);
      assert.equal((await ownedPods(env, 'quota')).length, 0);

      // Lift the limit and scale: creation succeeds and the condition goes away.
      await env.clients.resource('limitranges').delete('default', 'small');
      await env.eventually(async () => !(await refused(env)));
      await rcs.patch('default', 'quota', 'merge', { spec: { replicas: 1 } });
      const st = await env.eventually(async () => {
        const s = await rcStatus(env, 'quota');
        return s.replicas === 1 && !s.conditions && s;
      });
      assert.equal(st.observedGeneration, 2);
      assert.equal((await ownedPods(env, 'quota')).length, 1);
    } finally {
      await env.stop();
    }
  });

  test('[138] an RC over its pods quota reports ReplicaFailure until scaled within it', async () => {
    const env = await newEnv();
    try {
      await env.start(replicationController(env.ctx), resourceQuotaController(env.ctx));
      await env.clients.resource('resourcequotas').create({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'condition-test', namespace: 'default' }, spec: { hard: { pods: '2' } } });
      await env.eventually(async () => ((await env.clients.resource('resourcequotas').get('default', 'condition-test')).status as { hard?: Record<string, string> } | undefined)?.hard?.pods === '2');
      const rcs = env.clients.resource('replicationcontrollers');
      await rcs.create(rcObj('condition-test', 3));
      const cond = await env.eventually(async () => (await rcStatus(env, 'condition-test')).conditions?.find((c) => c.type === 'ReplicaFailure'));
      assert.deepEqual([cond.status, cond.reason], ['True', 'FailedCreate']);
      assert.match(String(cond.message), /exceeded quota: condition-test, requested: pods=1, used: pods=2, limited: pods=2/);
      assert.equal((await ownedPods(env, 'condition-test')).length, 2);
      await rcs.patch('default', 'condition-test', 'merge', { spec: { replicas: 2 } });
      await env.eventually(async () => {
        const s = await rcStatus(env, 'condition-test');
        return s.observedGeneration === 2 && !s.conditions?.some((c) => c.type === 'ReplicaFailure');
      });
    } finally {
      await env.stop();
    }
  });

  test('deleting the RC cascades to its pods (background) or leaves them (orphan)', async () => {
    const env = await newEnv();
    try {
      await env.start(replicationController(env.ctx), garbageCollectorController(env.ctx));
      const rcs = env.clients.resource('replicationcontrollers');
      const pods = env.clients.resource('pods');
      await rcs.create(rcObj('bg', 2));
      await rcs.create(rcObj('or', 2));
      await env.eventually(async () => (await ownedPods(env, 'bg')).length === 2 && (await ownedPods(env, 'or')).length === 2);

      await rcs.delete('default', 'bg', { propagationPolicy: 'Background' });
      await env.eventually(async () => (await pods.list('default')).items.every((p) => p.metadata!.labels?.app !== 'bg'));

      const orphans = (await ownedPods(env, 'or')).map((p) => p.metadata!.name).sort();
      await rcs.delete('default', 'or', { propagationPolicy: 'Orphan' });
      await env.eventually(async () => {
        const left = (await pods.list('default')).items.filter((p) => p.metadata!.labels?.app === 'or');
        return left.length === 2 && left.every((p) => !p.metadata!.ownerReferences?.length) && !(await rcs.list('default')).items.some((r) => r.metadata!.name === 'or');
      });
      assert.deepEqual((await pods.list('default')).items.filter((p) => p.metadata!.labels?.app === 'or').map((p) => p.metadata!.name).sort(), orphans);
    } finally {
      await env.stop();
    }
  });
});

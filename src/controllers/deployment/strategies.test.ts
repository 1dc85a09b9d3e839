// Deployment Recreate, pause/resume, revisionHistoryLimit, scale, progress deadline.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ann, deploy, getD, rolledOut, rsList, st, start, type Obj } from './test-helpers.js';

describe('deployment controller strategies', () => {
  test('Recreate scales old pods to zero before creating new ones', async () => {
    const { env, stopKubelet } = await start();
    try {
      await env.clients.resource('deployments').create(deploy('rc', { replicas: 2, strategy: { type: 'Recreate' } }));
      await env.eventually(async () => rolledOut(await getD(env, 'rc')));
      let overlap = false;
      const podInf = env.ctx.informers.informer('pods');
      const check = () => {
        const hashes = new Set(podInf.list('default').filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.labels!['pod-template-hash']));
        if (hashes.size > 1) overlap = true;
      };
      podInf.addHandler({ add: check, update: check });
      await env.clients.resource('deployments').patch('default', 'rc', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } });
      await env.eventually(async () => {
        const d = await getD(env, 'rc');
        return rolledOut(d) && d.metadata!.generation === 2;
      });
      assert.equal(overlap, false);
      assert.equal((await rsList(env)).length, 2);
    } finally {
      stopKubelet();
      await env.stop();
    }
  });

  test('paused: no rollout, scaling still applies, resume rolls out; history limit cleans up', async () => {
    const { env, stopKubelet } = await start();
    try {
      const dc = env.clients.resource('deployments');
      await dc.create(deploy('p', { replicas: 2, extra: { revisionHistoryLimit: 1 } }));
      await env.eventually(async () => rolledOut(await getD(env, 'p')));
      await dc.patch('default', 'p', 'merge', { spec: { paused: true } });
      await dc.patch('default', 'p', 'strategic', { spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } });
      const paused = await env.eventually(async () => {
        const d = await getD(env, 'p');
        const prog = (st(d).conditions as Obj[] | undefined)?.find((c) => c.type === 'Progressing');
        return prog?.reason === 'DeploymentPaused' && st(d).replicas === 3 && d;
      });
      assert.equal(((st(paused).conditions as Obj[]).find((c) => c.type === 'Progressing') as Obj).message, 'Deployment is paused');
      assert.equal((await rsList(env)).length, 1);
      await dc.patch('default', 'p', 'merge', { spec: { paused: false } });
      await env.eventually(async () => {
        const d = await getD(env, 'p');
        return rolledOut(d) && ann(d, 'deployment.kubernetes.io/revision') === '2';
      });
      // Two more templates: only one old ReplicaSet is kept.
      for (const image of ['nginx:3', 'nginx:4']) {
        await dc.patch('default', 'p', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image }] } } } });
        await env.eventually(async () => {
          const d = await getD(env, 'p');
          return rolledOut(d) && d;
        });
      }
      const left = await env.eventually(async () => {
        const l = await rsList(env);
        return l.length === 2 && l;
      });
      assert.deepEqual(left.map((r) => ann(r, 'deployment.kubernetes.io/revision')).sort(), ['3', '4']);
    } finally {
      stopKubelet();
      await env.stop();
    }
  });

  test('a rollout that makes no progress exceeds its deadline', async () => {
    const { env, stopKubelet } = await start();
    try {
      await env.clients.resource('deployments').create(deploy('stuck', { replicas: 1, image: 'bad', extra: { progressDeadlineSeconds: 1 } }));
      const d = await env.eventually(async () => {
        const x = await getD(env, 'stuck');
        const prog = (st(x).conditions as Obj[] | undefined)?.find((c) => c.type === 'Progressing');
        return prog?.reason === 'ProgressDeadlineExceeded' && x;
      }, 15000);
      const conds = st(d).conditions as Obj[];
      const prog = conds.find((c) => c.type === 'Progressing')!;
      assert.equal(prog.status, 'False');
      assert.match(String(prog.message), /^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
      assert.deepEqual(conds.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasUnavailable');
      assert.equal(st(d).unavailableReplicas, 1);
    } finally {
      stopKubelet();
      await env.stop();
    }
  });
  test('kubectl scale scales the active ReplicaSet, and a settled Deployment is not rewritten', async () => {
    const { env, stopKubelet } = await start();
    try {
      const dc = env.clients.resource('deployments');
      await dc.create(deploy('sc', { replicas: 2 }));
      await env.eventually(async () => rolledOut(await getD(env, 'sc')));
      await dc.patch('default', 'sc', 'merge', { spec: { replicas: 4 } }, { subresource: 'scale' });
      const d = await env.eventually(async () => {
        const x = await getD(env, 'sc');
        return rolledOut(x) && (x.spec as Obj).replicas === 4 && x;
      });
      const [rs] = await rsList(env);
      assert.deepEqual([(rs.spec as Obj).replicas, ann(rs, 'deployment.kubernetes.io/desired-replicas'), ann(rs, 'deployment.kubernetes.io/max-replicas')], [4, '4', '5']);
      await env.eventually(async () => (await env.clients.resource('events').list('default')).items.some((e) => e.message === `Scaled up replica set ${rs.metadata!.name} to 4 from 2`));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await getD(env, 'sc')).metadata!.resourceVersion, d.metadata!.resourceVersion);
    } finally {
      stopKubelet();
      await env.stop();
    }
  });
});

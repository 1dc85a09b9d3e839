// Deployment RollingUpdate end to end in-process: hash-named sets, revisions, surge bounds, rollback.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ann, deploy, getD, rolledOut, rsList, st, start, type Obj } from './test-helpers.js';

describe('deployment controller', () => {
  test('rolls out, rolls to a new image within surge bounds, and rolls back', async () => {
    const { env, stopKubelet } = await start();
    try {
      // Bounds: 4 replicas, 25% -> maxSurge 1, maxUnavailable 1.
      let maxTotal = 0;
      const rsInf = env.ctx.informers.informer('replicasets');
      rsInf.addHandler({ update: () => (maxTotal = Math.max(maxTotal, rsInf.list('default').reduce((n, rs) => n + ((rs.spec as Obj).replicas as number), 0))) });
      let minReady = Infinity;
      let watching = false;
      const podInf = env.ctx.informers.informer('pods');
      const readyCount = () => podInf.list('default').filter((p) => !p.metadata?.deletionTimestamp && ((p.status as Obj | undefined)?.conditions as Obj[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      podInf.addHandler({ update: () => watching && (minReady = Math.min(minReady, readyCount())), delete: () => watching && (minReady = Math.min(minReady, readyCount())) });

      await env.clients.resource('deployments').create(deploy('web', { replicas: 4 }));
      const d1 = await env.eventually(async () => {
        const d = await getD(env, 'web');
        return rolledOut(d) && d;
      });
      const [rs1] = await rsList(env);
      const hash = rs1.metadata!.labels!['pod-template-hash'];
      assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
      assert.equal(rs1.metadata!.name, `web-${hash}`);
      assert.equal(((rs1.spec as Obj).selector as Obj & { matchLabels: Obj }).matchLabels['pod-template-hash'], hash);
      assert.equal(((rs1.spec as Obj).template as { metadata: { labels: Obj } }).metadata.labels['pod-template-hash'], hash);
      assert.deepEqual([ann(rs1, 'deployment.kubernetes.io/revision'), ann(rs1, 'deployment.kubernetes.io/desired-replicas'), ann(rs1, 'deployment.kubernetes.io/max-replicas')], ['1', '4', '5']);
      assert.equal(ann(d1, 'deployment.kubernetes.io/revision'), '1');
      const conds = (st(d1).conditions as Obj[]).map((c) => [c.type, c.status, c.reason, c.message]);
      assert.deepEqual(conds, [
        ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
        ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
      ]);
      assert.deepEqual({ ...st(d1), conditions: undefined }, { observedGeneration: 1, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4, conditions: undefined });
      assert.ok(maxTotal <= 5);

      // kubectl set image (strategic merge patch) with a change-cause.
      watching = true;
      await env.clients.resource('deployments').patch('default', 'web', 'strategic', { metadata: { annotations: { 'kubernetes.io/change-cause': 'set image v2' } }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } });
      const d2 = await env.eventually(async () => {
        const d = await getD(env, 'web');
        return rolledOut(d) && d.metadata!.generation === 2 && d;
      });
      watching = false;
      assert.ok(maxTotal <= 5, `surge bound broken: ${maxTotal}`);
      assert.ok(minReady >= 3, `availability bound broken: ${minReady}`);
      assert.equal(ann(d2, 'deployment.kubernetes.io/revision'), '2');
      const rss = await rsList(env);
      assert.equal(rss.length, 2);
      const rs2 = rss.find((r) => r.metadata!.name !== rs1.metadata!.name)!;
      assert.deepEqual([ann(rs2, 'deployment.kubernetes.io/revision'), ann(rs2, 'kubernetes.io/change-cause'), (rs2.spec as Obj).replicas], ['2', 'set image v2', 4]);
      assert.equal((rss.find((r) => r.metadata!.name === rs1.metadata!.name)!.spec as Obj).replicas, 0);
      const events = (await env.clients.resource('events').list('default')).items.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
      assert.ok(events.includes(`Scaled up replica set web-${hash} to 4 from 0`), String(events));
      assert.ok(events.includes(`Scaled up replica set ${rs2.metadata!.name} to 1 from 0`), String(events));
      assert.ok(events.some((m) => /^Scaled down replica set web-\w+ to [23] from 4$/.test(String(m))), String(events));

      // kubectl rollout undo: a JSON patch of the template (old RS's, minus the hash) and annotations.
      const oldTemplate = structuredClone((rs1.spec as Obj).template as { metadata: { labels: Obj } });
      delete oldTemplate.metadata.labels['pod-template-hash'];
      await env.clients.resource('deployments').patch('default', 'web', 'json', [
        { op: 'replace', path: '/spec/template', value: oldTemplate },
        { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
      ]);
      const d3 = await env.eventually(async () => {
        const d = await getD(env, 'web');
        return rolledOut(d) && d.metadata!.generation === 3 && ann(d, 'deployment.kubernetes.io/revision') === '3' && d;
      });
      const back = (await rsList(env)).find((r) => r.metadata!.name === rs1.metadata!.name)!;
      assert.deepEqual([ann(back, 'deployment.kubernetes.io/revision'), ann(back, 'deployment.kubernetes.io/revision-history'), (back.spec as Obj).replicas], ['3', '1', 4]);
      assert.equal(((st(d3).conditions as Obj[])[1] as Obj).reason, 'NewReplicaSetAvailable');
    } finally {
      stopKubelet();
      await env.stop();
    }
  });

});

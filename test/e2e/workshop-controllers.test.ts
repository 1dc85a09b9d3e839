// Workshop sections 3 and 5 on simulated nodes, driven by the real kubectl: the cluster keeps
// converging on what was declared (ReplicaSet, Job, Deployment rollouts, undo, scale,
// StatefulSet, DaemonSet, CronJob, cascading deletion).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BIN, Cluster, eventually, ROOT } from './harness.js';

const KUBE = join(ROOT, '..', 'shared', 'workshop', 'kube');
const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

describe('workshop sections 3 and 5 on simulated nodes', () => {
  const c = new Cluster(['--simulated-nodes', '3', '--lease-duration-seconds', '4', '--simulated-failing-images', 'akalipetis/headers-does-not-exist']);
  before(() => c.start());
  after(() => c.cleanup());

  const running = async (selector: string) => (await c.ok(['get', 'pods', '-l', selector, '--field-selector', 'status.phase=Running', '-o', 'name'])).trim().split('\n').filter(Boolean);

  test('three simulated nodes register and are Ready', async () => {
    await eventually('3 Ready nodes', async () => (await c.ok(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => /\sReady\s/.test(l)).length === 3, 30_000);
  });

  test('a ReplicaSet keeps three pods; a deleted pod is replaced', async () => {
    assert.match(await c.ok(['apply', '-f', join(KUBE, 'replicaset-demo.yml')]), /replicaset.apps\/demo-replicaset created/);
    await eventually('3 running pods', async () => (await running('app=replicaset-demo')).length === 3, 30_000);
    const pods = await running('app=replicaset-demo');
    for (const p of pods) assert.match(p, /^pod\/demo-replicaset-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.match(await c.ok(['delete', pods[0]]), /deleted/);
    await eventually('a replacement pod', async () => {
      const now = await running('app=replicaset-demo');
      return now.length === 3 && !now.includes(pods[0]);
    }, 30_000);
    // The ReplicaSet's status (READY) is written after its pods' status.
    const rs = await eventually('the ReplicaSet 3/3/3', async () => {
      const r = rows(await c.ok(['get', 'rs', 'demo-replicaset']));
      return r[1].slice(0, 4).join() === 'demo-replicaset,3,3,3' && r;
    }, 15_000).catch(async () => rows(await c.ok(['get', 'rs', 'demo-replicaset'])));
    assert.deepEqual(rs[1].slice(0, 4), ['demo-replicaset', '3', '3', '3']);
  });

  test('the Job completes and kubectl wait returns', async () => {
    await c.ok(['apply', '-f', join(KUBE, 'job-demo.yml')]);
    const out = await c.ok(['wait', '--for=condition=complete', 'job/demo-job', '--timeout=60s']);
    assert.equal(out.trim(), 'job.batch/demo-job condition met');
    assert.match(await c.ok(['get', 'job', 'demo-job']), /demo-job\s+Complete\s+1\/1/);
  });

  test('a Deployment rolls out, updates, gets stuck on a bad image, is undone and scaled', async () => {
    await c.ok(['apply', '-f', join(KUBE, 'deployment-demo.yml')]);
    assert.match(await c.ok(['rollout', 'status', 'deployment', 'demo-deployment', '--timeout=60s']), /deployment "demo-deployment" successfully rolled out/);
    assert.match(await c.ok(['get', 'svc', 'demo-deployment-svc']), /NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP/);
    assert.equal((await c.ok(['set', 'image', 'deployment', 'demo-deployment', 'web=akalipetis/headers:v2'])).trim(), 'deployment.apps/demo-deployment image updated');
    assert.match(await c.ok(['rollout', 'status', 'deployment', 'demo-deployment', '--timeout=60s']), /successfully rolled out/);
    await c.ok(['set', 'image', 'deployment', 'demo-deployment', 'web=akalipetis/headers-does-not-exist']);
    const stuck = await c.kubectl(['rollout', 'status', 'deployment', 'demo-deployment', '--timeout=5s']);
    assert.notEqual(stuck.code, 0);
    assert.match(stuck.stdout + stuck.stderr, /Waiting for deployment "demo-deployment" rollout to finish: 1 out of 3 new replicas have been updated/);
    await eventually('ErrImagePull', async () => /ErrImagePull|ImagePullBackOff/.test(await c.ok(['get', 'pods', '-l', 'app=demo-deployment'])), 30_000);
    assert.equal((await running('app=demo-deployment')).length >= 3, true, 'old pods keep serving');
    const history = await c.ok(['rollout', 'history', 'deployment', 'demo-deployment']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n3\s+<none>/);
    assert.equal((await c.ok(['rollout', 'undo', 'deployment', 'demo-deployment'])).trim(), 'deployment.apps/demo-deployment rolled back');
    assert.match(await c.ok(['rollout', 'status', 'deployment', 'demo-deployment', '--timeout=60s']), /successfully rolled out/);
    assert.equal((await c.ok(['rollout', 'undo', 'deployment', 'demo-deployment', '--to-revision=1'])).trim(), 'deployment.apps/demo-deployment rolled back');
    assert.match(await c.ok(['rollout', 'status', 'deployment', 'demo-deployment', '--timeout=60s']), /successfully rolled out/);
    assert.equal(await c.ok(['get', 'deploy', 'demo-deployment', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'akalipetis/headers');
    assert.equal((await c.ok(['scale', 'deployment', 'demo-deployment', '--replicas=5'])).trim(), 'deployment.apps/demo-deployment scaled');
    await eventually('5 pods', async () => (await running('app=demo-deployment')).length === 5, 30_000);
    await c.ok(['scale', 'deployment', 'demo-deployment', '--replicas=2']);
    await eventually('2 pods', async () => (await c.ok(['get', 'pods', '-l', 'app=demo-deployment', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2, 30_000);
  });

  test('deleting a Deployment deletes its ReplicaSets and pods', async () => {
    await c.ok(['delete', 'deployment', 'demo-deployment']);
    await eventually('cascading deletion', async () => (await c.ok(['get', 'rs,pods', '-l', 'app=demo-deployment', '-o', 'name'])).trim() === '', 30_000);
  });

  test('deleting a namespace deletes everything in it, then the namespace', async () => {
    await c.ok(['create', 'namespace', 'scratch']);
    await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '-n', 'scratch']);
    await eventually('pods in scratch', async () => (await c.ok(['get', 'pods', '-n', 'scratch', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2, 30_000);
    assert.match(await c.ok(['delete', 'namespace', 'scratch', '--timeout=60s']), /namespace "scratch" deleted/);
    const r = await c.kubectl(['get', 'namespace', 'scratch']);
    assert.match(r.stderr, /namespaces "scratch" not found/);
  });

  test('simulated nodes can be added to a running cluster', async () => {
    const proc = spawn(BIN, ['simulated-nodes', '--kubeconfig', c.kubeconfig, '--count', '1', '--name-prefix', 'extra-', '--log-level', 'warn'], { stdio: 'ignore' });
    try {
      await eventually('the added node', async () => /^extra-0\s+Ready\s/m.test(await c.ok(['get', 'nodes', '--no-headers'])), 30_000);
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

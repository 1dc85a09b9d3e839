// Convergence under faults: SIGKILL the server in the middle of a 100-replica rollout, restart
// it, and the rollout completes with exactly the declared pods, none duplicated or orphaned.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './harness.js';

const c = new Cluster(['--simulated-nodes', '5', '--lease-duration-seconds', '3']);
after(() => c.cleanup());

interface Pod {
  metadata: { name: string; labels: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[]; deletionTimestamp?: string };
  status?: { phase?: string };
}

test('a rollout interrupted by SIGKILL completes with exactly the declared pods', { timeout: 240_000 }, async () => {
  await c.start();
  await c.ok(['create', 'deployment', 'big', '--image=nginx:1.26', '--replicas=100']);
  assert.match(await c.ok(['rollout', 'status', 'deployment/big', '--timeout=120s']), /successfully rolled out/);
  await c.ok(['set', 'image', 'deployment/big', 'nginx=nginx:1.27']);
  await new Promise((r) => setTimeout(r, 1500)); // mid-rollout
  await c.kill('SIGKILL');
  await c.start();
  assert.match(await c.ok(['rollout', 'status', 'deployment/big', '--timeout=180s']), /successfully rolled out/);

  // Settled: the old ReplicaSet is at 0, pods being deleted are gone.
  const deadline = Date.now() + 60_000;
  let pods: Pod[] = [];
  for (;;) {
    pods = (JSON.parse(await c.ok(['get', 'pods', '-l', 'app=big', '-o', 'json'])) as { items: Pod[] }).items;
    if (pods.length === 100 && pods.every((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running')) break;
    if (Date.now() > deadline) throw new Error(`pods did not settle: ${pods.length}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const rs = (JSON.parse(await c.ok(['get', 'rs', '-l', 'app=big', '-o', 'json'])) as { items: { metadata: { name: string; labels: Record<string, string> }; spec: { replicas: number } }[] }).items;
  assert.equal(rs.length, 2, 'one ReplicaSet per template');
  const current = rs.find((r) => r.spec.replicas === 100)!;
  assert.ok(current, 'the new ReplicaSet holds all replicas');
  assert.equal(rs.find((r) => r !== current)!.spec.replicas, 0);
  const hash = current.metadata.labels['pod-template-hash'];
  for (const p of pods) {
    assert.equal(p.metadata.labels['pod-template-hash'], hash, `${p.metadata.name} runs the new template`);
    const owners = (p.metadata.ownerReferences ?? []).filter((o) => o.controller);
    assert.deepEqual(owners.map((o) => [o.kind, o.name]), [['ReplicaSet', current.metadata.name]], `${p.metadata.name} has exactly one controller`);
  }
  assert.equal(new Set(pods.map((p) => p.metadata.name)).size, 100);
  assert.equal(await c.ok(['get', 'deploy', 'big', '-o', 'jsonpath={.status.availableReplicas}/{.status.updatedReplicas}/{.status.replicas}']), '100/100/100');
});

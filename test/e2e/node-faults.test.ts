// Faults on a node that runs real pods: the agent (here, the whole server) is SIGKILLed while 20
// pods run and adopts the same containers on restart, none duplicated or lost; a container whose
// process is killed is restarted and its restartCount grows.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Cluster, eventually } from './harness.js';

describe('node agent faults', () => {
  const c = new Cluster([], undefined, { agent: true, images: true });
  before(() => c.start());
  after(() => c.cleanup());

  /** pod name → containerID of its (only) container, for pods that are Running. */
  const containers = async (): Promise<Map<string, string>> => {
    const out = await c.ok(['get', 'pods', '-l', 'app=many', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[0].containerID}{"\\n"}{end}']);
    const m = new Map<string, string>();
    for (const line of out.trim().split('\n').filter(Boolean)) {
      const [name, phase, id] = line.split(' ');
      if (phase === 'Running' && id) m.set(name, id);
    }
    return m;
  };
  // The agent's runc state for this data dir (names derive from it; see src/roles/agent.ts).
  const runcRoot = () => `/run/k8ts/${createHash('sha256').update(resolve(c.dataDir)).digest('hex').slice(0, 6)}/runc`;
  const runcIds = () => (JSON.parse(execFileSync('runc', ['--root', runcRoot(), 'list', '--format', 'json'], { encoding: 'utf8' }) || '[]') as { id: string; status: string }[]).filter((r) => r.status === 'running').map((r) => r.id).sort();

  test('SIGKILL of the agent with 20 pods running: the same containers are adopted', async () => {
    await c.ok(['create', 'deployment', 'many', '--image=busybox', '--replicas=20', '--', 'sleep', '3600']);
    const before = await eventually('20 running pods', async () => {
      const m = await containers();
      return m.size === 20 && m;
    });
    const runningBefore = runcIds();
    assert.equal(runningBefore.length, 20);
    await c.kill('SIGKILL');
    // Pods outlive the agent.
    assert.deepEqual(runcIds(), runningBefore);
    await c.start();
    // Wait for the restarted agent to sync every pod, then compare.
    await eventually('every pod synced with a Ready node', async () => / Ready /.test(await c.ok(['get', 'nodes', '--no-headers'])));
    const same = (m: Map<string, string>) => JSON.stringify([...m.entries()].sort()) === JSON.stringify([...before.entries()].sort());
    await eventually('every pod Running with its old container', async () => same(await containers()), 30_000).catch(() => undefined);
    const after = await containers();
    assert.deepEqual([...after.entries()].sort(), [...before.entries()].sort());
    assert.deepEqual(runcIds(), runningBefore);
    const restarts = await c.ok(['get', 'pods', '-l', 'app=many', '-o', 'jsonpath={.items[*].status.containerStatuses[0].restartCount}']);
    assert.deepEqual(new Set(restarts.trim().split(' ')), new Set(['0']));
  });

  test('a killed container process is restarted and restartCount grows', async () => {
    const [name, id] = [...(await containers()).entries()][0];
    const cid = id.replace(/^runc:\/\//, '');
    const state = JSON.parse(execFileSync('runc', ['--root', runcRoot(), 'state', cid], { encoding: 'utf8' })) as { pid: number };
    process.kill(state.pid, 'SIGKILL');
    await eventually('restartCount 1', async () => (await c.ok(['get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])) === '1');
    const now = await containers();
    await eventually('running again with a new container', async () => {
      const m = await containers();
      return m.get(name) && m.get(name) !== id;
    });
    assert.equal(now.size >= 19, true);
    assert.equal(await c.ok(['get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}']), '137');
    assert.equal(runcIds().length, 20);
  });
});

// The controller manager and scheduler on their own, against one API server: one leads, a
// second stays idle while the first holds the Lease, and takes over once the first is killed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, Cluster } from './harness.js';

// Long enough that a leader starved of CPU on a loaded 2-core machine still renews in time
// (renew deadline 2/3 of it, retries every 1/7.5).
const LEASE_SECONDS = 6;

function component(name: 'controller-manager' | 'scheduler', kubeconfig: string) {
  const proc = spawn(BIN, [name, '--kubeconfig', kubeconfig, '--lease-duration-seconds', String(LEASE_SECONDS), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, leading: () => /is leading/.test(out), output: () => out };
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: () => string = () => ''): Promise<number> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

function kill(p: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill(signal);
  });
}

describe('leader election of standalone components', () => {
  const c = new Cluster(['--disable-controller-manager', '--disable-scheduler', '--simulated-nodes', '2']);
  const procs: ChildProcess[] = [];
  before(() => c.start());
  after(async () => {
    for (const p of procs) await kill(p);
    await c.cleanup();
  });

  test('without a controller manager nothing reconciles; a standalone one does', async () => {
    await c.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await c.ok(['get', 'rs', '-o', 'name'])).trim(), '', 'no controller runs in the server');
    const cm1 = component('controller-manager', c.kubeconfig);
    const sched = component('scheduler', c.kubeconfig);
    procs.push(cm1.proc, sched.proc);
    await until(() => cm1.leading() && sched.leading(), 20_000, () => `waiting for leaders:\n${cm1.output()}\n${sched.output()}`);
    await until(async () => (await c.ok(['get', 'pods', '-l', 'app=web', '--field-selector', 'status.phase=Running', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2, 30_000);

    const cm2 = component('controller-manager', c.kubeconfig);
    procs.push(cm2.proc);
    // Longer than a lease plus a retry: were the first not renewing, the second would lead by then.
    await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 * 1.5));
    assert.equal(cm2.leading(), false, `the second stays idle while the first renews:\n${cm2.output()}`);
    const holder1 = await c.ok(['get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}']);

    await kill(cm1.proc);
    const took = await until(() => cm2.leading(), LEASE_SECONDS * 1000 * 3);
    assert.ok(took <= LEASE_SECONDS * 1000 * 2, `took over within about the lease duration (${took} ms)`);
    const holder2 = await c.ok(['get', 'lease', '-n', 'kube-system', 'kube-controller-manager', '-o', 'jsonpath={.spec.holderIdentity}']);
    assert.notEqual(holder2, holder1);
    // The new leader reconciles: a Deployment created now gets its ReplicaSet.
    await c.ok(['create', 'deployment', 'after', '--image=nginx', '--replicas=1']);
    await until(async () => /^replicaset\.apps\/after-[a-z0-9]+$/m.test(await c.ok(['get', 'rs', '-l', 'app=after', '-o', 'name'])), 20_000, () => 'a ReplicaSet from the new leader');
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../framework/testing.js';
import { nodeLifecycleController } from './index.js';
import { FakeClock } from '../../client/fake-clock.js';
import { createNode, createPod, setPodRunning } from '../endpoints/testing.js';
import type { ClientSet } from '../../client/clientset.js';
import type { KubeObject } from '../../api/object.js';

const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
type Cond = { type: string; status: string; reason?: string; message?: string };
type Taint = { key: string; effect: string; timeAdded?: string };
const conds = (o: KubeObject) => ((o.status as { conditions?: Cond[] }).conditions ?? []);
const taints = (o: KubeObject) => ((o.spec as { taints?: Taint[] }).taints ?? []);

async function renew(c: ClientSet, node: string, at: number): Promise<void> {
  const leases = c.resource('leases');
  const spec = { holderIdentity: node, leaseDurationSeconds: 40, renewTime: micro(at) };
  try {
    const l = await leases.get('kube-node-lease', node);
    await leases.update({ ...l, spec });
  } catch {
    await leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: node, namespace: 'kube-node-lease' }, spec });
  }
}

describe('node lifecycle controller', () => {
  test('a node whose lease stops is Unknown, tainted, and its pods evicted after tolerationSeconds', async () => {
    const clock = new FakeClock();
    const env = await controllerTestEnv({ clock });
    await env.start(nodeLifecycleController(env.ctx, { nodeMonitorPeriodMs: 1000, nodeMonitorGracePeriodMs: 5000 }));
    try {
      const c = env.clients;
      const nodes = c.resource('nodes');
      const pods = c.resource('pods');
      await createNode(c, 'n1', { ready: true });
      await renew(c, 'n1', clock.now());
      const tol = (seconds?: number) => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });
      await createPod(c, 'short', { nodeName: 'n1', tolerations: [tol(30)] });
      await createPod(c, 'forever', { nodeName: 'n1', tolerations: [tol()] });
      await createPod(c, 'zero', { nodeName: 'n1', tolerations: [tol(0)] });
      // The API server's DefaultTolerationSeconds gives this one 300 s.
      await createPod(c, 'dflt', { nodeName: 'n1' });
      for (const [i, p] of ['short', 'forever', 'zero', 'dflt'].entries()) await setPodRunning(c, 'default', p, `10.42.0.${i + 2}`, true);

      // While the lease is renewed the node stays Ready, well past the grace period.
      // The controller times a renewal from when its informer sees it: wait for that before the clock moves.
      const leaseSeen = (at: number) => (env.ctx.informers.informer('leases').getByName('kube-node-lease', 'n1')?.spec as { renewTime?: string } | undefined)?.renewTime === micro(at);
      for (let i = 0; i < 12; i++) {
        const at = clock.now();
        await renew(c, 'n1', at);
        await env.eventually(() => leaseSeen(at));
        await new Promise((r) => setTimeout(r, 20));
        clock.advance(1000);
      }
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(conds(await nodes.get(undefined, 'n1')).find((x) => x.type === 'Ready')?.status, 'True');

      // Silence: Ready turns Unknown, with the upstream reason and message.
      const unknown = await env.eventually(async () => {
        clock.advance(1000);
        const n = await nodes.get(undefined, 'n1');
        const ready = conds(n).find((x) => x.type === 'Ready');
        return ready?.status === 'Unknown' && taints(n).length === 2 ? n : undefined;
      });
      const ready = conds(unknown).find((x) => x.type === 'Ready')!;
      assert.equal(ready.reason, 'NodeStatusUnknown');
      assert.equal(ready.message, 'Kubelet stopped posting node status.');
      assert.equal(conds(unknown).find((x) => x.type === 'MemoryPressure')?.reason, 'NodeStatusNeverUpdated');
      assert.deepEqual(taints(unknown).map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
      assert.ok(taints(unknown).find((t) => t.effect === 'NoExecute')?.timeAdded);

      // Pods are marked not ready; the one tolerating for 0 s goes at once.
      await env.eventually(async () => conds(await pods.get('default', 'forever')).find((x) => x.type === 'Ready')?.status === 'False');
      await env.eventually(async () => {
        try {
          return Boolean((await pods.get('default', 'zero')).metadata?.deletionTimestamp);
        } catch {
          return true;
        }
      });
      const short0 = await pods.get('default', 'short');
      assert.equal(short0.metadata?.deletionTimestamp, undefined);
      clock.advance(28_000);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await pods.get('default', 'short')).metadata?.deletionTimestamp, undefined);
      clock.advance(3_000);
      const evicted = await env.eventually(async () => {
        const p = await pods.get('default', 'short');
        return p.metadata?.deletionTimestamp ? p : undefined;
      });
      assert.equal(conds(evicted).find((x) => x.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
      assert.equal((await pods.get('default', 'forever')).metadata?.deletionTimestamp, undefined);
      assert.equal((await pods.get('default', 'dflt')).metadata?.deletionTimestamp, undefined);
      clock.advance(270_000);
      await env.eventually(async () => Boolean((await pods.get('default', 'dflt')).metadata?.deletionTimestamp));
      assert.equal((await pods.get('default', 'forever')).metadata?.deletionTimestamp, undefined);

      // The kubelet comes back: Ready again, taints gone.
      const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      await nodes.patch(undefined, 'n1', 'strategic', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } }, { subresource: 'status' });
      await renew(c, 'n1', clock.now());
      await env.eventually(async () => {
        clock.advance(500);
        return taints(await nodes.get(undefined, 'n1')).length === 0;
      });
      const wanted = ['RegisteredNode: Node n1 event: Registered Node n1 in Controller', 'NodeNotReady: Node n1 status is now: NodeNotReady', 'TaintManagerEviction: Marking for deletion Pod default/short'];
      let events: string[] = [];
      await env.eventually(async () => {
        events = (await c.resource('events').list('default')).items.map((e) => `${e.reason as string}: ${e.message as string}`);
        return wanted.every((w) => events.includes(w));
      }).catch(() => assert.fail(`events lack one of ${wanted.join(', ')}:\n${events.join('\n')}`));
    } finally {
      await env.stop();
    }
  });

  test('a node reporting Ready=False gets the not-ready taints; unschedulable gets its taint', async () => {
    const env = await controllerTestEnv();
    await env.start(nodeLifecycleController(env.ctx, { nodeMonitorPeriodMs: 20, taintEviction: false }));
    try {
      const c = env.clients;
      await createNode(c, 'bad', { ready: false });
      await c.resource('nodes').patch(undefined, 'bad', 'merge', { spec: { unschedulable: true } });
      const n = await env.eventually(async () => {
        const n = await c.resource('nodes').get(undefined, 'bad');
        return taints(n).length === 3 ? n : undefined;
      });
      assert.deepEqual(taints(n).map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule']);
    } finally {
      await env.stop();
    }
  });
});

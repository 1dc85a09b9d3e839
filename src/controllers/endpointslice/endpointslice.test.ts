import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../framework/testing.js';
import { endpointSliceController } from './index.js';
import { createNode, createPod, setPodRunning } from '../endpoints/testing.js';
import type { KubeObject } from '../../api/object.js';

type Ep = { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; nodeName?: string; zone?: string; targetRef?: { name?: string } };

describe('endpointslice controller', () => {
  test('publishes pods with conditions, resolved ports, labels and owner', async () => {
    const env = await controllerTestEnv();
    await env.start(endpointSliceController(env.ctx, { maxEndpointsPerSlice: 2 }));
    try {
      const c = env.clients;
      await createNode(c, 'n1', { labels: { 'topology.kubernetes.io/zone': 'z1' } });
      const svc = await c.resource('services').create({
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
      });
      const slicesOf = async () => (await c.resource('endpointslices').list('default', { labelSelector: 'kubernetes.io/service-name=web' })).items;
      // A placeholder first: no endpoints, no ports.
      const placeholder = await env.eventually(async () => (await slicesOf())[0]);
      assert.deepEqual(placeholder.endpoints ?? [], []);
      assert.match(placeholder.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
      assert.equal(placeholder.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
      assert.equal(placeholder.metadata?.labels?.tier, 'front');
      assert.deepEqual(placeholder.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);

      for (const [i, port] of [[1, 8080], [2, 8080], [3, 8080], [4, 9090]] as const) {
        await createPod(c, `p${i}`, { labels: { app: 'web' }, nodeName: 'n1', ports: [{ name: 'web', containerPort: port }] });
        await setPodRunning(c, 'default', `p${i}`, `10.42.0.${i}`, i !== 2);
      }
      // 3 pods on 8080 (max 2 a slice) and 1 on 9090: three slices, the placeholder reused.
      const all = await env.eventually(async () => {
        const s = await slicesOf();
        const n = s.reduce((acc, x) => acc + ((x.endpoints as Ep[] | null)?.length ?? 0), 0);
        return s.length === 3 && n === 4 ? s : undefined;
      });
      assert.ok(all.some((s) => s.metadata?.name === placeholder.metadata?.name));
      const byPort = (port: number) => all.filter((s) => (s.ports as { port: number }[])[0]?.port === port);
      assert.equal(byPort(8080).length, 2);
      assert.equal(byPort(9090).length, 1);
      const eps = all.flatMap((s) => s.endpoints as Ep[]);
      const p2 = eps.find((e) => e.targetRef?.name === 'p2')!;
      assert.deepEqual(p2.conditions, { ready: false, serving: false, terminating: false });
      assert.equal(p2.nodeName, 'n1');
      assert.equal(p2.zone, 'z1');
      assert.deepEqual(byPort(9090)[0]!.ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
      assert.equal(all[0]!.addressType, 'IPv4');

      // Readiness follows.
      await setPodRunning(c, 'default', 'p2', '10.42.0.2', true);
      await env.eventually(async () => (await slicesOf()).flatMap((s) => s.endpoints as Ep[]).find((e) => e.targetRef?.name === 'p2')?.conditions.ready);
    } finally {
      await env.stop();
    }
  });

  test('pods on unknown nodes are left out until the node exists', async () => {
    const env = await controllerTestEnv();
    await env.start(endpointSliceController(env.ctx));
    try {
      const c = env.clients;
      await c.resource('services').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 's' }, ports: [{ port: 80 }] } });
      await createPod(c, 'x', { labels: { app: 's' }, nodeName: 'late' });
      await setPodRunning(c, 'default', 'x', '10.42.1.1', true);
      const list = async (): Promise<KubeObject[]> => (await c.resource('endpointslices').list('default', { labelSelector: 'kubernetes.io/service-name=s' })).items;
      await env.eventually(async () => (await list()).length === 1);
      assert.deepEqual((await list())[0]!.endpoints ?? [], []);
      await createNode(c, 'late');
      await env.eventually(async () => ((await list())[0]?.endpoints as Ep[] | null)?.length === 1);
      assert.equal((await list()).length, 1);
    } finally {
      await env.stop();
    }
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../framework/testing.js';
import { endpointsController } from './index.js';
import { createPod, setPodRunning } from './testing.js';
import type { KubeObject } from '../../api/object.js';

type Subset = { addresses?: { ip: string; nodeName?: string; targetRef?: { name?: string } }[]; notReadyAddresses?: { ip: string }[]; ports?: { name?: string; port: number }[] };

describe('endpoints controller', () => {
  test('follows readiness and resolves named ports per pod', async () => {
    const env = await controllerTestEnv();
    await env.start(endpointsController(env.ctx));
    try {
      const c = env.clients;
      await c.resource('services').create({
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9090, targetPort: 9090 }] },
      });
      // Two pods name port "web" differently.
      await createPod(c, 'a', { labels: { app: 'web' }, ports: [{ name: 'web', containerPort: 8080 }] });
      await createPod(c, 'b', { labels: { app: 'web' }, ports: [{ name: 'web', containerPort: 8081 }] });
      await createPod(c, 'other', { labels: { app: 'db' } });
      await createPod(c, 'noip', { labels: { app: 'web' }, ports: [{ name: 'web', containerPort: 8080 }] });
      await setPodRunning(c, 'default', 'a', '10.42.0.5', true);
      await setPodRunning(c, 'default', 'b', '10.42.0.6', false);

      const eps = c.resource('endpoints');
      const subsetsOf = async () => ((await eps.get('default', 'web')).subsets ?? []) as Subset[];
      // Ports are grouped by the addresses offering them: a's http, b's http, and the shared metrics port.
      const got = await env.eventually(async () => {
        const s = await subsetsOf();
        return s.length === 3 ? s : undefined;
      });
      const summary = got.map((s) => `${(s.addresses ?? []).map((a) => a.ip).join(',')}|${(s.notReadyAddresses ?? []).map((a) => a.ip).join(',')}|${(s.ports ?? []).map((p) => `${p.name}:${p.port}`).join(',')}`).sort();
      assert.deepEqual(summary, ['10.42.0.5|10.42.0.6|metrics:9090', '10.42.0.5||http:8080', '|10.42.0.6|http:8081']);
      assert.equal(got.find((s) => s.ports?.[0]?.port === 8080)?.addresses?.[0]?.targetRef?.name, 'a');
      const ep = await eps.get('default', 'web');
      assert.equal(ep.metadata?.labels?.app, 'web');
      assert.ok(ep.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);

      // b becomes ready, a not ready.
      await setPodRunning(c, 'default', 'b', '10.42.0.6', true);
      await setPodRunning(c, 'default', 'a', '10.42.0.5', false);
      await env.eventually(async () => {
        const s = await subsetsOf();
        return s.some((x) => x.addresses?.[0]?.ip === '10.42.0.6' && x.ports?.[0]?.port === 8081) && s.some((x) => x.notReadyAddresses?.[0]?.ip === '10.42.0.5' && x.ports?.[0]?.port === 8080);
      });

      // A deleted pod leaves; a deleted service takes its endpoints along.
      await c.resource('pods').delete('default', 'a', { gracePeriodSeconds: 0 });
      await env.eventually(async () => {
        const s = await subsetsOf();
        return s.length === 1 && s[0]!.ports?.length === 2 && s[0]!.addresses?.length === 1 && s[0]!.addresses[0]!.ip === '10.42.0.6';
      });
      await c.resource('services').delete('default', 'web');
      await env.eventually(async () => {
        try {
          await eps.get('default', 'web');
          return false;
        } catch {
          return true;
        }
      });
    } finally {
      await env.stop();
    }
  });

  test('leaves selector-less services and the kubernetes endpoints alone', async () => {
    const env = await controllerTestEnv();
    await env.start(endpointsController(env.ctx));
    try {
      const c = env.clients;
      await c.resource('services').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
      const manual: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }], ports: [{ port: 80, protocol: 'TCP' }] }] };
      await c.resource('endpoints').create(manual);
      const before = await c.resource('endpoints').get('default', 'kubernetes');
      await c.resource('services').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'sel', namespace: 'default' }, spec: { selector: { x: 'y' }, ports: [{ port: 80 }] } });
      // Once the selector service is synced, the others have been looked at too.
      await env.eventually(async () => (await c.resource('endpoints').get('default', 'sel')).metadata?.name === 'sel');
      const ext = await c.resource('endpoints').get('default', 'ext');
      assert.deepEqual((ext.subsets as Subset[])[0]!.addresses, [{ ip: '192.168.1.1' }]);
      const after = await c.resource('endpoints').get('default', 'kubernetes');
      assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
    } finally {
      await env.stop();
    }
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { endpointSliceController } from '../endpointslice/index.js';
import { endpointSliceMirroringController } from './index.js';
import type { KubeObject } from '../../api/object.js';

const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

async function setup(): Promise<ControllerTestEnv> {
  const env = await controllerTestEnv();
  // The EndpointSlice controller runs too: each must leave the other's slices alone.
  await env.start(endpointSliceMirroringController(env.ctx), endpointSliceController(env.ctx));
  return env;
}
const slicesOf = async (env: ControllerTestEnv, svc: string): Promise<KubeObject[]> =>
  (await env.clients.resource('endpointslices').list('default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items;
const service = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'example', port: 80 }], ...spec } });
const endpoints = (name: string, ip: string, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name, namespace: 'default', ...meta },
  subsets: [{ ports: [{ name: 'example', port: 8080 }], addresses: [{ ip, nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1' } }], notReadyAddresses: [{ ip: '10.1.2.9' }] }],
});
type Ep = { addresses: string[]; conditions: Record<string, boolean>; nodeName?: string; targetRef?: { name?: string } };

describe('endpointslice mirroring controller', () => {
  test('mirrors a selectorless service\'s Endpoints through create, update and delete (row 191)', async () => {
    const env = await setup();
    try {
      const c = env.clients;
      await c.resource('services').create(service('custom'));
      const ep = await c.resource('endpoints').create(endpoints('custom', '10.1.2.3', { labels: { team: 'net' }, annotations: { note: 'kept' } }));
      const [slice] = await env.eventually(async () => {
        const s = await slicesOf(env, 'custom');
        return s.length === 1 ? s : undefined;
      });
      assert.match(slice!.metadata?.name ?? '', /^custom-[a-z0-9]{5}$/);
      assert.deepEqual(slice!.metadata?.labels, { team: 'net', 'kubernetes.io/service-name': 'custom', [MANAGED_BY]: 'endpointslicemirroring-controller.k8s.io' });
      assert.deepEqual(slice!.metadata?.annotations, { note: 'kept' });
      assert.deepEqual(slice!.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'custom', uid: ep.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(slice!.addressType, 'IPv4');
      assert.deepEqual(slice!.ports, [{ name: 'example', port: 8080, protocol: 'TCP' }]);
      const eps = slice!.endpoints as Ep[];
      assert.deepEqual(eps.map((e) => [e.addresses, e.conditions]).sort(), [[['10.1.2.3'], { ready: true }], [['10.1.2.9'], { ready: false }]]);
      const first = eps.find((e) => e.addresses[0] === '10.1.2.3')!;
      assert.equal(first.nodeName, 'n1');
      assert.equal(first.targetRef?.name, 'p1');

      // Update: the slice follows, under the same name.
      const cur = await c.resource('endpoints').get('default', 'custom');
      await c.resource('endpoints').update({ ...cur, subsets: [{ ports: [{ name: 'example', port: 8080 }], addresses: [{ ip: '10.2.3.4' }] }] });
      const updated = await env.eventually(async () => {
        const s = await slicesOf(env, 'custom');
        return s.length === 1 && (s[0]!.endpoints as Ep[]).length === 1 && (s[0]!.endpoints as Ep[])[0]!.addresses[0] === '10.2.3.4' ? s[0] : undefined;
      });
      assert.equal(updated!.metadata?.name, slice!.metadata?.name);

      // Delete: the slice goes.
      await c.resource('endpoints').delete('default', 'custom');
      await env.eventually(async () => (await slicesOf(env, 'custom')).length === 0);
    } finally {
      await env.stop();
    }
  });

  test('skip-mirror, a selector or no Service at all means nothing is mirrored; slices go when that changes', async () => {
    const env = await setup();
    try {
      const c = env.clients;
      // A Service with a selector: the EndpointSlice controller's slice only (a placeholder).
      await c.resource('services').create(service('selected', { selector: { app: 'x' } }));
      await c.resource('endpoints').create(endpoints('selected', '10.0.0.1'));
      // A selectorless Service whose Endpoints opt out.
      await c.resource('services').create(service('skipped'));
      await c.resource('endpoints').create(endpoints('skipped', '10.0.0.2', { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }));
      // Endpoints without a Service.
      await c.resource('endpoints').create(endpoints('orphan', '10.0.0.3'));
      // A mirrored one, as a marker that the controller has caught up.
      await c.resource('services').create(service('marker'));
      await c.resource('endpoints').create(endpoints('marker', '10.0.0.4'));
      await env.eventually(async () => (await slicesOf(env, 'marker')).length === 1);
      const selected = await env.eventually(async () => {
        const s = await slicesOf(env, 'selected');
        return s.length ? s : undefined;
      });
      assert.deepEqual(selected.map((s) => s.metadata?.labels?.[MANAGED_BY]), ['endpointslice-controller.k8s.io']);
      assert.deepEqual(await slicesOf(env, 'skipped'), []);
      assert.deepEqual(await slicesOf(env, 'orphan'), []);

      // The marker's Service gains a selector: its mirrored slice goes, and the EndpointSlice
      // controller's own placeholder is left alone by the mirroring controller.
      const svc = await c.resource('services').get('default', 'marker');
      await c.resource('services').update({ ...svc, spec: { ...(svc.spec as object), selector: { app: 'm' } } });
      await env.eventually(async () => {
        const s = await slicesOf(env, 'marker');
        return s.length === 1 && s[0]!.metadata?.labels?.[MANAGED_BY] === 'endpointslice-controller.k8s.io';
      });

      // Dropping skip-mirror starts mirroring; the Service going away stops it.
      const skipped = await c.resource('endpoints').get('default', 'skipped');
      await c.resource('endpoints').update({ ...skipped, metadata: { ...skipped.metadata, labels: {} } });
      await env.eventually(async () => (await slicesOf(env, 'skipped')).length === 1);
      await c.resource('services').delete('default', 'skipped');
      await env.eventually(async () => (await slicesOf(env, 'skipped')).length === 0);
    } finally {
      await env.stop();
    }
  });

  test('a mirrored slice deleted by hand is put back', async () => {
    const env = await setup();
    try {
      const c = env.clients;
      await c.resource('services').create(service('back'));
      await c.resource('endpoints').create(endpoints('back', '10.0.0.5'));
      const [s] = await env.eventually(async () => {
        const x = await slicesOf(env, 'back');
        return x.length === 1 ? x : undefined;
      });
      await c.resource('endpointslices').delete('default', s!.metadata?.name ?? '');
      await env.eventually(async () => {
        const x = await slicesOf(env, 'back');
        return x.length === 1 && x[0]!.metadata?.name !== s!.metadata?.name;
      });
    } finally {
      await env.stop();
    }
  });
});

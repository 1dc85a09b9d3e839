// In-process tests of the StatefulSet controller against a real API server: ordered creation,
// reverse scale-down, claims from templates, rolling update with a partition, Parallel.

import { test, describe, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv, type ControllerTestEnv } from '../framework/testing.js';
import { statefulSetController } from './index.js';

type Obj = Record<string, unknown>;

function sts(name: string, extra: Obj = {}, replicas = 3): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...extra,
    },
  };
}

describe('statefulset controller', () => {
  let env: ControllerTestEnv;
  before(async () => {
    env = await controllerTestEnv();
    await env.start(statefulSetController(env.ctx));
  });
  after(() => env.stop());

  const pods = () => env.clients.resource('pods');
  const podNames = async (app: string) => (await pods().list('default', { labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!).sort();
  const markReady = (name: string) => pods().patch('default', name, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2020-01-01T00:00:00Z' }] } }, { subresource: 'status' });
  const getSet = (name: string) => env.clients.resource('statefulsets').get('default', name);
  const settle = () => new Promise((r) => setTimeout(r, 150));

  test('creates pods in order, waiting for each to be Running and Ready', async () => {
    await env.clients.resource('statefulsets').create(sts('web'));
    await env.eventually(async () => (await podNames('web')).length === 1);
    await settle();
    assert.deepEqual(await podNames('web'), ['web-0']);
    const p0 = await pods().get('default', 'web-0');
    const spec = p0.spec as Obj;
    assert.equal(spec.hostname, 'web-0');
    assert.equal(spec.subdomain, 'web');
    const labels = p0.metadata!.labels!;
    assert.equal(labels['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(labels['apps.kubernetes.io/pod-index'], '0');
    assert.match(labels['controller-revision-hash']!, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(p0.metadata!.ownerReferences![0]!.kind, 'StatefulSet');

    await markReady('web-0');
    await env.eventually(async () => (await podNames('web')).length === 2);
    await settle();
    assert.deepEqual(await podNames('web'), ['web-0', 'web-1']);
    await markReady('web-1');
    await env.eventually(async () => (await podNames('web')).length === 3);
    await markReady('web-2');
    const s = await env.eventually(async () => {
      const set = await getSet('web');
      const st = set.status as Obj;
      return st.readyReplicas === 3 && st.availableReplicas === 3 ? st : undefined;
    });
    assert.equal(s.replicas, 3);
    assert.equal(s.currentReplicas, 3);
    assert.equal(s.updatedReplicas, 3);
    assert.equal(s.currentRevision, s.updateRevision);
    assert.equal(s.collisionCount, 0);
    assert.equal(s.observedGeneration, 1);
    const revs = (await env.clients.resource('controllerrevisions').list('default')).items.filter((r) => r.metadata!.name!.startsWith('web-'));
    assert.equal(revs.length, 1);
    assert.equal(revs[0]!.metadata!.name, s.currentRevision);
    assert.equal(revs[0]!.revision, 1);
    await env.eventually(async () => (await env.clients.resource('events').list('default')).items.some((e) => e.message === 'create Pod web-0 in StatefulSet web successful' && e.reason === 'SuccessfulCreate'));
  });

  test('scales down in reverse order, one at a time', async () => {
    await env.clients.resource('statefulsets').patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    await env.eventually(async () => (await podNames('web')).length === 1);
    assert.deepEqual(await podNames('web'), ['web-0']);
    // Each event is posted after its delete returns, so it may land after the pods are gone.
    await env.eventually(async () => {
      const events = (await env.clients.resource('events').list('default')).items.map((e) => e.message as string);
      return events.includes('delete Pod web-2 in StatefulSet web successful') && events.includes('delete Pod web-1 in StatefulSet web successful');
    });
  });

  test('creates claims from volumeClaimTemplates before the pod', async () => {
    await env.clients.resource('statefulsets').create(
      sts('db', {
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }, 1),
    );
    const p = await env.eventually(async () => (await pods().list('default', { labelSelector: 'app=db' })).items[0]);
    const claim = await env.clients.resource('persistentvolumeclaims').get('default', 'data-db-0');
    assert.equal(claim.metadata!.labels!.app, 'db');
    const vols = (p.spec as Obj).volumes as Obj[];
    assert.deepEqual(vols.find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: 'data-db-0' });
  });

  test('rolling update with partition updates only ordinals at or above it, highest first', async () => {
    await env.clients.resource('statefulsets').create(sts('ru', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, podManagementPolicy: 'Parallel' }));
    await env.eventually(async () => (await podNames('ru')).length === 3);
    for (const n of ['ru-0', 'ru-1', 'ru-2']) await markReady(n);
    const before = await env.eventually(async () => {
      const st = (await getSet('ru')).status as Obj;
      return st.readyReplicas === 3 ? st : undefined;
    });
    await env.clients.resource('statefulsets').patch('default', 'ru', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
    const newRev = await env.eventually(async () => {
      const st = (await getSet('ru')).status as Obj;
      return st.updateRevision !== before.updateRevision ? (st.updateRevision as string) : undefined;
    });
    const revOf = async (n: string) => {
      try {
        return (await pods().get('default', n)).metadata!.labels!['controller-revision-hash'];
      } catch {
        return undefined;
      }
    };
    // ru-2 goes first; ru-1 must wait until ru-2 is back and ready.
    await env.eventually(async () => (await revOf('ru-2')) === newRev);
    assert.equal(await revOf('ru-1'), before.updateRevision);
    const p2 = await pods().get('default', 'ru-2');
    assert.equal(((p2.spec as Obj).containers as Obj[])[0]!.image, 'nginx:2');
    await settle();
    assert.equal(await revOf('ru-1'), before.updateRevision);
    await markReady('ru-2');
    await env.eventually(async () => (await revOf('ru-1')) === newRev);
    await markReady('ru-1');
    await settle();
    assert.equal(await revOf('ru-0'), before.updateRevision, 'below the partition stays');
    const st = await env.eventually(async () => {
      const s = (await getSet('ru')).status as Obj;
      return s.updatedReplicas === 2 && s.readyReplicas === 3 ? s : undefined;
    });
    assert.equal(st.currentRevision, before.currentRevision);
    assert.equal(st.currentReplicas, 1);
    const revs = (await env.clients.resource('controllerrevisions').list('default')).items.filter((r) => r.metadata!.name!.startsWith('ru-')).map((r) => r.revision).sort();
    assert.deepEqual(revs, [1, 2]);
  });
  test('revision names match upstream for the same defaulted template', async () => {
    await env.clients.resource('statefulsets').create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'test', namespace: 'default' },
      spec: {
        replicas: 0,
        serviceName: 'test',
        selector: { matchLabels: { app: 'foo' } },
        template: { metadata: { labels: { app: 'foo' }, annotations: { test: 'value' } }, spec: { containers: [{ name: 'test', image: 'test' }] } },
      },
    });
    // Upstream's stateful_set_control_test names this revision test-c77f6d978.
    const st = await env.eventually(async () => ((await getSet('test')).status as Obj | undefined)?.updateRevision);
    assert.equal(st, 'test-c77f6d978');
  });
  test('Parallel creates every pod at once; a failed pod is replaced', async () => {
    await env.clients.resource('statefulsets').create(sts('par', { podManagementPolicy: 'Parallel' }, 3));
    await env.eventually(async () => (await podNames('par')).length === 3);
    const before = (await pods().get('default', 'par-1')).metadata!.uid;
    await pods().patch('default', 'par-1', 'merge', { status: { phase: 'Failed' } }, { subresource: 'status' });
    await env.eventually(async () => {
      const p = await pods().get('default', 'par-1').catch(() => undefined);
      return p && p.metadata!.uid !== before && (p.status as Obj).phase === 'Pending';
    });
  });

  test('OnDelete keeps old pods until they are deleted', async () => {
    await env.clients.resource('statefulsets').create(sts('od', { podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }, 2));
    await env.eventually(async () => (await podNames('od')).length === 2);
    const oldRev = (await pods().get('default', 'od-0')).metadata!.labels!['controller-revision-hash'];
    await env.clients.resource('statefulsets').patch('default', 'od', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
    const newRev = await env.eventually(async () => {
      const st = (await getSet('od')).status as Obj;
      return st.updateRevision !== oldRev ? (st.updateRevision as string) : undefined;
    });
    await settle();
    assert.equal((await pods().get('default', 'od-0')).metadata!.labels!['controller-revision-hash'], oldRev);
    await pods().delete('default', 'od-0');
    await env.eventually(async () => (await pods().get('default', 'od-0').catch(() => undefined))?.metadata?.labels?.['controller-revision-hash'] === newRev);
    assert.equal((await pods().get('default', 'od-1')).metadata!.labels!['controller-revision-hash'], oldRev);
  });

  test('whenDeleted: Delete makes the set an owner of its claims', async () => {
    await env.clients.resource('statefulsets').create(
      sts('ret', {
        podManagementPolicy: 'Parallel',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }, 1),
    );
    const claim = await env.eventually(() => env.clients.resource('persistentvolumeclaims').get('default', 'd-ret-0').catch(() => undefined));
    const set = await getSet('ret');
    assert.equal(claim.metadata!.ownerReferences?.[0]?.uid, set.metadata!.uid);
  });
  test('whenScaled: Delete hands a scaled-down pod its claims', async () => {
    await env.clients.resource('statefulsets').create(
      sts('sc', {
        podManagementPolicy: 'Parallel',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
        volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }, 2),
    );
    await env.eventually(async () => (await podNames('sc')).length === 2);
    const uid = (await pods().get('default', 'sc-1')).metadata!.uid;
    await env.clients.resource('statefulsets').patch('default', 'sc', 'merge', { spec: { replicas: 1 } });
    const claim = await env.eventually(async () => {
      const c = await env.clients.resource('persistentvolumeclaims').get('default', 'd-sc-1');
      return c.metadata?.ownerReferences?.length ? c : undefined;
    });
    assert.deepEqual(claim.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'sc-1', uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal((await env.clients.resource('persistentvolumeclaims').get('default', 'd-sc-0')).metadata!.ownerReferences, undefined);
  });
});

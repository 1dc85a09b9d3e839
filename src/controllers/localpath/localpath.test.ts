// In-process: a claim of the default class waits for its consumer, then gets a PV on the pod's
// node with a real directory, both Bound; deleting the claim releases and deletes the PV and its
// directory. A node this process does not own is left for that node's agent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import { controllerTestEnv } from '../framework/testing.js';
import { cleanupReleasedVolumes, localPathController } from './index.js';

const claim = (name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
});
const podUsing = (name: string, claimName: string, nodeName: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
});
const phase = (o: KubeObject | undefined) => (o?.status as { phase?: string } | undefined)?.phase;
const exists = (p: string) => stat(p).then(() => true, () => false);

test('provisions on the consumer\'s node, binds, and deletes on release', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8tD-lp-'));
  const env = await controllerTestEnv();
  t.after(async () => {
    await env.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const nodes = env.clients.resource('nodes');
  for (const n of ['node-a', 'node-b']) await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
  await env.start(localPathController(env.ctx, { dataDir, ownsNode: (n) => n === 'node-a' }));
  const pvcs = env.clients.resource('persistentvolumeclaims');
  const pvs = env.clients.resource('persistentvolumes');

  const created = await pvcs.create(claim('data'));
  const uid = created.metadata!.uid!;
  const events = env.clients.resource('events');
  const reasons = async () => (await events.list('default')).items.filter((e) => (e.involvedObject as { uid?: string }).uid === uid).map((e) => e.reason as string);
  await env.eventually(async () => (await reasons()).includes('WaitForFirstConsumer'));
  assert.equal(phase(await pvcs.get('default', 'data')), 'Pending');

  await env.clients.resource('pods').create(podUsing('web', 'data', 'node-a'));
  const bound = await env.eventually(async () => {
    const c = await pvcs.get('default', 'data');
    return phase(c) === 'Bound' ? c : undefined;
  });
  const pvName = `pvc-${uid}`;
  assert.equal((bound.spec as { volumeName?: string }).volumeName, pvName);
  assert.deepEqual(bound.status, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
  assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
  assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node'], 'node-a');
  assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
  const pv = await env.eventually(async () => {
    const v = await pvs.get(undefined, pvName);
    return phase(v) === 'Bound' ? v : undefined;
  });
  const spec = pv.spec as { storageClassName: string; persistentVolumeReclaimPolicy: string; hostPath: { path: string }; claimRef: { uid: string } };
  assert.equal(spec.storageClassName, 'local-path');
  assert.equal(spec.persistentVolumeReclaimPolicy, 'Delete');
  assert.equal(spec.claimRef.uid, uid);
  const dir = join(dataDir, 'storage', `pvc-${uid}_default_data`);
  assert.equal(spec.hostPath.path, dir);
  assert.equal((await stat(dir)).mode & 0o777, 0o777);
  assert.ok((await reasons()).includes('ProvisioningSucceeded'));

  // A claim the scheduler already placed (selected-node) on a node another agent owns.
  const remote = await pvcs.create(claim('remote', { 'volume.kubernetes.io/selected-node': 'node-b' }));
  const remotePv = `pvc-${remote.metadata!.uid}`;
  await env.eventually(async () => phase(await pvs.get(undefined, remotePv).catch(() => undefined)) === 'Bound');
  assert.equal(await exists(join(dataDir, 'storage', `pvc-${remote.metadata!.uid}_default_remote`)), false);

  // pvc-protection: a claim deleted while its pod lives stays (Terminating), and so does its volume.
  assert.deepEqual(bound.metadata?.finalizers, ['kubernetes.io/pvc-protection']);
  await pvcs.delete('default', 'data');
  const terminating = await pvcs.get('default', 'data');
  assert.ok(terminating.metadata?.deletionTimestamp);
  assert.equal(phase(await pvs.get(undefined, pvName)), 'Bound');
  assert.equal(await exists(dir), true);

  // Release: the local one is deleted with its directory; the remote one waits for its agent.
  await env.clients.resource('pods').delete('default', 'web', { gracePeriodSeconds: 0 });
  await pvcs.delete('default', 'remote');
  await env.eventually(async () => (await pvs.get(undefined, pvName).catch(() => undefined)) === undefined);
  assert.equal(await exists(dir), false);
  await env.eventually(async () => phase(await pvs.get(undefined, remotePv)) === 'Released');
  assert.deepEqual(await cleanupReleasedVolumes(env.clients, { dataDir, nodeName: 'node-b' }), [remotePv]);
  await assert.rejects(pvs.get(undefined, remotePv), /not found/);
});

test('a claim of another class, or with an empty class, is left alone', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'k8tD-lp-'));
  const env = await controllerTestEnv();
  t.after(async () => {
    await env.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await env.clients.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
  await env.start(localPathController(env.ctx, { dataDir }));
  const pvcs = env.clients.resource('persistentvolumeclaims');
  await pvcs.create({ ...claim('empty'), spec: { ...(claim('empty').spec as object), storageClassName: '' } });
  await env.clients.resource('pods').create(podUsing('p', 'empty', 'n'));
  // A marker claim that is provisioned shows the controller has passed over the first.
  await pvcs.create({ ...claim('marker', { 'volume.kubernetes.io/selected-node': 'n' }), spec: { ...(claim('marker').spec as object), accessModes: ['ReadWriteMany'] } });
  const events = env.clients.resource('events');
  await env.eventually(async () => (await events.list('default')).items.some((e) => e.reason === 'ProvisioningFailed'));
  assert.equal((await env.clients.resource('persistentvolumes').list()).items.length, 0);
  assert.equal(phase(await pvcs.get('default', 'empty')), 'Pending');
});

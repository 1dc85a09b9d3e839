// Conformance rows 99 (CronJob API operations), 115 and 117 (PodDisruptionBudget), 126 (Job
// lifecycle), 135 (ReplicationController scale), 261 (Pod QOS class), 151 (token automount),
// 320 (Pods with inline CSI volumes).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { apiLifecycle } from './api-lifecycle.js';
import { cronJob, job, pdb, rc } from './fixtures.js';
import { client, MERGE, names, STRATEGIC, type Obj } from './helpers.js';

const NS = 'workloads-e2e';
type Pod = Obj & { spec: { volumes?: { name: string }[]; containers: { volumeMounts?: { name: string; mountPath: string }[] }[] }; status: { qosClass?: string } };

describe('conformance: workloads', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
    await c.namespace(`${NS}-2`);
  });

  test('[99] CronJob API: discovery and every verb', async () => {
    await apiLifecycle(c, { group: 'batch', version: 'v1', resource: 'cronjobs', namespace: NS, make: (name, labels) => cronJob(name, labels) });
  });

  test('[126] Job lifecycle: suspended create, label patch, annotation update, list by selector, deletecollection', async () => {
    const base = `/apis/batch/v1/namespaces/${NS}/jobs`;
    await c.create(base, job('e2e-job', { 'e2e-job-label': 'e2e-job' }));
    const patched = await c.patch(`${base}/e2e-job`, { metadata: { labels: { 'e2e-job-label': 'e2e-job', 'e2e-job-patched': 'true' } } }, STRATEGIC);
    assert.equal(patched.metadata.labels?.['e2e-job-patched'], 'true');
    const cur = await c.get<Obj & { spec: { suspend: boolean } }>(`${base}/e2e-job`);
    assert.equal(cur.spec.suspend, true);
    cur.metadata.annotations = { ...cur.metadata.annotations, updated: 'true' };
    assert.equal((await c.update(`${base}/e2e-job`, cur)).metadata.annotations?.updated, 'true');
    assert.deepEqual(names(await c.list('/apis/batch/v1/jobs?labelSelector=e2e-job-label%3De2e-job')), ['e2e-job']);
    await c.delCollection(`${base}?labelSelector=e2e-job-label%3De2e-job`);
    assert.equal((await c.list(`${base}?labelSelector=e2e-job-label%3De2e-job`)).items.length, 0);
  });

  test('[117] PodDisruptionBudget: create, update, patch, delete', async () => {
    const base = `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`;
    await c.create(base, pdb('foo'));
    const cur = await c.get<Obj & { spec: { minAvailable: unknown; selector: unknown } }>(`${base}/foo`);
    cur.spec.selector = { matchLabels: { foo: 'bar', updated: 'true' } };
    const updated = await c.update<typeof cur>(`${base}/foo`, cur);
    assert.deepEqual(updated.spec.selector, { matchLabels: { foo: 'bar', updated: 'true' } });
    const patched = await c.patch<typeof cur>(`${base}/foo`, { spec: { minAvailable: '80%' } }, MERGE);
    assert.equal(patched.spec.minAvailable, '80%');
    await c.del(`${base}/foo`);
    await c.fail('GET', `${base}/foo`, undefined, 404);
  });

  test('[115] PodDisruptionBudgets listed across namespaces and removed by deletecollection', async () => {
    await c.create(`/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, pdb('foo2', { 'foo-pdb': 'true' }));
    await c.create(`/apis/policy/v1/namespaces/${NS}-2/poddisruptionbudgets`, pdb('foo3', { 'foo-pdb': 'true' }));
    assert.deepEqual(names(await c.list('/apis/policy/v1/poddisruptionbudgets?labelSelector=foo-pdb%3Dtrue')), ['foo2', 'foo3']);
    await c.delCollection(`/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`);
    assert.equal((await c.list(`/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`)).items.length, 0);
    assert.deepEqual(names(await c.list('/apis/policy/v1/poddisruptionbudgets?labelSelector=foo-pdb%3Dtrue')), ['foo3']);
  });

  test('[135] ReplicationController scale subresource: get and update', async () => {
    const base = `/api/v1/namespaces/${NS}/replicationcontrollers`;
    await c.create(base, rc('e2e-rc-scale', 1));
    const scale = await c.get<Obj & { apiVersion: string; kind: string; spec: { replicas: number }; status: { replicas: number; selector?: string } }>(`${base}/e2e-rc-scale/scale`);
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.spec.replicas, 1);
    scale.spec.replicas = 2;
    const updated = await c.update<typeof scale>(`${base}/e2e-rc-scale/scale`, scale);
    assert.equal(updated.spec.replicas, 2);
    assert.equal((await c.get<Obj & { spec: { replicas: number } }>(`${base}/e2e-rc-scale`)).spec.replicas, 2);
    const patched = await c.patch<typeof scale>(`${base}/e2e-rc-scale/scale`, { spec: { replicas: 3 } }, MERGE);
    assert.equal(patched.spec.replicas, 3);
  });

  test('[261] a pod whose requests equal its limits is QOS Guaranteed', async () => {
    const resources = { limits: { cpu: '100m', memory: '100Mi' }, requests: { cpu: '100m', memory: '100Mi' } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-qos-class' }, spec: { containers: [{ name: 'agnhost', image: 'registry.k8s.io/e2e-test-images/agnhost:2.52', resources }] } };
    const created = await c.create<Pod>(`/api/v1/namespaces/${NS}/pods`, pod);
    assert.equal(created.status.qosClass, 'Guaranteed');
    assert.equal((await c.get<Pod>(`/api/v1/namespaces/${NS}/pods/pod-qos-class`)).status.qosClass, 'Guaranteed');
    const burstable = await c.create<Pod>(`/api/v1/namespaces/${NS}/pods`, { ...pod, metadata: { name: 'pod-qos-burstable' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] } });
    assert.equal(burstable.status.qosClass, 'Burstable');
    const besteffort = await c.create<Pod>(`/api/v1/namespaces/${NS}/pods`, { ...pod, metadata: { name: 'pod-qos-besteffort' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    assert.equal(besteffort.status.qosClass, 'BestEffort');
  });

  test('[151] the token volume is mounted unless the ServiceAccount or the pod opts out; the pod wins', async () => {
    const sas = `/api/v1/namespaces/${NS}/serviceaccounts`;
    const pods = `/api/v1/namespaces/${NS}/pods`;
    await c.create(sas, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mount' }, automountServiceAccountToken: true });
    await c.create(sas, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nomount' }, automountServiceAccountToken: false });
    const hasToken = (p: Pod) => (p.spec.containers[0].volumeMounts ?? []).some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount');
    const cases: [sa: string, podSetting: boolean | undefined, want: boolean][] = [
      ['default', undefined, true],
      ['mount', undefined, true],
      ['nomount', undefined, false],
      ['default', true, true],
      ['mount', true, true],
      ['nomount', true, true],
      ['default', false, false],
      ['mount', false, false],
      ['nomount', false, false],
    ];
    for (const [i, [sa, podSetting, want]] of cases.entries()) {
      const spec: Record<string, unknown> = { serviceAccountName: sa, containers: [{ name: 'token-test', image: 'x' }], restartPolicy: 'Never' };
      if (podSetting !== undefined) spec.automountServiceAccountToken = podSetting;
      const created = await c.create<Pod>(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-service-account-${i}` }, spec });
      assert.equal(hasToken(created), want, `sa=${sa} pod=${podSetting}`);
    }
  });

  test('[320] Pods with an inline CSI volume can be created, read, listed, patched and deleted', async () => {
    const pods = `/api/v1/namespaces/${NS}/pods`;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod-csi-inline-volumes', labels: { 'e2e-inline-csi': 'true' } },
      spec: { volumes: [{ name: 'vol', csi: { driver: 'e2e.example.com', readOnly: true, volumeAttributes: { foo: 'bar' } } }], containers: [{ name: 'pod-csi-inline-volumes', image: 'x', volumeMounts: [{ name: 'vol', mountPath: '/mnt/vol' }] }] },
    };
    const created = await c.create<Pod>(pods, pod);
    assert.ok(created.spec.volumes?.some((v) => v.name === 'vol'));
    assert.equal((await c.get(`${pods}/pod-csi-inline-volumes`)).metadata.name, 'pod-csi-inline-volumes');
    assert.deepEqual(names(await c.list(`/api/v1/pods?labelSelector=e2e-inline-csi%3Dtrue`)), ['pod-csi-inline-volumes']);
    const patched = await c.patch(`${pods}/pod-csi-inline-volumes`, { metadata: { labels: { 'e2e-inline-csi-patched': 'true' } } }, STRATEGIC);
    assert.equal(patched.metadata.labels?.['e2e-inline-csi-patched'], 'true');
    await c.raw('DELETE', `${pods}/pod-csi-inline-volumes?gracePeriodSeconds=0`);
    await c.fail('GET', `${pods}/pod-csi-inline-volumes`, undefined, 404);
  });
});

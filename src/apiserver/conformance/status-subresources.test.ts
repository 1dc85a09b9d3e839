// Conformance rows 106, 114, 133, 147 (apps /status), 119 (PDB status), 123 (Job status), 99
// (CronJob status part), 193 (Ingress status part), 210 (Service status lifecycle): /status reads,
// updates and merge patches as upstream's e2e tests send them.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { cronJob, daemonSet, deployment, ingress, job, pdb, replicaSet, service, statefulSet } from './fixtures.js';
import { client, MERGE, STRATEGIC, until, type Obj } from './helpers.js';

const NS = 'status-e2e';
type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };
type WithStatus = Obj & { spec: Record<string, unknown>; status: Record<string, unknown> & { conditions?: Cond[] } };

const now = (offsetSeconds: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, offsetSeconds)).toISOString().replace('.000Z', 'Z');

interface StatusCase {
  row: number;
  kind: string;
  base: string;
  body: (name: string) => unknown;
  /** The status change an UpdateStatus carries, and how to see it afterwards. */
  update: (status: WithStatus['status']) => void;
  updated: (status: WithStatus['status']) => boolean;
  /** The status part of upstream's merge patch, and how to see it afterwards. */
  patch: Record<string, unknown>;
  patched: (status: WithStatus['status']) => boolean;
}

const condition = (type: string, full: boolean): Cond => (full ? { type, status: 'True', reason: 'E2E', message: `Set from e2e test`, lastTransitionTime: now(0) } : { type, status: 'True', reason: 'E2E', message: 'Set from e2e test' });
const hasCondition = (type: string) => (st: WithStatus['status']) => !!st.conditions?.some((x) => x.type === type && x.status === 'True');

const conditionCase = (row: number, kind: string, base: string, body: (n: string) => unknown, full = false): StatusCase => ({
  row,
  kind,
  base,
  body,
  update: (st) => (st.conditions = [...(st.conditions ?? []), condition('StatusUpdate', full)]),
  updated: hasCondition('StatusUpdate'),
  patch: { conditions: [full ? { type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'Patched', lastTransitionTime: now(1) } : { type: 'StatusPatched', status: 'True' }] },
  patched: hasCondition('StatusPatched'),
});

const cases: StatusCase[] = [
  conditionCase(106, 'DaemonSet', `/apis/apps/v1/namespaces/${NS}/daemonsets`, daemonSet),
  conditionCase(114, 'Deployment', `/apis/apps/v1/namespaces/${NS}/deployments`, (n) => deployment(n)),
  conditionCase(133, 'ReplicaSet', `/apis/apps/v1/namespaces/${NS}/replicasets`, replicaSet),
  conditionCase(147, 'StatefulSet', `/apis/apps/v1/namespaces/${NS}/statefulsets`, statefulSet),
  conditionCase(119, 'PodDisruptionBudget', `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, (n) => pdb(n), true),
  {
    row: 123,
    kind: 'Job',
    base: `/apis/batch/v1/namespaces/${NS}/jobs`,
    body: (n) => job(n),
    update: (st) => (st.startTime = now(20)),
    updated: (st) => st.startTime === now(20),
    patch: { startTime: now(10) },
    patched: (st) => st.startTime === now(10),
  },
  {
    row: 99,
    kind: 'CronJob',
    base: `/apis/batch/v1/namespaces/${NS}/cronjobs`,
    body: (n) => cronJob(n),
    update: (st) => (st.lastScheduleTime = now(20)),
    updated: (st) => st.lastScheduleTime === now(20),
    patch: { lastScheduleTime: now(10) },
    patched: (st) => st.lastScheduleTime === now(10),
  },
  {
    row: 193,
    kind: 'Ingress',
    base: `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`,
    body: (n) => ingress(n),
    update: (st) => (st.loadBalancer = { ingress: [{ ip: '169.1.1.2' }] }),
    updated: (st) => JSON.stringify(st.loadBalancer) === JSON.stringify({ ingress: [{ ip: '169.1.1.2' }] }),
    patch: { loadBalancer: { ingress: [{ ip: '169.1.1.1' }] } },
    patched: (st) => JSON.stringify(st.loadBalancer) === JSON.stringify({ ingress: [{ ip: '169.1.1.1' }] }),
  },
];

describe('conformance: status subresources', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
  });

  for (const k of cases) {
    test(`[${k.row}] ${k.kind} /status: get, update and patch persist, spec is untouched`, async () => {
      const name = `${k.kind.toLowerCase()}-status-test`;
      const created = await c.create<WithStatus>(k.base, k.body(name));
      const one = `${k.base}/${name}`;
      const got = await c.get<WithStatus>(`${one}/status`);
      assert.equal(got.metadata.name, name);
      assert.deepEqual(got.spec, created.spec);
      // UpdateStatus: a spec change riding along is dropped, the status change persists.
      const toUpdate = structuredClone(got);
      k.update(toUpdate.status);
      toUpdate.spec = { ...toUpdate.spec, paused: true, suspend: false, minAvailable: 5 };
      const updated = await c.update<WithStatus>(`${one}/status`, toUpdate);
      assert.ok(k.updated(updated.status), JSON.stringify(updated.status));
      assert.deepEqual(updated.spec, created.spec);
      assert.ok(k.updated((await c.get<WithStatus>(one)).status));
      // Merge patch of /status, as upstream sends it (with an annotation, checked separately below).
      const patched = await c.patch<WithStatus>(`${one}/status`, { status: k.patch }, MERGE);
      assert.ok(k.patched(patched.status), JSON.stringify(patched.status));
      const read = await c.get<WithStatus>(`${one}/status`);
      assert.ok(k.patched(read.status));
      assert.deepEqual(read.spec, created.spec);
    });

    test(`[${k.row}] ${k.kind} /status patch keeps the metadata annotation it carries`, async () => {
      const name = `${k.kind.toLowerCase()}-status-annotated`;
      await c.create(k.base, k.body(name));
      const patched = await c.patch<WithStatus>(`${k.base}/${name}/status`, { metadata: { annotations: { patchedstatus: 'true' } }, status: k.patch }, MERGE);
      assert.equal(patched.metadata.annotations?.patchedstatus, 'true');
      assert.ok(k.patched(patched.status));
    });
  }

  test('[210] Service status lifecycle: read, patch, update /status; a patch of the service is seen by a watch', async () => {
    const base = `/api/v1/namespaces/${NS}/services`;
    const svc = { ...service('test-service-status', { 'test-service-static': 'true' }), spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/internal-vip', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }] } };
    await c.create(base, svc);
    const list = await c.list(`${base}?labelSelector=test-service-static%3Dtrue`);
    assert.equal(list.items.length, 1);
    const w = await c.watch(`${base}?watch=true&resourceVersion=${list.metadata.resourceVersion}&labelSelector=test-service-static%3Dtrue`);
    const one = `${base}/test-service-status`;
    const st = await c.get<WithStatus>(`${one}/status`);
    assert.deepEqual(st.status, { loadBalancer: {} });
    const patched = await c.patch<WithStatus>(`${one}/status`, { status: { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } } }, MERGE);
    assert.deepEqual(patched.status.loadBalancer, { ingress: [{ ip: '203.0.113.1' }] });
    const cur = await c.get<WithStatus>(`${one}/status`);
    cur.status.conditions = [{ type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test', lastTransitionTime: now(0) }];
    const updated = await c.update<WithStatus>(`${one}/status`, cur);
    assert.equal(updated.status.conditions?.[0].type, 'StatusUpdate');
    await c.patch(one, { metadata: { labels: { 'test-service': 'patched' } } }, STRATEGIC);
    await until(() => w.events.some((e) => e.object.metadata.labels?.['test-service'] === 'patched'), 'watch sees the patched service');
    await c.del(one);
    await until(() => w.events.some((e) => e.type === 'DELETED'), 'watch sees the deletion');
    await w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
  });
});

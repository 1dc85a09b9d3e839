// Conformance rows 283-287 (RuntimeClass): pods naming a deleted or never-created RuntimeClass are
// refused, pods naming an existing one are admitted (with the class's overhead) and scheduled, and
// the node.k8s.io/v1 runtimeclasses API serves discovery and every standard verb.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { controllerTestEnv, type ControllerTestEnv } from '../../controllers/framework/testing.js';
import { scheduler } from '../../scheduler/scheduler.js';
import { testServer } from '../testing.js';
import { client, MERGE, names, until, type Obj } from './helpers.js';

const BASE = '/apis/node.k8s.io/v1/runtimeclasses';
const runtimeClass = (name: string, handler: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler, ...extra });
// Upstream's NewRuntimeClassPod: one container that exits at once, never restarted.
const rcPod = (name: string, runtimeClassName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { runtimeClassName, restartPolicy: 'Never', automountServiceAccountToken: false, containers: [{ name: 'test', image: 'busybox', command: ['true'] }] },
});
type Pod = Obj & { spec: { nodeName?: string; overhead?: Record<string, string> } };

describe('conformance: RuntimeClass admission (api-only)', () => {
  const NS = 'runtimeclass-e2e';
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
    await c.namespace(NS);
  });

  test('[284] a pod requesting a RuntimeClass that never existed is rejected as Forbidden', async () => {
    const st = await c.fail('POST', `/api/v1/namespaces/${NS}/pods`, rcPod('nonexistent', `${NS}-nonexistent`), 403);
    assert.equal(st.reason, 'Forbidden');
    assert.equal(st.message, `pods "nonexistent" is forbidden: pod rejected: RuntimeClass "${NS}-nonexistent" not found`);
  });

  test('[283] a pod requesting a deleted RuntimeClass is rejected as Forbidden', async () => {
    const name = `${NS}-delete-me`;
    await c.create(BASE, runtimeClass(name, 'runc'));
    // Admission reads RuntimeClasses from a watched copy: let it see the class first.
    await c.create(`/api/v1/namespaces/${NS}/pods`, rcPod('before-delete', name));
    await c.del(`${BASE}/${name}`);
    await c.fail('GET', `${BASE}/${name}`, undefined, 404);
    // Like upstream's Eventually: the watched copy may trail the delete by a turn of the event loop.
    let r = await c.raw('POST', `/api/v1/namespaces/${NS}/pods`, rcPod('after-delete-0', name));
    for (let i = 1; r.status !== 403 && i < 50; i++) {
      await new Promise((done) => setImmediate(done));
      r = await c.raw('POST', `/api/v1/namespaces/${NS}/pods`, rcPod(`after-delete-${i}`, name));
    }
    assert.equal(r.status, 403, String(r.body));
    assert.match(String(r.body), /pod rejected: RuntimeClass \\"runtimeclass-e2e-delete-me\\" not found/);
  });
});

describe('conformance: RuntimeClass scheduling (controllers)', () => {
  const NS = 'default';
  let env: ControllerTestEnv;
  let c: ReturnType<typeof client>;
  before(async () => {
    env = await controllerTestEnv();
    c = client(env.server);
    await env.clients.resource('nodes').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
      status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, capacity: { cpu: '2', memory: '4Gi', pods: '110' } },
    });
    await env.start(scheduler(env.ctx, { queue: { initialBackoffMs: 10, maxBackoffMs: 20 } }));
  });
  after(() => env.stop());

  const scheduled = (name: string) => env.eventually(async () => (((await c.get<Pod>(`/api/v1/namespaces/${NS}/pods/${name}`)).spec.nodeName) ? c.get<Pod>(`/api/v1/namespaces/${NS}/pods/${name}`) : undefined));

  test('[286] a pod requesting an existing RuntimeClass without overhead is scheduled, with no overhead', async () => {
    await c.create(BASE, runtimeClass('preconfigured-handler', 'test-handler'));
    await c.create(`/api/v1/namespaces/${NS}/pods`, rcPod('no-overhead', 'preconfigured-handler'));
    const p = await scheduled('no-overhead');
    assert.equal(p.spec.nodeName, 'node-1');
    assert.equal(p.spec.overhead, undefined);
  });

  test('[285] a pod requesting a RuntimeClass with overhead gets it in spec.overhead and is scheduled', async () => {
    await c.create(BASE, runtimeClass('with-overhead', 'test-handler', { overhead: { podFixed: { cpu: '10m', memory: '1Mi' } } }));
    await c.create(`/api/v1/namespaces/${NS}/pods`, rcPod('overhead', 'with-overhead'));
    const p = await scheduled('overhead');
    assert.equal(p.spec.nodeName, 'node-1');
    assert.deepEqual(p.spec.overhead, { cpu: '10m', memory: '1Mi' });
  });

  test('[285] the scheduler charges the overhead: a pod that fits only without it stays Pending', async () => {
    await c.create(BASE, runtimeClass('heavy', 'test-handler', { overhead: { podFixed: { cpu: '1500m' } } }));
    const pod = rcPod('too-heavy', 'heavy') as ReturnType<typeof rcPod> & { spec: { containers: Record<string, unknown>[] } };
    pod.spec.containers[0].resources = { requests: { cpu: '1' } };
    await c.create(`/api/v1/namespaces/${NS}/pods`, pod);
    const cond = await env.eventually(async () => ((await c.get<Pod>(`/api/v1/namespaces/${NS}/pods/too-heavy`)).status as { conditions?: { type: string; reason?: string; message?: string }[] }).conditions?.find((x) => x.type === 'PodScheduled'));
    assert.equal(cond.reason, 'Unschedulable');
    assert.match(cond.message ?? '', /Insufficient cpu/);
  });
});

describe('conformance: RuntimeClass API', () => {
  let c: ReturnType<typeof client>;
  before(async () => {
    c = client(await testServer(new MemoryStore()));
  });

  test('[287] node.k8s.io/v1 runtimeclasses are in discovery with every standard verb', async () => {
    const groups = await c.get<{ groups: { name: string; versions: { version: string }[] }[] }>('/apis');
    assert.ok(groups.groups.some((g) => g.name === 'node.k8s.io' && g.versions.some((v) => v.version === 'v1')));
    const group = await c.get<{ versions: { version: string }[] }>('/apis/node.k8s.io');
    assert.ok(group.versions.some((v) => v.version === 'v1'));
    const list = await c.get<{ resources: { name: string; namespaced: boolean; kind: string; verbs: string[]; shortNames?: string[] }[] }>('/apis/node.k8s.io/v1');
    const res = list.resources.find((r) => r.name === 'runtimeclasses');
    assert.ok(res);
    assert.equal(res.kind, 'RuntimeClass');
    assert.equal(res.namespaced, false);
    assert.equal(res.shortNames, undefined);
    assert.deepEqual([...res.verbs].sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  });

  test('[287] create, get, list, watch, patch, update, delete and deletecollection', async () => {
    const label = { test: 'rc-api' };
    const sel = 'labelSelector=test%3Drc-api';
    const rc = (n: number) => ({ ...runtimeClass(`conformance-runtime-class${n}`, `rc-api-handler${n}`), metadata: { name: `conformance-runtime-class${n}`, labels: label } });
    const created = await c.create(BASE, rc(1));
    const dup = await c.fail('POST', BASE, rc(1), 409);
    assert.equal(dup.reason, 'AlreadyExists');
    await c.create(BASE, rc(2));
    const w = await c.watch(`${BASE}?watch=true&${sel}`);
    await c.create(BASE, rc(3));
    const got = await c.get(`${BASE}/conformance-runtime-class1`);
    assert.equal(got.metadata.uid, created.metadata.uid);
    assert.deepEqual(names(await c.list(`${BASE}?${sel}`)), ['conformance-runtime-class1', 'conformance-runtime-class2', 'conformance-runtime-class3']);
    const patched = await c.patch(`${BASE}/conformance-runtime-class1`, { metadata: { annotations: { patched: 'true' } } }, MERGE);
    assert.equal(patched.metadata.annotations?.patched, 'true');
    const updated = await c.update(`${BASE}/conformance-runtime-class1`, { ...patched, metadata: { ...patched.metadata, annotations: { ...patched.metadata.annotations, updated: 'true' } } });
    assert.equal(updated.metadata.annotations?.updated, 'true');
    await until(() => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'conformance-runtime-class3') && w.events.some((e) => e.type === 'MODIFIED' && e.object.metadata.annotations?.updated === 'true'), 'watch events');
    await w.stop();
    // The handler names the runtime configuration pods already use: it cannot change.
    const st = await c.fail('PUT', `${BASE}/conformance-runtime-class1`, { ...updated, handler: 'other' }, 422);
    assert.match(st.message, /handler: Invalid value: "other": field is immutable/);
    await c.del(`${BASE}/conformance-runtime-class1`);
    await c.fail('GET', `${BASE}/conformance-runtime-class1`, undefined, 404);
    assert.equal((await c.list(`${BASE}?${sel}`)).items.length, 2);
    await c.delCollection(`${BASE}?${sel}`);
    assert.equal((await c.list(`${BASE}?${sel}`)).items.length, 0);
  });

  test('[287] a PUT of a missing RuntimeClass creates it (AllowCreateOnUpdate)', async () => {
    const r = await c.raw('PUT', `${BASE}/put-created`, runtimeClass('put-created', 'runc'));
    assert.equal(r.status, 201, String(r.body));
  });
});

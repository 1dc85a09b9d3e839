import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../object.js';
import { StatusError } from '../errors.js';
import { applyConfiguration, updateManagedFields, LAST_APPLIED_ANNOTATION } from './field-manager.js';
import { managerFromUserAgent } from './user-agent.js';

const DEP = 'io.k8s.api.apps.v1.Deployment';
const POD = 'io.k8s.api.core.v1.Pod';
const T0 = new Date('2024-05-01T10:00:00.500Z');
const T1 = new Date('2024-05-01T10:05:00Z');
const T2 = new Date('2024-05-01T10:10:00Z');

function deployment(replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
    },
    ...extra,
  };
}

/** What the store would hold: the object with server fields and the returned managedFields. */
function stored(obj: KubeObject, mf: ManagedFieldsEntry[]): KubeObject {
  const o = structuredClone(obj);
  o.metadata = { ...o.metadata, namespace: 'default', uid: 'uid-1', resourceVersion: '7', creationTimestamp: '2024-05-01T10:00:00Z', managedFields: mf };
  return o;
}

function apply(live: KubeObject | undefined, config: KubeObject, manager = 'kubectl', force = false, now = T1, defName = DEP) {
  return applyConfiguration({ live, config, manager, force, apiVersion: String(config.apiVersion ?? 'apps/v1'), now, defName });
}

function update(live: KubeObject | undefined, updated: KubeObject, manager: string, now = T1, subresource?: string, defName = DEP) {
  return updateManagedFields({ live, updated, manager, operation: 'Update', apiVersion: String(updated.apiVersion), subresource, now, defName });
}

const managers = (mf: ManagedFieldsEntry[]) => mf.map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
const spec = (o: KubeObject) => o.spec as Record<string, unknown>;
const containers = (o: KubeObject) => ((spec(o).template as { spec: { containers: Record<string, unknown>[] } }).spec.containers);

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a conflict');
}

describe('applyConfiguration', () => {
  test('create via apply: object is the config, one Apply entry without stripped metadata', () => {
    const r = apply(undefined, deployment(2), 'kubectl', false, T0);
    assert.equal(spec(r.object).replicas, 2);
    assert.equal(r.object.metadata?.name, 'web');
    assert.deepEqual(r.managedFields, [{
      manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {}, 'f:selector': {},
          'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
        },
      },
    }]);
    assert.deepEqual(r.object.metadata?.managedFields, r.managedFields);
  });

  test('re-apply unchanged is a no-op and keeps the entry time', () => {
    const first = apply(undefined, deployment(2), 'kubectl', false, T0);
    const r = apply(stored(first.object, first.managedFields), deployment(2), 'kubectl', false, T2);
    assert.equal(r.noop, true);
    assert.equal(r.managedFields[0].time, '2024-05-01T10:00:00Z');
    assert.deepEqual(r.managedFields[0].fieldsV1, first.managedFields[0].fieldsV1);
  });

  test('changing a field the applier owns needs no force', () => {
    const first = apply(undefined, deployment(2), 'kubectl', false, T0);
    const r = apply(stored(first.object, first.managedFields), deployment(4), 'kubectl', false, T2);
    assert.equal(spec(r.object).replicas, 4);
    assert.equal(r.noop, false);
    assert.equal(r.managedFields[0].time, '2024-05-01T10:10:00Z');
  });

  const conflictCases: { name: string; other: string; sub?: string; message: string; cause: string }[] = [
    { name: 'client-side-apply updater', other: 'kubectl-client-side-apply', message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas', cause: 'conflict with "kubectl-client-side-apply" using apps/v1' },
    { name: 'kubectl scale (scale subresource)', other: 'kubectl', sub: 'scale', message: 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas', cause: 'conflict with "kubectl" with subresource "scale" using apps/v1' },
  ];
  for (const c of conflictCases) {
    test(`conflict with an Update manager: ${c.name}`, () => {
      const first = apply(undefined, deployment(2), 'kubectl', false, T0);
      const live = stored(first.object, first.managedFields);
      const scaled = structuredClone(live);
      spec(scaled).replicas = 5;
      const mf = update(live, scaled, c.other, T1, c.sub);
      const err = conflictOf(() => apply(stored(scaled, mf), deployment(2), 'my-applier'));
      assert.equal(err.code, 409);
      assert.equal(err.reason, 'Conflict');
      // The applier 'my-applier' conflicts on replicas only: the rest is owned by another applier, unchanged.
      assert.equal(err.message, c.message);
      assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: c.cause, field: '.spec.replicas' }]);
    });
  }

  test('several conflicts use the plural form, grouped by manager', () => {
    const created = stored(deployment(1), update(undefined, deployment(1), 'kubectl-create', T0));
    const cfg = deployment(3);
    containers(cfg)[0].image = 'nginx:2';
    const err = conflictOf(() => apply(created, cfg));
    assert.equal(err.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image');
    assert.deepEqual(err.details?.causes?.map((c) => c.field), ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
  });

  test('force takes the conflicting fields from their owner', () => {
    const created = stored(deployment(1), update(undefined, deployment(1), 'kubectl-create', T0));
    const r = apply(created, deployment(3), 'kubectl', true, T1);
    assert.equal(spec(r.object).replicas, 3);
    const create = r.managedFields.find((e) => e.manager === 'kubectl-create')!;
    const owned = (create.fieldsV1!['f:spec'] as Record<string, unknown>);
    assert.equal('f:replicas' in owned, false);
    assert.deepEqual(managers(r.managedFields), ['kubectl/Apply', 'kubectl-create/Update']);
  });

  test('a field dropped from the config is removed unless another manager owns it', () => {
    const withTier = deployment(1);
    withTier.metadata!.labels = { app: 'web', tier: 'fe', team: 'a' };
    const first = apply(undefined, withTier, 'kubectl', false, T0);
    // A second applier also sets team.
    const second = apply(stored(first.object, first.managedFields), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { team: 'a' } } }, 'other', false, T1);
    const r = apply(stored(second.object, second.managedFields), deployment(1), 'kubectl', false, T2);
    assert.deepEqual(r.object.metadata?.labels, { app: 'web', team: 'a' });
  });

  test('map-list items merge by key: other items and fields survive', () => {
    const live = deployment(1);
    containers(live).push({ name: 'sidecar', image: 'busybox' });
    containers(live)[0].env = [{ name: 'A', value: '1' }];
    const created = stored(live, update(undefined, live, 'kubectl-create', T0));
    const cfg = deployment(1);
    containers(cfg)[0] = { name: 'nginx', env: [{ name: 'B', value: '2' }] };
    const r = apply(created, cfg, 'kubectl', false, T1);
    assert.deepEqual(containers(r.object), [
      { name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], resources: {} },
      { name: 'sidecar', image: 'busybox', resources: {} },
    ]);
  });

  test('a list item dropped from the config is pruned; port keys default protocol to TCP', () => {
    const two = deployment(1);
    containers(two)[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
    containers(two).push({ name: 'sidecar', image: 'busybox' });
    const first = apply(undefined, two, 'kubectl', false, T0);
    const cfg = deployment(1);
    containers(cfg)[0].ports = [{ containerPort: 80, name: 'http' }];
    const r = apply(stored(first.object, first.managedFields), cfg, 'kubectl', false, T1);
    assert.deepEqual(containers(r.object).map((c) => c.name), ['nginx']);
    assert.deepEqual(containers(r.object)[0].ports, [{ containerPort: 80, name: 'http' }]);
  });

  test('atomic lists are replaced whole', () => {
    const live = deployment(1);
    containers(live)[0].args = ['a', 'b'];
    const first = apply(undefined, live, 'kubectl', false, T0);
    const cfg = deployment(1);
    containers(cfg)[0].args = ['c'];
    const r = apply(stored(first.object, first.managedFields), cfg, 'kubectl', false, T1);
    assert.deepEqual(containers(r.object)[0].args, ['c']);
  });

  test('labels are granular: two appliers own different keys', () => {
    const first = apply(undefined, deployment(1), 'a', false, T0);
    const second = apply(stored(first.object, first.managedFields), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { extra: 'x' } } }, 'b', false, T1);
    assert.deepEqual(second.object.metadata?.labels, { app: 'web', extra: 'x' });
    const b = second.managedFields.find((e) => e.manager === 'b')!;
    assert.deepEqual(b.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:extra': {} } } });
  });

  test('finalizers are a set: appliers union their values and own each one', () => {
    const pod = (fin: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: fin }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const first = apply(undefined, pod(['x/a']), 'a', false, T0, POD);
    const second = apply(stored(first.object, first.managedFields), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['x/b'] } }, 'b', false, T1, POD);
    assert.deepEqual(second.object.metadata?.finalizers, ['x/a', 'x/b']);
    const b = second.managedFields.find((e) => e.manager === 'b')!;
    assert.deepEqual(b.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"x/b"': {} } } });
  });

  const badRequests: { name: string; config: KubeObject; message: string }[] = [
    { name: 'wrong kind', config: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' } }, message: 'invalid object type: apps/v1, Kind=ReplicaSet' },
    { name: 'missing apiVersion', config: { kind: 'Deployment', metadata: { name: 'web' } }, message: 'invalid object type: /, Kind=Deployment' },
    { name: 'managedFields in config', config: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', managedFields: [] } }, message: 'metadata.managedFields must be nil' },
  ];
  for (const c of badRequests) {
    test(`400 for ${c.name}`, () => {
      const err = conflictOf(() => applyConfiguration({ live: undefined, config: c.config, manager: 'kubectl', force: false, apiVersion: 'apps/v1', now: T0, defName: DEP }));
      assert.equal(err.code, 400);
      assert.equal(err.reason, 'BadRequest');
      assert.equal(err.message, c.message);
    });
  }

  test('kubectl takes over client-side-applied fields without a conflict, and refreshes last-applied', () => {
    const csa = deployment(1);
    csa.metadata!.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(deployment(1)) + '\n' };
    const live = stored(csa, update(undefined, csa, 'kubectl-client-side-apply', T0));
    const r = apply(live, deployment(3), 'kubectl', false, T1);
    assert.equal(spec(r.object).replicas, 3);
    const last = JSON.parse(r.object.metadata!.annotations![LAST_APPLIED_ANNOTATION]) as KubeObject;
    assert.equal(spec(last).replicas, 3);
    // Another manager name gets the conflict.
    assert.equal(conflictOf(() => apply(live, deployment(3), 'someone', false, T1)).code, 409);
  });

  test('first apply to an untracked object attributes existing fields to before-first-apply', () => {
    const legacy = stored(deployment(1), []);
    delete legacy.metadata!.managedFields;
    const err = conflictOf(() => apply(legacy, deployment(2), 'kubectl-x'));
    assert.match(err.message, /conflict with "before-first-apply" using apps\/v1: \.spec\.replicas/);
  });
});

describe('updateManagedFields', () => {
  // Container.resources is a value struct upstream, so a created container always carries `f:resources: {}`.
  test('create: manager owns what it set; stripped metadata and status excluded; added structs marked "."', () => {
    const d = deployment(1, { status: { replicas: 0 } });
    d.metadata!.uid = 'x';
    const mf = update(undefined, d, 'kubectl-create', T0);
    assert.deepEqual(mf, [{
      manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {}, 'f:selector': {},
          'f:template': { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } } },
        },
      },
    }]);
  });

  test('an update that changes nothing leaves entries and times alone', () => {
    const mf = update(undefined, deployment(1), 'kubectl-create', T0);
    const live = stored(deployment(1), mf);
    assert.deepEqual(update(live, structuredClone(live), 'other', T1), mf);
  });

  test('the status subresource records status under its own entry and ignores spec', () => {
    const live = stored(deployment(1), update(undefined, deployment(1), 'kubectl-create', T0));
    const next = structuredClone(live);
    next.status = { replicas: 1 };
    spec(next).replicas = 9;
    const mf = update(live, next, 'kube-controller-manager', T1, 'status');
    const kcm = mf.find((e) => e.manager === 'kube-controller-manager')!;
    assert.equal(kcm.subresource, 'status');
    // status is a value struct in upstream's typed object, so it is never "added" itself.
    assert.deepEqual(kcm.fieldsV1, { 'f:status': { 'f:replicas': {} } });
    assert.equal(mf.find((e) => e.manager === 'kubectl-create')!.fieldsV1!['f:spec'] !== undefined, true);
  });

  test('objects without managedFields stay untracked on update', () => {
    const legacy = stored(deployment(1), []);
    delete legacy.metadata!.managedFields;
    const next = structuredClone(legacy);
    spec(next).replicas = 2;
    assert.deepEqual(update(legacy, next, 'kubectl-edit'), []);
  });

  test('sequence create(kubectl-create) -> apply(kubectl, force) -> patch(kubectl-set)', () => {
    const created = deployment(1);
    const mf1 = update(undefined, created, 'kubectl-create', T0);
    const cfg = deployment(2);
    cfg.metadata!.labels = { app: 'web', tier: 'fe' };
    const applied = apply(stored(created, mf1), cfg, 'kubectl', true, T1);
    const live = stored(applied.object, applied.managedFields);
    const patched = structuredClone(live);
    containers(patched)[0].image = 'nginx:1.27';
    const mf3 = update(live, patched, 'kubectl-set', T2);
    assert.deepEqual(managers(mf3), ['kubectl/Apply', 'kubectl-create/Update', 'kubectl-set/Update']);
    assert.deepEqual(mf3.map((e) => e.time), ['2024-05-01T10:05:00Z', '2024-05-01T10:00:00Z', '2024-05-01T10:10:00Z']);
    const byName = Object.fromEntries(mf3.map((e) => [e.manager, e.fieldsV1]));
    const containerOf = (fv: unknown) => ((((fv as Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>)['f:spec']['f:template']['f:spec']['f:containers']) as Record<string, unknown>)['k:{"name":"nginx"}']);
    assert.deepEqual(byName['kubectl-set'], { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } } });
    assert.equal('f:image' in (containerOf(byName.kubectl) as object), false);
    assert.equal('f:image' in (containerOf(byName['kubectl-create']) as object), false);
    // kubectl-create lost replicas (forced) and image (both now owned elsewhere).
    assert.equal('f:replicas' in ((byName['kubectl-create'] as Record<string, Record<string, unknown>>)['f:spec']), false);
  });

  test('an updater entry for the same manager+operation+subresource is merged, not duplicated', () => {
    const live = stored(deployment(1), update(undefined, deployment(1), 'kubectl-create', T0));
    const a = structuredClone(live);
    spec(a).replicas = 2;
    const mfA = update(live, a, 'kubectl-edit', T1);
    const liveA = stored(a, mfA);
    const b = structuredClone(liveA);
    spec(b).paused = true;
    const mfB = update(liveA, b, 'kubectl-edit', T2);
    const edit = mfB.filter((e) => e.manager === 'kubectl-edit');
    assert.equal(edit.length, 1);
    assert.deepEqual(edit[0].fieldsV1, { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
    assert.equal(edit[0].time, '2024-05-01T10:10:00Z');
  });

  test('a client can reset managedFields with an empty list (the object then goes untracked)', () => {
    const live = stored(deployment(1), update(undefined, deployment(1), 'kubectl-create', T0));
    const next = structuredClone(live);
    next.metadata!.managedFields = [];
    spec(next).replicas = 3;
    assert.deepEqual(update(live, next, 'x', T1), []);
  });
});

describe('managerFromUserAgent', () => {
  const cases: [string, string][] = [
    ['kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07', 'kubectl'],
    ['kube-controller-manager/v1.32.4 (linux/amd64) kubernetes/x/system:serviceaccount:kube-system:deployment-controller', 'kube-controller-manager'],
    ['Go-http-client/1.1', 'Go-http-client'],
    ['curl/8.0', 'curl'],
    ['tab\there/1', 'tabhere'],
    ['x'.repeat(200), 'x'.repeat(128)],
    ['', ''],
  ];
  for (const [ua, want] of cases) test(JSON.stringify(ua.slice(0, 40)), () => assert.equal(managerFromUserAgent(ua), want));
});

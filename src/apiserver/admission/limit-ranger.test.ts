import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';
import { aggregateMessage, applyContainerDefaults, claimViolations, podTotals, podViolations } from './limit-ranger.js';

type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
const lr = (...limits: Record<string, unknown>[]): KubeObject => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits } });
const pod = (containers: Res[], init: (Res & { restartPolicy?: string })[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'x', resources })),
    ...(init.length ? { initContainers: init.map(({ restartPolicy, ...resources }, i) => ({ name: `i${i}`, image: 'x', resources, ...(restartPolicy ? { restartPolicy } : {}) })) } : {}),
  },
});

describe('LimitRanger defaults', () => {
  test('missing limits and requests are filled per container and announced in the annotation', () => {
    const p = pod([{}, { requests: { cpu: '300m' } }], [{}]);
    applyContainerDefaults(lr({ type: 'Container', default: { memory: '500Mi', cpu: '500m' }, defaultRequest: { cpu: '100m', memory: '200Mi' } }, { type: 'Pod', max: { cpu: '2' } }), p);
    const spec = p.spec as { containers: { resources: Res }[]; initContainers: { resources: Res }[] };
    assert.deepEqual(spec.containers[0].resources, { limits: { memory: '500Mi', cpu: '500m' }, requests: { cpu: '100m', memory: '200Mi' } });
    assert.deepEqual(spec.containers[1].resources, { requests: { cpu: '300m', memory: '200Mi' }, limits: { memory: '500Mi', cpu: '500m' } });
    assert.deepEqual(spec.initContainers[0].resources.limits, { memory: '500Mi', cpu: '500m' });
    assert.equal(
      p.metadata?.annotations?.['kubernetes.io/limit-ranger'],
      'LimitRanger plugin set: cpu, memory request for container c0; cpu, memory limit for container c0; memory request for container c1; cpu, memory limit for container c1; cpu, memory request for init container i0; cpu, memory limit for init container i0',
    );
  });

  test('a pod that already states everything is left as it is, without annotation', () => {
    const p = pod([{ requests: { cpu: '1' }, limits: { cpu: '1' } }]);
    const before = structuredClone(p);
    applyContainerDefaults(lr({ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }), p);
    assert.deepEqual(p, before);
  });
});

describe('LimitRanger constraints', () => {
  const container = (extra: Record<string, unknown>) => lr({ type: 'Container', ...extra });
  const cases: Array<[string, KubeObject, KubeObject, string[]]> = [
    ['within bounds', container({ min: { cpu: '100m' }, max: { cpu: '1' } }), pod([{ requests: { cpu: '200m' }, limits: { cpu: '500m' } }]), []],
    ['limit above max', container({ max: { cpu: '500m' } }), pod([{ requests: { cpu: '100m' }, limits: { cpu: '600m' } }]), ['maximum cpu usage per Container is 500m, but limit is 600m']],
    ['request above max', container({ max: { cpu: '500m' } }), pod([{ requests: { cpu: '600m' }, limits: { cpu: '500m' } }]), ['maximum cpu usage per Container is 500m, but request is 600m']],
    ['no limit under a max', container({ max: { memory: '1Gi' } }), pod([{}]), ['maximum memory usage per Container is 1Gi.  No limit is specified']],
    ['no request under a min', container({ min: { memory: '10Mi' } }), pod([{}]), ['minimum memory usage per Container is 10Mi.  No request is specified']],
    ['request below min', container({ min: { memory: '10Mi' } }), pod([{ requests: { memory: '5Mi' } }]), ['minimum memory usage per Container is 10Mi, but request is 5Mi']],
    ['limit below min', container({ min: { cpu: '100m' } }), pod([{ requests: { cpu: '100m' }, limits: { cpu: '0.05' } }]), ['minimum cpu usage per Container is 100m, but limit is 50m']],
    ['ratio exceeded', container({ maxLimitRequestRatio: { cpu: '2' } }), pod([{ requests: { cpu: '100m' }, limits: { cpu: '250m' } }]), ['cpu max limit to request ratio per Container is 2, but provided ratio is 2.500000']],
    ['ratio without request', container({ maxLimitRequestRatio: { cpu: '2' } }), pod([{ limits: { cpu: '1' } }]), ['cpu max limit to request ratio per Container is 2, but no request is specified or request is 0']],
    ['ratio without limit', container({ maxLimitRequestRatio: { cpu: '2' } }), pod([{ requests: { cpu: '1' } }]), ['cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0']],
    ['init containers are containers too', container({ max: { cpu: '1' } }), pod([{ limits: { cpu: '1' } }], [{ limits: { cpu: '2' } }]), ['maximum cpu usage per Container is 1, but limit is 2']],
    ['pod max over the sum', lr({ type: 'Pod', max: { memory: '1Gi' } }), pod([{ limits: { memory: '600Mi' } }, { limits: { memory: '600Mi' } }]), ['maximum memory usage per Pod is 1Gi, but limit is 1200Mi']],
    ['pod min under the sum of requests', lr({ type: 'Pod', min: { cpu: '1' } }), pod([{ requests: { cpu: '300m' } }, { requests: { cpu: '200m' } }, {}]), ['minimum cpu usage per Pod is 1, but request is 500m']],
    ['quantities compare exactly', container({ max: { memory: '1Gi' } }), pod([{ limits: { memory: '1073741824' } }]), []],
  ];
  for (const [name, range, p, want] of cases) test(name, () => assert.deepEqual(podViolations(range, p), want));

  test('pod totals count sidecars with the containers and take the largest init container', () => {
    const p = pod([{ requests: { cpu: '100m' } }, { requests: { cpu: '200m' } }], [{ requests: { cpu: '1' } }, { requests: { cpu: '50m' }, restartPolicy: 'Always' }, { requests: { cpu: '900m' } }]);
    // containers 300m + sidecar 50m = 350m; init: 1, then 900m + 50m: the largest, 1, wins.
    assert.equal(podTotals(p, 'requests').get('cpu')?.num, 1n);
    const small = pod([{ requests: { cpu: '100m' } }], [{ requests: { cpu: '50m' }, restartPolicy: 'Always' }]);
    assert.deepEqual(podTotals(small, 'requests').get('cpu'), { num: 15n, scale: -2, format: 'DecimalSI' });
  });

  test('claims: min and max against the storage request', () => {
    const range = lr({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } });
    const claim = (storage?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { resources: storage ? { requests: { storage } } : {} } });
    assert.deepEqual(claimViolations(range, claim('5Gi')), []);
    assert.deepEqual(claimViolations(range, claim('20Gi')), ['maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi']);
    assert.deepEqual(claimViolations(range, claim('500Mi')), ['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi']);
    assert.deepEqual(claimViolations(range, claim()), ['minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified', 'maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified']);
  });

  test('messages aggregate as utilerrors does', () => {
    assert.equal(aggregateMessage(['a']), 'a');
    assert.equal(aggregateMessage(['a', 'b', 'a']), '[a, b]');
    assert.equal(aggregateMessage(['a', 'a']), 'a');
  });
});

describe('LimitRanger in the request path', () => {
  test('defaults, the annotation, 403s for pods and claims, and pod updates left alone', async () => {
    const s = await testServer(new MemoryStore());
    const ns = '/api/v1/namespaces/default';
    const post = async (path: string, body: unknown) => {
      const r = await s.request('POST', path, body);
      return { status: r.status, body: r.json() as { message?: string; metadata?: { annotations?: Record<string, string> }; spec?: { containers: { resources: Res }[] } } };
    };
    const mkPod = (name: string, resources?: Res) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx', ...(resources ? { resources } : {}) }] } });

    // Without a LimitRange nothing changes.
    const plain = await post(`${ns}/pods`, mkPod('plain'));
    assert.equal(plain.status, 201);
    assert.equal(plain.body.metadata?.annotations, undefined);

    const range = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [
      { type: 'Container', max: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '64Mi' } },
      { type: 'PersistentVolumeClaim', max: { storage: '2Gi' } },
    ] } };
    assert.equal((await post(`${ns}/limitranges`, range)).status, 201);
    // The plugin reads LimitRanges through a watch-fed cache, as upstream's lister: one turn of the event loop behind.
    await new Promise((r) => setImmediate(r));

    const defaulted = await post(`${ns}/pods`, mkPod('defaulted'));
    assert.equal(defaulted.status, 201);
    // The LimitRange's own defaulting made max the default limit.
    assert.deepEqual(defaulted.body.spec?.containers[0].resources, { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
    assert.equal(defaulted.body.metadata?.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');

    const big = await post(`${ns}/pods`, mkPod('big', { limits: { cpu: '600m' } }));
    assert.equal(big.status, 403);
    assert.equal(big.body.message, 'pods "big" is forbidden: maximum cpu usage per Container is 500m, but limit is 600m');
    const both = await post(`${ns}/pods`, mkPod('both', { limits: { cpu: '1', memory: '1Gi' } }));
    assert.equal(both.body.message, 'pods "both" is forbidden: [maximum cpu usage per Container is 500m, but limit is 1, maximum memory usage per Container is 512Mi, but limit is 1Gi]');

    // Pod updates are not held to limits created after the pod.
    const stricter = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'stricter' }, spec: { limits: [{ type: 'Container', max: { cpu: '50m' } }] } };
    assert.equal((await post(`${ns}/limitranges`, stricter)).status, 201);
    const patched = await s.request('PATCH', `${ns}/pods/defaulted`, { metadata: { labels: { a: 'b' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200, String(patched.body));

    const claim = (name: string, storage: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });
    assert.equal((await post(`${ns}/persistentvolumeclaims`, claim('small', '1Gi'))).status, 201);
    const large = await post(`${ns}/persistentvolumeclaims`, claim('large', '5Gi'));
    assert.equal(large.status, 403);
    assert.equal(large.body.message, 'persistentvolumeclaims "large" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
  });
});

// LimitRanges with the real kubectl: pods get the namespace's Container defaults (and the
// kubernetes.io/limit-ranger annotation), and pods or claims beyond min/max are Forbidden with
// upstream's messages.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './harness.js';

const LIMITS = `apiVersion: v1
kind: LimitRange
metadata:
  name: limits
spec:
  limits:
  - type: Container
    max: {cpu: 500m, memory: 512Mi}
    min: {cpu: 50m}
    default: {cpu: 200m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 128Mi}
  - type: PersistentVolumeClaim
    max: {storage: 2Gi}
`;

const pod = (name: string, limits?: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx', ...(limits ? { resources: { limits } } : {}) }] } });

describe('LimitRange admission with kubectl', () => {
  const c = new Cluster();
  before(async () => {
    await c.start();
    await c.ok(['create', 'namespace', 'limited']);
    await c.ok(['apply', '-n', 'limited', '-f', '-'], LIMITS);
  });
  after(() => c.cleanup());

  test('kubectl run gets the default requests and limits and the annotation', async () => {
    await c.ok(['run', 'web', '-n', 'limited', '--image=nginx']);
    const res = JSON.parse(await c.ok(['get', 'pod', 'web', '-n', 'limited', '-o', 'jsonpath={.spec.containers[0].resources}'])) as unknown;
    assert.deepEqual(res, { limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    const note = await c.ok(['get', 'pod', 'web', '-n', 'limited', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}']);
    assert.equal(note, 'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web');
  });

  test('a pod over the maximum is Forbidden', async () => {
    const r = await c.kubectl(['apply', '-n', 'limited', '-f', '-'], { stdin: pod('big', { cpu: '600m' }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum cpu usage per Container is 500m, but limit is 600m');
  });

  test('a pod under the minimum is Forbidden, a pod in another namespace is not limited', async () => {
    const r = await c.kubectl(['create', '-n', 'limited', '-f', '-'], { stdin: pod('tiny', { cpu: '10m' }) });
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": pods "tiny" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
    await c.ok(['create', '-f', '-'], pod('big', { cpu: '600m' }));
    assert.equal(await c.ok(['get', 'pod', 'big', '-o', 'jsonpath={.metadata.annotations}']), '');
  });

  test('a claim over the storage maximum is Forbidden', async () => {
    const claim = JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } });
    const r = await c.kubectl(['create', '-n', 'limited', '-f', '-'], { stdin: claim });
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi');
  });
});

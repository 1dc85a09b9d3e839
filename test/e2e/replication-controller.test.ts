// A ReplicationController on simulated nodes, driven by the real kubectl: create from stdin, get,
// scale, describe, replacement of a deleted pod, and cascading deletion.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, eventually } from './harness.js';

const RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.26
        ports: [{containerPort: 80}]
`;

const cols = (out: string) => out.trim().split(/\s+/);

describe('ReplicationController with kubectl on simulated nodes', () => {
  const c = new Cluster(['--simulated-nodes', '2']);
  before(() => c.start());
  after(() => c.cleanup());

  /** Names of the RC's pods that are not being deleted. */
  const livePods = async () => {
    const out = await c.ok(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={range .items[*]}{.metadata.name}|{.metadata.deletionTimestamp}{"\\n"}{end}']);
    return out.split('\n').filter((l) => l && l.endsWith('|')).map((l) => l.slice(0, -1));
  };

  test('create from stdin; get shows 3 desired, current and ready', async () => {
    assert.match(await c.ok(['create', '-f', '-'], RC), /^replicationcontroller\/nginx created/);
    const row = await eventually('rc nginx 3/3/3', async () => {
      const r = cols(await c.ok(['get', 'rc', 'nginx', '--no-headers']));
      return r[1] === '3' && r[2] === '3' && r[3] === '3' && r;
    }, 30_000);
    assert.equal(row[0], 'nginx');
    const header = cols((await c.ok(['get', 'rc'])).split('\n')[0]);
    assert.deepEqual(header, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    const pods = await livePods();
    assert.equal(pods.length, 3);
    for (const p of pods) assert.match(p, /^nginx-[a-z0-9]{5}$/);
    const owner = await c.ok(['get', 'pod', pods[0], '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].apiVersion}/{.metadata.ownerReferences[0].controller}']);
    assert.equal(owner, 'ReplicationController/v1/true');
  });

  test('scale to 1; describe shows replicas, pods status and events', async () => {
    assert.match(await c.ok(['scale', 'rc', 'nginx', '--replicas=1']), /replicationcontroller\/nginx scaled/);
    await eventually('one pod left', async () => (await livePods()).length === 1, 30_000);
    const out = await eventually('describe after scaling down', async () => {
      const d = await c.ok(['describe', 'rc', 'nginx']);
      return /Replicas:\s+1 current \/ 1 desired/.test(d) && /SuccessfulDelete/.test(d) && d;
    }, 30_000);
    assert.match(out, /^Name:\s+nginx$/m);
    assert.match(out, /^Selector:\s+app=nginx$/m);
    assert.match(out, /^Pods Status:\s+\d+ Running \/ \d+ Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(out, /Normal\s+SuccessfulCreate\s+.*replication-controller\s+Created pod: nginx-/);
    assert.match(out, /Normal\s+SuccessfulDelete\s+.*replication-controller\s+Deleted pod: nginx-/);
  });

  test('a deleted pod is replaced', async () => {
    const [pod] = await livePods();
    await c.ok(['delete', 'pod', pod, '--wait=false']);
    const replacement = await eventually('a replacement pod', async () => {
      const p = await livePods();
      return p.length === 1 && p[0] !== pod && p[0];
    }, 30_000);
    assert.match(replacement, /^nginx-/);
  });

  test('delete rc removes its pods', async () => {
    assert.match(await c.ok(['delete', 'rc', 'nginx']), /replicationcontroller "nginx" deleted/);
    await eventually('pods gone', async () => (await c.ok(['get', 'pods', '-l', 'app=nginx', '-o', 'name'])).trim() === '', 30_000);
    const r = await c.kubectl(['get', 'rc', 'nginx']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /NotFound/);
  });
});

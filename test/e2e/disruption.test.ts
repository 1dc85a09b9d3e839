// PodDisruptionBudgets with the real kubectl on two simulated nodes: the budget's status as
// `kubectl get pdb` shows it, and `kubectl drain` held back by it until a replacement is Ready.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, eventually } from './harness.js';

const rows = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: busybox
        command: [sleep, infinity]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
`;

describe('PodDisruptionBudget and kubectl drain', () => {
  const c = new Cluster(['--simulated-nodes', '2']);
  before(() => c.start());
  after(() => c.cleanup());

  test('a Deployment of 3 with minAvailable 2 allows one disruption', async () => {
    await eventually('2 Ready nodes', async () => (await c.ok(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => /\sReady\s/.test(l)).length === 2, 30_000);
    assert.equal(await c.ok(['apply', '-f', '-'], APP), 'deployment.apps/web created\npoddisruptionbudget.policy/web created\n');
    await c.ok(['rollout', 'status', 'deploy/web', '--timeout=40s']);
    const pdb = await eventually('ALLOWED DISRUPTIONS 1', async () => {
      const r = rows(await c.ok(['get', 'pdb', 'web']));
      return r[1]?.[3] === '1' && r;
    }, 20_000);
    assert.deepEqual(pdb[0], ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
    assert.deepEqual(pdb[1].slice(0, 4), ['web', '2', 'N/A', '1']);
    const st = JSON.parse(await c.ok(['get', 'pdb', 'web', '-o', 'jsonpath={.status}']));
    assert.deepEqual([st.currentHealthy, st.desiredHealthy, st.expectedPods, st.disruptionsAllowed], [3, 2, 3, 1]);
    assert.deepEqual(st.conditions.map((x: { type: string; status: string; reason: string }) => [x.type, x.status, x.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
  });

  test('drain evicts one pod, retries the other until its replacement is Ready', async () => {
    const placed = (await c.ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{"\\n"}{end}'])).trim().split('\n').map((l) => l.split(' '));
    const perNode = new Map<string, string[]>();
    for (const [pod, node] of placed) perNode.set(node, [...(perNode.get(node) ?? []), pod]);
    const [node, victims] = [...perNode.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    assert.ok(victims.length >= 2, `no node runs two of the pods: ${JSON.stringify(placed)}`);

    const r = await c.kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=45s']);
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 0, out);
    assert.match(out, new RegExp(`node/${node} cordoned`));
    assert.match(out, /error when evicting pods\/"web-[a-z0-9-]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    for (const v of victims) assert.match(out, new RegExp(`pod/${v} evicted`));
    assert.match(out, new RegExp(`node/${node} drained`));

    // The replacements run elsewhere and the budget allows one disruption again.
    await eventually('3 Ready pods off the drained node', async () => {
      const pods = (await c.ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.status.conditions[?(@.type=="Ready")].status} {.metadata.deletionTimestamp}{"\\n"}{end}'])).trim().split('\n');
      return pods.length === 3 && pods.every((l) => { const [n, ready, del] = l.split(' '); return n !== node && ready === 'True' && !del; });
    }, 20_000);
    await eventually('ALLOWED DISRUPTIONS 1 again', async () => rows(await c.ok(['get', 'pdb', 'web']))[1]?.[3] === '1', 20_000);
  });
});

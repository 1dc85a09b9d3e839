// RuntimeClass end to end with the real kubectl: `kubectl apply` of a RuntimeClass with overhead
// and scheduling constraints and of a pod naming it; the pod carries the overhead, the class's
// node selector and toleration, and is scheduled on a simulated node. A pod naming a missing
// class is refused with upstream's message; api-resources and explain know the kind.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, eventually } from './harness.js';

const CLASS = `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: sandboxed
handler: runc
overhead:
  podFixed:
    cpu: 250m
    memory: 64Mi
scheduling:
  tolerations:
  - key: sandbox
    operator: Exists
    effect: NoSchedule
`;

const pod = (name: string, runtimeClassName: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  runtimeClassName: ${runtimeClassName}
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
`;

describe('runtime class', () => {
  const c = new Cluster(['--simulated-nodes', '1']);
  before(() => c.start());
  after(() => c.cleanup());

  test('api-resources and explain know runtimeclasses', async () => {
    const line = (await c.ok(['api-resources', '--api-group=node.k8s.io'])).split('\n')[1].trim().split(/\s+/);
    assert.deepEqual(line, ['runtimeclasses', 'node.k8s.io/v1', 'false', 'RuntimeClass']);
    const explain = await c.ok(['explain', 'runtimeclass.overhead']);
    assert.match(explain, /GROUP:\s+node.k8s.io/);
    assert.match(explain, /podFixed\s+<map\[string\]Quantity>/);
  });

  test('apply a RuntimeClass and a pod: overhead and toleration are set, the pod is scheduled', async () => {
    assert.equal((await c.ok(['apply', '-f', '-'], CLASS)).trim(), 'runtimeclass.node.k8s.io/sandboxed created');
    const got = await c.ok(['get', 'runtimeclass', 'sandboxed']);
    assert.match(got, /^NAME\s+HANDLER\s+AGE\n/);
    assert.match(got, /^sandboxed\s+runc\s+/m);
    assert.equal((await c.ok(['apply', '-f', '-'], pod('sandboxed-pod', 'sandboxed'))).trim(), 'pod/sandboxed-pod created');
    const node = await eventually('pod scheduled', async () => (await c.ok(['get', 'pod', 'sandboxed-pod', '-o', 'jsonpath={.spec.nodeName}'])).trim(), 30_000);
    assert.ok(node.length > 0);
    assert.equal(await c.ok(['get', 'pod', 'sandboxed-pod', '-o', 'jsonpath={.spec.overhead}']), '{"cpu":"250m","memory":"64Mi"}');
    assert.match(await c.ok(['get', 'pod', 'sandboxed-pod', '-o', 'jsonpath={.spec.tolerations[*].key}']), /^sandbox /);
  });

  test('a pod naming a missing RuntimeClass is refused', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], { stdin: pod('orphan', 'missing') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pods "orphan" is forbidden: pod rejected: RuntimeClass "missing" not found/);
  });
});

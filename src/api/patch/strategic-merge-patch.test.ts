import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../object.js';
import { StatusError } from '../errors.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const SERVICE = 'io.k8s.api.core.v1.Service';
const PDB = 'io.k8s.api.policy.v1.PodDisruptionBudget';

const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const container = (name: string, extra: JsonObject = {}): JsonObject => ({ name, image: `${name}:1`, ...extra });

interface Case {
  name: string;
  def: string;
  doc: JsonObject;
  patch: JsonObject;
  want: JsonObject;
}

const cases: Case[] = [
  {
    name: 'kubectl set image on a pod with 2 containers keeps order and the other container',
    def: POD,
    doc: pod({ containers: [container('a'), container('b')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ image: 'b:2', name: 'b' }] } },
    want: pod({ containers: [container('a'), { name: 'b', image: 'b:2' }] }),
  },
  {
    name: 'kubectl set image on a deployment template',
    def: DEPLOYMENT,
    doc: { kind: 'Deployment', spec: { replicas: 1, template: { spec: { containers: [container('web')] } } } },
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.27', name: 'web' }] } } } },
    want: { kind: 'Deployment', spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
  },
  {
    name: 'client-side apply patch (kubectl-wire 5.3)',
    def: POD,
    doc: pod({ containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }, {
      name: 'nginx-apply',
      namespace: 'default',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'OLD\n', other: 'keep' },
      labels: { app: 'nginx' },
    }),
    patch: {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'NEW\n' }, labels: { tier: 'web' } },
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.27', name: 'nginx' }] },
    },
    want: pod({ containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }, {
      name: 'nginx-apply',
      namespace: 'default',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'NEW\n', other: 'keep' },
      labels: { app: 'nginx', tier: 'web' },
    }),
  },
  {
    name: '$patch: delete removes a container',
    def: POD,
    doc: pod({ containers: [container('a'), container('b'), container('c')] }),
    patch: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } },
    want: pod({ containers: [container('a'), container('c')] }),
  },
  {
    name: 'apply removing a container: $setElementOrder plus $patch: delete',
    def: POD,
    doc: pod({ containers: [container('a'), container('b')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ $patch: 'delete', name: 'b' }] } },
    want: pod({ containers: [container('a')] }),
  },
  {
    // Upstream shifts the deletion inside the live list's array and appends into the freed slot;
    // the ordering step sees that, which puts the surviving live item before the new one.
    name: 'apply deleting one item and adding another keeps upstream order',
    def: POD,
    doc: pod({ containers: [container('a'), container('b', { image: 'b:live' }), container('d')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }], containers: [container('c'), { name: 'a', $patch: 'delete' }] } },
    want: pod({ containers: [container('b', { image: 'b:live' }), container('d'), container('c')] }),
  },
  {
    name: '$setElementOrder alone reorders the live list',
    def: POD,
    doc: pod({ containers: [container('a'), container('b')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } },
    want: pod({ containers: [container('b'), container('a')] }),
  },
  {
    name: '$setElementOrder places a new item',
    def: POD,
    doc: pod({ containers: [container('a'), container('b')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'c' }, { name: 'b' }], containers: [container('c')] } },
    want: pod({ containers: [container('a'), container('c'), container('b')] }),
  },
  {
    name: 'env merged by name; new vars after live ones',
    def: POD,
    doc: pod({ containers: [container('w', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
    patch: { spec: { containers: [{ name: 'w', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } },
    want: pod({ containers: [container('w', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }] })] }),
  },
  {
    name: 'env var field deleted with null',
    def: POD,
    doc: pod({ containers: [container('w', { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }] })] }),
    patch: { spec: { containers: [{ name: 'w', env: [{ name: 'A', valueFrom: null, value: 'v' }] }] } },
    want: pod({ containers: [container('w', { env: [{ name: 'A', value: 'v' }] })] }),
  },
  {
    name: 'volumeMounts merged by mountPath',
    def: POD,
    doc: pod({ containers: [container('w', { volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cfg', mountPath: '/etc/cfg' }] })] }),
    patch: { spec: { containers: [{ name: 'w', volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } },
    want: pod({ containers: [container('w', { volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'cfg', mountPath: '/etc/cfg' }] })] }),
  },
  {
    name: 'container ports merged by containerPort; patch order wins for patched items',
    def: POD,
    doc: pod({ containers: [container('w', { ports: [{ containerPort: 80, protocol: 'TCP' }] })] }),
    patch: { spec: { containers: [{ name: 'w', ports: [{ containerPort: 443 }, { containerPort: 80, name: 'http' }] }] } },
    want: pod({ containers: [container('w', { ports: [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP', name: 'http' }] })] }),
  },
  {
    name: 'service ports merged by port',
    def: SERVICE,
    doc: { kind: 'Service', spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP' }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    want: { kind: 'Service', spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP' }] } },
  },
  {
    name: 'tolerations (no merge key) are replaced whole',
    def: POD,
    doc: pod({ containers: [container('a')], tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } },
    want: pod({ containers: [container('a')], tolerations: [{ key: 'c', operator: 'Exists' }] }),
  },
  {
    name: 'args are replaced whole',
    def: POD,
    doc: pod({ containers: [container('a', { args: ['x', 'y'] })] }),
    patch: { spec: { containers: [{ name: 'a', args: ['z'] }] } },
    want: pod({ containers: [container('a', { args: ['z'] })] }),
  },
  {
    name: 'finalizers merged as a set, in upstream order',
    def: POD,
    doc: pod({ containers: [] }, { name: 'p', finalizers: ['x', 'y'] }),
    patch: { metadata: { finalizers: ['z', 'x'] } },
    want: pod({ containers: [] }, { name: 'p', finalizers: ['z', 'x', 'y'] }),
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    def: POD,
    doc: pod({ containers: [] }, { name: 'p', finalizers: ['x', 'y', 'z'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['x', 'z'] } },
    want: pod({ containers: [] }, { name: 'p', finalizers: ['y'] }),
  },
  {
    name: 'apply-style primitive list patch: order, add and delete together',
    def: POD,
    doc: pod({ containers: [] }, { name: 'p', finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'd', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['d'] } },
    want: pod({ containers: [] }, { name: 'p', finalizers: ['c', 'd', 'a'] }),
  },
  {
    name: 'null deletes fields and labels',
    def: POD,
    doc: pod({ containers: [container('a')], nodeName: 'n1' }, { name: 'p', labels: { a: '1', b: '2' } }),
    patch: { metadata: { labels: { a: null } }, spec: { nodeName: null, missing: null } },
    want: pod({ containers: [container('a')] }, { name: 'p', labels: { b: '2' } }),
  },
  {
    name: '$retainKeys clears the keys it does not list',
    def: DEPLOYMENT,
    doc: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: 'volumes (merge,retainKeys) with $retainKeys swaps the volume source',
    def: POD,
    doc: pod({ containers: [], volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } },
    want: pod({ containers: [], volumes: [{ name: 'v', hostPath: { path: '/x' } }, { name: 'w', emptyDir: {} }] }),
  },
  {
    name: '$patch: replace on a map',
    def: POD,
    doc: pod({ containers: [], nodeSelector: { zone: 'a', disk: 'hdd' } }),
    patch: { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } },
    want: pod({ containers: [], nodeSelector: { disk: 'ssd' } }),
  },
  {
    name: '$patch: replace on a list',
    def: POD,
    doc: pod({ containers: [container('a'), container('b')] }),
    patch: { spec: { containers: [container('c'), { $patch: 'replace' }] } },
    want: pod({ containers: [container('c')] }),
  },
  {
    name: '$patch: delete on an existing map leaves it empty',
    def: DEPLOYMENT,
    doc: { spec: { strategy: { type: 'Recreate' } } },
    patch: { spec: { strategy: { $patch: 'delete' } } },
    want: { spec: { strategy: {} } },
  },
  {
    name: '$patch: delete on a missing map is dropped',
    def: DEPLOYMENT,
    doc: { spec: {} },
    patch: { spec: { strategy: { $patch: 'delete' } } },
    want: { spec: {} },
  },
  {
    name: 'patchStrategy replace (PDB selector) replaces the struct',
    def: PDB,
    doc: { spec: { selector: { matchLabels: { a: '1' } }, minAvailable: 1 } },
    patch: { spec: { selector: { matchLabels: { b: '2' } } } },
    want: { spec: { selector: { matchLabels: { b: '2' } }, minAvailable: 1 } },
  },
  {
    // Without $setElementOrder, items the live list does not know go first (upstream's mergeSortedSlice).
    name: 'new list items go first, and new items and subtrees are cleaned of directives and nulls',
    def: POD,
    doc: pod({ containers: [container('a')] }),
    patch: { spec: { containers: [{ name: 'c', image: 'c:1', '$setElementOrder/env': [{ name: 'A' }], env: [{ name: 'A', value: '1' }], command: null }], securityContext: { runAsUser: 1, fsGroup: null } } },
    want: pod({ containers: [{ name: 'c', image: 'c:1', env: [{ name: 'A', value: '1' }] }, container('a')], securityContext: { runAsUser: 1 } }),
  },
  {
    name: 'a value of another type replaces',
    def: POD,
    doc: pod({ containers: [container('a', { ports: [{ containerPort: 80 }] })] }),
    patch: { spec: { containers: [{ name: 'a', ports: { bogus: true } }] } },
    want: pod({ containers: [container('a', { ports: { bogus: true } })] }),
  },
  {
    name: 'unknown type: maps merge, lists replace',
    def: 'com.example.v1.Widget',
    doc: { spec: { items: [{ name: 'a' }], conf: { x: 1, y: 2 } } },
    patch: { spec: { items: [{ name: 'b' }], conf: { y: null, z: 3 } } },
    want: { spec: { items: [{ name: 'b' }], conf: { x: 1, z: 3 } } },
  },
  {
    name: 'ownerReferences merged by uid',
    def: POD,
    doc: pod({ containers: [] }, { name: 'p', ownerReferences: [{ uid: 'u1', name: 'rs1', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] }),
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } },
    want: pod({ containers: [] }, { name: 'p', ownerReferences: [{ uid: 'u1', name: 'rs1', kind: 'ReplicaSet', apiVersion: 'apps/v1', controller: true }] }),
  },
  {
    name: 'status conditions merged by type',
    def: POD,
    doc: { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] } },
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    want: { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] } },
  },
];

describe('applyStrategicMergePatch', () => {
  for (const c of cases) {
    test(c.name, () => {
      const before = JSON.stringify([c.doc, c.patch]);
      assert.deepEqual(applyStrategicMergePatch(c.doc, c.patch, c.def), c.want);
      assert.equal(JSON.stringify([c.doc, c.patch]), before, 'inputs must not be mutated');
    });
  }
});

describe('applyStrategicMergePatch: errors', () => {
  const errCases: { name: string; def?: string; doc: JsonObject; patch: unknown; code: number; reason: string; message: string | RegExp }[] = [
    { name: 'patch is a list', doc: {}, patch: [1], code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
    { name: 'unknown $patch in a map', doc: { spec: { nodeSelector: { a: 'b' } } }, patch: { spec: { nodeSelector: { $patch: 'frob', a: 1 } } }, code: 500, reason: '', message: 'unknown patch type: frob in map: map[$patch:frob a:1]' },
    { name: '$patch: merge in a list', doc: pod({ containers: [container('a')] }), patch: { spec: { containers: [{ $patch: 'merge' }] } }, code: 500, reason: '', message: 'merging lists cannot yet be specified in the patch' },
    { name: '$patch: delete without the merge key', doc: pod({ containers: [container('a')] }), patch: { spec: { containers: [{ $patch: 'delete' }] } }, code: 500, reason: '', message: 'map: map[$patch:delete] does not contain declared merge key: name' },
    { name: 'merge list item without the merge key', doc: pod({ containers: [container('a')] }), patch: { spec: { containers: [{ image: 'x' }] } }, code: 500, reason: '', message: 'map: map[image:x] does not contain declared merge key: name' },
    { name: '$setElementOrder without a list name', doc: pod({ containers: [] }), patch: { spec: { $setElementOrderx: [] } }, code: 400, reason: 'BadRequest', message: 'invalid patch format of setElementOrder list' },
    { name: '$deleteFromPrimitiveList without a list name', doc: pod({ containers: [] }, { finalizers: ['a'] }), patch: { metadata: { $deleteFromPrimitiveListx: ['a'] } }, code: 400, reason: 'BadRequest', message: 'invalid patch format of primitive list' },
    { name: '$retainKeys not a list', def: DEPLOYMENT, doc: { spec: { strategy: {} } }, patch: { spec: { strategy: { $retainKeys: 'type' } } }, code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' },
    { name: 'patch key outside $retainKeys', def: DEPLOYMENT, doc: { spec: { strategy: {} } }, patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' },
    { name: '$setElementOrder that does not cover the patch list', doc: pod({ containers: [container('a')] }), patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b' }] } }, code: 500, reason: '', message: /^The order in patch list:\n\[map\[name:b\]\]\n doesn't match \$setElementOrder list:\n\[map\[name:a\]\]\n$/ },
    { name: 'list of lists', doc: pod({ containers: [] }, { finalizers: [] }), patch: { metadata: { finalizers: [['a']] } }, code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
    { name: 'mixed element types', doc: pod({ containers: [] }, { finalizers: ['x'] }), patch: { metadata: { finalizers: [1] } }, code: 500, reason: '', message: 'list element types are not identical: [[x] [1]]' },
    { name: 'nested object inside an opaque struct', def: 'io.k8s.api.apps.v1.ControllerRevision', doc: { data: { spec: { a: 1 } } }, patch: { data: { spec: { a: 2 } } }, code: 500, reason: '', message: 'unable to find api field in struct RawExtension for the json field "spec"' },
  ];
  for (const c of errCases) {
    test(c.name, () => {
      assert.throws(
        () => applyStrategicMergePatch(c.doc, c.patch as JsonObject, c.def ?? POD),
        (e: unknown) => {
          assert.ok(e instanceof StatusError, String(e));
          assert.equal(e.code, c.code);
          assert.equal(e.reason, c.reason);
          if (typeof c.message === 'string') assert.equal(e.message, c.message);
          else assert.match(e.message, c.message);
          return true;
        },
      );
    });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANY_VERSION_KINDS, MESSAGES, TOP_LEVEL_KINDS } from './messages.js';

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double']);

test('every field kind resolves to a scalar or a message in the table', () => {
  for (const [name, m] of Object.entries(MESSAGES)) {
    const seen = new Set<number>();
    for (const f of m.fields) {
      assert.ok(!seen.has(f.n), `${name} repeats field ${f.n}`);
      seen.add(f.n);
      const map = /^map<(\w+),(.+)>$/.exec(f.kind);
      for (const k of map ? [map[1]!, map[2]!] : [f.kind]) assert.ok(SCALARS.has(k) || MESSAGES[k], `${name}.${f.json}: unknown kind ${k}`);
      if (map) assert.equal(map[1], 'string', `${name}.${f.json}: map key`);
    }
  }
});

test('the kinds kubectl sends as protobuf bodies are all in the table', () => {
  const required = [
    'v1/Namespace', 'v1/Pod', 'v1/Service', 'v1/Endpoints', 'v1/ConfigMap', 'v1/Secret', 'v1/ServiceAccount', 'v1/Event', 'events.k8s.io/v1/Event',
    'v1/Node', 'v1/PersistentVolume', 'v1/PersistentVolumeClaim', 'v1/LimitRange', 'v1/ResourceQuota', 'v1/PodTemplate', 'v1/Binding',
    'policy/v1/Eviction', 'authentication.k8s.io/v1/TokenRequest', 'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet',
    'apps/v1/DaemonSet', 'apps/v1/ControllerRevision', 'batch/v1/Job', 'batch/v1/CronJob', 'autoscaling/v1/Scale', 'coordination.k8s.io/v1/Lease',
    'discovery.k8s.io/v1/EndpointSlice', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
    'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
    'authorization.k8s.io/v1/SelfSubjectAccessReview', 'authorization.k8s.io/v1/SubjectAccessReview', 'authorization.k8s.io/v1/LocalSubjectAccessReview',
    'authorization.k8s.io/v1/SelfSubjectRulesReview', 'authentication.k8s.io/v1/TokenReview', 'authentication.k8s.io/v1/SelfSubjectReview',
    'policy/v1/PodDisruptionBudget', 'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/IngressClass', 'networking.k8s.io/v1/NetworkPolicy',
    'storage.k8s.io/v1/StorageClass', 'scheduling.k8s.io/v1/PriorityClass',
  ];
  for (const k of required) assert.ok(TOP_LEVEL_KINDS[k] && MESSAGES[TOP_LEVEL_KINDS[k]!], k);
  assert.equal(ANY_VERSION_KINDS.DeleteOptions, 'meta.v1.DeleteOptions');
});

test('json names and Go facts come from types.go, not proto names', () => {
  const bound = MESSAGES['authentication.v1.BoundObjectReference']!.fields.find((f) => f.n === 4)!;
  assert.equal(bound.json, 'uid'); // proto calls it uID
  const replicas = MESSAGES['apps.v1.DeploymentSpec']!.fields.find((f) => f.n === 1)!;
  assert.deepEqual(replicas, { n: 1, json: 'replicas', kind: 'int32', omitempty: true, pointer: true });
  assert.equal(MESSAGES['core.v1.Volume']!.fields.find((f) => f.n === 2)!.inline, true);
  assert.equal(MESSAGES['authorization.v1.ExtraValue']!.special, 'items');
});

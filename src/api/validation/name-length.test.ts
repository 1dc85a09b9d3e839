import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { validators } from './index.js';
import { validateObjectMeta } from './object-meta.js';
import { nameIsDNSSubdomain, nameWarnings } from './names.js';

/** The metadata.name messages a kind's create validation gives for a name of `n` characters. */
function nameErrors(key: string, n: number): string[] {
  const slash = key.lastIndexOf('/');
  const obj: KubeObject = { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), metadata: { name: 'a'.repeat(n), namespace: 'default' } };
  return validators[key].validate(obj).filter((e) => e.field === 'metadata.name').map((e) => e.toString());
}

const tooLong = (n: number, max: number) => `metadata.name: Invalid value: "${'a'.repeat(n)}": must be no more than ${max} characters`;

describe('name length limits per kind, as upstream validates them', () => {
  const subdomainKinds = [
    'v1/ConfigMap', 'v1/Secret', 'v1/Pod', 'v1/ServiceAccount', 'v1/Node', 'v1/Endpoints', 'v1/Event', 'v1/LimitRange', 'v1/ResourceQuota',
    'v1/PodTemplate', 'v1/PersistentVolume', 'v1/PersistentVolumeClaim', 'v1/ReplicationController',
    'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/DaemonSet', 'apps/v1/ControllerRevision', 'batch/v1/Job',
    'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/IngressClass', 'networking.k8s.io/v1/NetworkPolicy',
    'storage.k8s.io/v1/StorageClass', 'policy/v1/PodDisruptionBudget', 'coordination.k8s.io/v1/Lease',
    'discovery.k8s.io/v1/EndpointSlice', 'events.k8s.io/v1/Event', 'scheduling.k8s.io/v1/PriorityClass', 'node.k8s.io/v1/RuntimeClass',
  ];
  // [kind, longest valid name, messages for one character more]
  const cases: Array<[string, number, string[]]> = [
    ...subdomainKinds.map((k): [string, number, string[]] => [k, 253, [tooLong(254, 253)]]),
    ['v1/Namespace', 63, [tooLong(64, 63)]],
    ['v1/Service', 63, [tooLong(64, 63)]],
    ['apps/v1/StatefulSet', 63, [tooLong(64, 63)]],
    ['batch/v1/CronJob', 52, [tooLong(53, 52)]],
  ];
  for (const [kind, max, want] of cases) {
    test(`${kind}: ${max} characters pass, ${max + 1} do not`, () => {
      assert.deepEqual(nameErrors(kind, max), []);
      assert.deepEqual(nameErrors(kind, max + 1), want);
    });
  }

  test('every validated kind is in the table or named by path segments', () => {
    const pathSegmentKinds = ['rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding'];
    assert.deepEqual(Object.keys(validators).filter((k) => !cases.some(([c]) => c === k) && !pathSegmentKinds.includes(k)), []);
    // RBAC names are path segments: any length.
    for (const k of pathSegmentKinds) assert.deepEqual(nameErrors(k, 1000), [], k);
  });

  test('a long name that is also malformed gets both messages', () => {
    const name = `${'A'.repeat(254)}`;
    const msgs = validateObjectMeta({ name, namespace: 'default' }, { namespaced: true, nameFn: nameIsDNSSubdomain }).map((e) => e.toString());
    assert.equal(msgs.length, 2);
    assert.equal(msgs[0], `metadata.name: Invalid value: "${name}": must be no more than 253 characters`);
    assert.match(msgs[1], /^metadata\.name: Invalid value: "A+": a lowercase RFC 1123 subdomain must consist of/);
  });

  test('an Indexed Job whose last pod hostname would be too long names it', () => {
    const job = (name: string, completions: number): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' }, spec: { completionMode: 'Indexed', completions } });
    const msgs = (o: KubeObject) => validators['batch/v1/Job'].validate(o).filter((e) => e.field === 'metadata.name').map((e) => e.toString());
    assert.deepEqual(msgs(job('a'.repeat(61), 10)), []);
    assert.deepEqual(msgs(job('a'.repeat(61), 11)), [`metadata.name: Invalid value: "${'a'.repeat(61)}": will not able to create pod with invalid DNS label: ${'a'.repeat(61)}-10`]);
    assert.deepEqual(msgs(job('web.v1', 1)), ['metadata.name: Invalid value: "web.v1": will not able to create pod with invalid DNS label: web.v1-0']);
  });
});

describe('label and annotation length limits', () => {
  const meta = (m: Record<string, unknown>) => validateObjectMeta({ name: 'x', namespace: 'default', ...m }, { namespaced: true, nameFn: nameIsDNSSubdomain }).map((e) => e.toString());
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['label value of 63', { labels: { k: 'v'.repeat(63) } }, []],
    ['label value of 64', { labels: { k: 'v'.repeat(64) } }, [`metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`]],
    ['label key name of 63', { labels: { ['k'.repeat(63)]: 'v' } }, []],
    ['label key name of 64', { labels: { ['k'.repeat(64)]: 'v' } }, [`metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`]],
    ['label key prefix of 253', { labels: { [`${'p'.repeat(253)}/k`]: 'v' } }, []],
    ['label key prefix of 254', { labels: { [`${'p'.repeat(254)}/k`]: 'v' } }, [`metadata.labels: Invalid value: "${'p'.repeat(254)}/k": prefix part must be no more than 253 characters`]],
    ['annotation key name of 64', { annotations: { ['k'.repeat(64)]: 'v' } }, [`metadata.annotations: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`]],
    ['annotations up to 256 KiB', { annotations: { k: 'v'.repeat(256 * 1024 - 1) } }, []],
    ['annotations over 256 KiB', { annotations: { k: 'v'.repeat(256 * 1024) } }, ['metadata.annotations: Too long: may not be more than 262144 bytes']],
  ];
  for (const [name, m, want] of cases) test(name, () => assert.deepEqual(meta(m), want));
});

describe('create warnings for names that become hostnames', () => {
  const label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const cases: Array<[string, string, string[]]> = [
    ['pods', 'web', []],
    ['pods', 'web.v1', [`metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${label}]`]],
    ['deployments.apps', 'a'.repeat(64), ['metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must be no more than 63 characters]']],
    ['jobs.batch', 'A.b', [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${label}]`]],
    ['configmaps', 'web.v1', []],
  ];
  for (const [resource, name, want] of cases) test(`${resource} ${name.slice(0, 10)}`, () => assert.deepEqual(nameWarnings(resource, name), want));
});

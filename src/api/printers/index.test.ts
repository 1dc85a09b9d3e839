import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { defaultPrinter, hasPrinter, printerFor } from './index.js';
import { NOW, ago } from './testing.js';

const served: [string, string, string[]][] = [
  ['', 'pods', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']],
  ['', 'podtemplates', ['NAME', 'CONTAINERS', 'IMAGES', 'POD LABELS']],
  ['', 'services', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']],
  ['', 'endpoints', ['NAME', 'ENDPOINTS', 'AGE']],
  ['', 'nodes', ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']],
  ['', 'namespaces', ['NAME', 'STATUS', 'AGE']],
  ['', 'events', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']],
  ['', 'configmaps', ['NAME', 'DATA', 'AGE']],
  ['', 'secrets', ['NAME', 'TYPE', 'DATA', 'AGE']],
  ['', 'serviceaccounts', ['NAME', 'SECRETS', 'AGE']],
  ['', 'persistentvolumes', ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE', 'VOLUMEMODE']],
  ['', 'persistentvolumeclaims', ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE', 'VOLUMEMODE']],
  ['', 'resourcequotas', ['NAME', 'REQUEST', 'LIMIT', 'AGE']],
  ['', 'limitranges', ['NAME', 'CREATED AT']],
  ['apps', 'deployments', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
  ['apps', 'replicasets', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
  ['apps', 'statefulsets', ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES']],
  ['apps', 'daemonsets', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
  ['apps', 'controllerrevisions', ['NAME', 'CONTROLLER', 'REVISION', 'AGE']],
  ['batch', 'jobs', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
  ['batch', 'cronjobs', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
  ['coordination.k8s.io', 'leases', ['NAME', 'HOLDER', 'AGE']],
  ['discovery.k8s.io', 'endpointslices', ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']],
  ['rbac.authorization.k8s.io', 'roles', ['NAME', 'CREATED AT']],
  ['rbac.authorization.k8s.io', 'clusterroles', ['NAME', 'CREATED AT']],
  ['rbac.authorization.k8s.io', 'rolebindings', ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']],
  ['policy', 'poddisruptionbudgets', ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']],
  ['networking.k8s.io', 'ingresses', ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']],
  ['networking.k8s.io', 'ingressclasses', ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']],
  ['networking.k8s.io', 'networkpolicies', ['NAME', 'POD-SELECTOR', 'AGE']],
  ['storage.k8s.io', 'storageclasses', ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']],
  ['events.k8s.io', 'events', ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']],
  ['authorization.k8s.io', 'selfsubjectaccessreviews', ['NAME', 'CREATED AT']],
  ['example.com', 'widgets', ['NAME', 'CREATED AT']],
];

describe('printerFor: headers as kubectl shows them', () => {
  for (const [group, resource, headers] of served) {
    test(`${resource}${group ? `.${group}` : ''}`, () => {
      assert.deepEqual(printerFor(group, resource).columns.map((c) => c.name.toUpperCase()), headers);
    });
  }
});

describe('every printer is total', () => {
  const samples: KubeObject[] = [
    {},
    { metadata: {} },
    { metadata: { name: 'x', creationTimestamp: ago(5) }, spec: null, status: 'weird' } as unknown as KubeObject,
    { metadata: { name: 'x' }, spec: { containers: 'nope', template: [] }, status: { conditions: [null, 3] } },
  ];
  for (const [group, resource] of served) {
    test(`${resource}${group ? `.${group}` : ''} never throws and fills every column`, () => {
      const p = printerFor(group, resource);
      for (const s of samples) {
        const cells = p.cells(s, NOW);
        assert.equal(cells.length, p.columns.length);
        for (const [i, c] of p.columns.entries()) {
          if (c.type === 'integer') assert.equal(typeof cells[i], 'number', `${c.name} should be a number`);
        }
      }
    });
  }
  test('every column has a description and a name column has format name', () => {
    for (const [group, resource] of served) {
      for (const c of printerFor(group, resource).columns) {
        assert.ok(c.description.length > 0, `${resource}/${c.name}`);
        if (c.name === 'Name') assert.equal(c.format, 'name');
      }
    }
  });
});

test('default printer', () => {
  assert.equal(hasPrinter('example.com', 'widgets'), false);
  assert.equal(hasPrinter('', 'pods'), true);
  assert.deepEqual(defaultPrinter.columns, [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the object, unique within its namespace.', priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: 'Time the object was created.', priority: 0 },
  ]);
  assert.deepEqual(printerFor('example.com', 'widgets').cells({ metadata: { name: 'w', creationTimestamp: '2024-06-01T11:00:00Z' } }, NOW), ['w', '2024-06-01T11:00:00Z']);
});

test('subresources', () => {
  const scale = printerFor('apps', 'deployments/scale');
  assert.deepEqual(scale.columns.map((c) => [c.name, c.format]), [['Name', ''], ['Desired', ''], ['Available', ''], ['Age', '']]);
  assert.deepEqual(scale.cells({ kind: 'Scale', metadata: { name: 'web', creationTimestamp: ago(60) }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } }, NOW), ['web', 3, 2, '60s']);
  assert.equal(printerFor('', 'pods/status'), printerFor('', 'pods'));
});

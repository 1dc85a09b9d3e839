import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generatorModule } from './schemas.test-util.js';
import { readSchemaFile } from './load.js';
import type { SchemaSet } from './types.js';

describe('scripts/gen-schemas.mjs', () => {
  let set: SchemaSet;
  let result: { count: number; withTypeMeta: boolean; ms: number };
  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k8ts-gen-'));
    try {
      result = await (await generatorModule()).generateSchemas(path.join(dir, 'out.json'));
      set = readSchemaFile(path.join(dir, 'out.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('generates every definition, with the v1.32 type metadata', () => {
    assert.ok(result.withTypeMeta);
    assert.ok(result.count > 900, `${result.count} definitions`);
    assert.equal(Object.keys(set.definitions).length, result.count);
  });

  test('Pod: described, group-version-kind array, references to its parts', () => {
    const pod = set.definitions['io.k8s.api.core.v1.Pod'];
    assert.match(pod.description ?? '', /collection of containers/);
    assert.equal(pod.type, 'object');
    assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    assert.equal(pod.properties?.spec.$ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
    assert.ok(pod.properties?.spec.description);
    assert.equal(pod.properties?.apiVersion.type, 'string');
    assert.match(pod.properties?.apiVersion.description ?? '', /versioned schema/);
    assert.equal(pod.required, undefined, 'apiVersion and kind are not required upstream');
  });

  test('PodSpec.containers: required list of Container with its merge key', () => {
    const spec = set.definitions['io.k8s.api.core.v1.PodSpec'];
    assert.ok(spec.required?.includes('containers'));
    const c = spec.properties!.containers;
    assert.equal(c.type, 'array');
    assert.equal(c.items?.$ref, '#/definitions/io.k8s.api.core.v1.Container');
    assert.equal(c['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(c['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(c['x-kubernetes-list-type'], 'map');
    assert.deepEqual(c['x-kubernetes-list-map-keys'], ['name']);
    assert.deepEqual(spec.properties!.nodeSelector.additionalProperties, { type: 'string' });
  });

  test('Container: enums from literal unions, integer formats from type metadata', () => {
    const c = set.definitions['io.k8s.api.core.v1.Container'];
    assert.deepEqual(c.required, ['name']);
    assert.deepEqual(c.properties!.imagePullPolicy.enum, ['Always', 'IfNotPresent', 'Never']);
    assert.equal(c.properties!.imagePullPolicy.type, 'string');
    const port = set.definitions['io.k8s.api.core.v1.ContainerPort'].properties!.containerPort;
    assert.deepEqual({ type: port.type, format: port.format }, { type: 'integer', format: 'int32' });
    const grace = set.definitions['io.k8s.api.core.v1.PodSpec'].properties!.terminationGracePeriodSeconds;
    assert.equal(grace.format, 'int64');
    const modes = set.definitions['io.k8s.api.core.v1.PersistentVolumeClaimSpec'].properties!.accessModes;
    assert.ok(modes.items?.enum?.includes('ReadWriteOnce'));
  });

  test('special scalar types', () => {
    const d = set.definitions;
    assert.deepEqual([d['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, d['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format], ['string', 'int-or-string']);
    assert.equal(d['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
    assert.equal(d['io.k8s.apimachinery.pkg.api.resource.Quantity'].format, undefined);
    assert.equal(d['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format, 'date-time');
    assert.equal(d['io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime'].format, 'date-time');
    assert.equal(d['io.k8s.apimachinery.pkg.runtime.RawExtension'].type, 'object');
    assert.equal(d['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON'].type, undefined);
    const limits = d['io.k8s.api.core.v1.ResourceRequirements'].properties!.limits;
    assert.equal((limits.additionalProperties as { $ref: string }).$ref, '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity');
  });

  test('struct map types and comment escapes', () => {
    const sel = set.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'];
    assert.equal(sel['x-kubernetes-map-type'], 'atomic');
    const we = set.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent'].properties!.object.description ?? '';
    assert.ok(we.includes(' * If Type is Added'), we);
    assert.ok(!we.includes('\\*'));
  });

  test('alias names map to definition names', async () => {
    const { aliasToDefName } = await generatorModule();
    const table: Array<[string, string]> = [
      ['IIoK8sApiCoreV1Container', 'io.k8s.api.core.v1.Container'],
      ['IIoK8sApiAppsV1Deployment', 'io.k8s.api.apps.v1.Deployment'],
      ['IIoK8sApiAutoscalingV2beta2HPAScalingPolicy', 'io.k8s.api.autoscaling.v2beta2.HPAScalingPolicy'],
      ['IIoK8sApimachineryPkgApisMetaV1ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'],
      ['IIoK8sApimachineryPkgUtilIntstrIntOrString', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString'],
      ['IIoK8sApimachineryPkgApiResourceQuantity', 'io.k8s.apimachinery.pkg.api.resource.Quantity'],
      ['IIoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'],
      ['IIoK8sKubeAggregatorPkgApisApiregistrationV1APIService', 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService'],
    ];
    for (const [alias, want] of table) assert.equal(aliasToDefName(alias), want, alias);
  });
});

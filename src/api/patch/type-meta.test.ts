import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allTypeNames, defNameForKind, typeMeta } from './type-meta.js';

describe('typeMeta', () => {
  test('covers every v1.32 definition', () => {
    const names = allTypeNames();
    assert.equal(names.length, 638);
    assert.ok(names.includes('io.k8s.api.core.v1.PodSpec'));
    assert.equal(typeMeta('io.k8s.api.core.v1.NoSuchThing'), undefined);
    assert.equal(typeMeta('constructor'), undefined);
  });

  const fields: [string, string, Record<string, unknown>][] = [
    ['io.k8s.api.core.v1.PodSpec', 'containers', { list: true, ref: 'io.k8s.api.core.v1.Container', patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
    ['io.k8s.api.core.v1.PodSpec', 'volumes', { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' }],
    ['io.k8s.api.core.v1.PodSpec', 'tolerations', { list: true, listType: 'atomic', patchStrategy: undefined }],
    ['io.k8s.api.core.v1.PodSpec', 'nodeSelector', { map: true, elemType: 'string', mapType: 'atomic' }],
    ['io.k8s.api.core.v1.Container', 'ports', { patchMergeKey: 'containerPort', listMapKeys: ['containerPort', 'protocol'] }],
    ['io.k8s.api.core.v1.Container', 'volumeMounts', { patchMergeKey: 'mountPath' }],
    ['io.k8s.api.core.v1.ServiceSpec', 'ports', { patchMergeKey: 'port', listMapKeys: ['port', 'protocol'] }],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers', { list: true, elemType: 'string', patchStrategy: 'merge', listType: 'set' }],
    ['io.k8s.api.apps.v1.DeploymentSpec', 'strategy', { ref: 'io.k8s.api.apps.v1.DeploymentStrategy', patchStrategy: 'retainKeys' }],
    ['io.k8s.api.apps.v1.DeploymentSpec', 'selector', { structType: 'atomic' }],
    ['io.k8s.api.core.v1.PersistentVolumeSpec', 'claimRef', { structType: 'granular' }],
    ['io.k8s.api.core.v1.ResourceRequirements', 'limits', { map: true, elemType: 'string', elemFormat: 'quantity' }],
    ['io.k8s.api.core.v1.ContainerPort', 'containerPort', { type: 'integer', format: 'int32' }],
    ['io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'minAvailable', { type: 'string', format: 'int-or-string' }],
    ['io.k8s.api.authentication.v1.UserInfo', 'extra', { map: true, elemList: true, elemType: 'string' }],
  ];
  for (const [def, field, want] of fields) {
    test(`${def}.${field}`, () => {
      const f = typeMeta(def)?.fields[field];
      assert.ok(f, 'field present');
      for (const [k, v] of Object.entries(want)) assert.deepEqual((f as Record<string, unknown>)[k], v, k);
    });
  }

  test('scalar definitions carry their format; kinds map to definitions', () => {
    assert.deepEqual(typeMeta('io.k8s.apimachinery.pkg.api.resource.Quantity'), { type: 'string', format: 'quantity', fields: {} });
    assert.equal(typeMeta('io.k8s.apimachinery.pkg.apis.meta.v1.Time')?.format, 'date-time');
    assert.equal(defNameForKind('apps', 'v1', 'Deployment'), 'io.k8s.api.apps.v1.Deployment');
    assert.equal(defNameForKind('', 'v1', 'Pod'), 'io.k8s.api.core.v1.Pod');
    assert.deepEqual(typeMeta('io.k8s.api.core.v1.Pod')?.gvk, [{ group: '', version: 'v1', kind: 'Pod' }]);
  });
});

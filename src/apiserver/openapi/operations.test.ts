import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildPaths, groupVersionPath, referencedDefs, tagOf } from './operations.js';
import { nodes, pods, resourceType } from './fixtures.test-util.js';

describe('operations', () => {
  test('tags and group-version paths', () => {
    const table: Array<[string, string, string, string]> = [
      ['', 'v1', 'core_v1', 'api/v1'],
      ['apps', 'v1', 'apps_v1', 'apis/apps/v1'],
      ['rbac.authorization.k8s.io', 'v1', 'rbacAuthorization_v1', 'apis/rbac.authorization.k8s.io/v1'],
      ['flowcontrol.apiserver.k8s.io', 'v1', 'flowcontrolApiserver_v1', 'apis/flowcontrol.apiserver.k8s.io/v1'],
      ['networking.k8s.io', 'v1beta1', 'networking_v1beta1', 'apis/networking.k8s.io/v1beta1'],
      ['stable.example.com', 'v1', 'stableExampleCom_v1', 'apis/stable.example.com/v1'],
    ];
    for (const [g, v, tag, path] of table) {
      assert.equal(tagOf(g, v), tag);
      assert.equal(groupVersionPath({ group: g, version: v }), path);
    }
  });

  test('verbs decide the operations', () => {
    const ro = resourceType({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', scope: 'Cluster', schemaName: 'io.k8s.api.rbac.v1.ClusterRole', verbs: ['get', 'list'] });
    const paths = buildPaths([ro], () => undefined);
    const ids = paths.flatMap((p) => p.ops.map((o) => `${o.method} ${p.path} ${o.operationId}`));
    assert.deepEqual(ids, [
      'get /apis/rbac.authorization.k8s.io/v1/ getRbacAuthorizationV1APIResources',
      'get /apis/rbac.authorization.k8s.io/v1/clusterroles listRbacAuthorizationV1ClusterRole',
      'get /apis/rbac.authorization.k8s.io/v1/clusterroles/{name} readRbacAuthorizationV1ClusterRole',
    ]);
  });

  test('subresources resolve their kinds; unknown kinds are left out', () => {
    const seen: string[] = [];
    const paths = buildPaths([pods], (g) => {
      seen.push(`${g.group}/${g.version}/${g.kind}`);
      return g.kind === 'Binding' ? 'io.k8s.api.core.v1.Binding' : undefined;
    });
    const p = new Set(paths.map((x) => x.path));
    assert.ok(p.has('/api/v1/namespaces/{namespace}/pods/{name}/binding'));
    assert.ok(!p.has('/api/v1/namespaces/{namespace}/pods/{name}/eviction'));
    assert.ok(p.has('/api/v1/namespaces/{namespace}/pods/{name}/status'));
    assert.ok(seen.includes('policy/v1/Eviction'));
  });

  test('referenced definitions include the lists and meta types', () => {
    const refs = referencedDefs(buildPaths([nodes], () => undefined));
    for (const d of ['io.k8s.api.core.v1.Node', 'io.k8s.api.core.v1.NodeList', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent', 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList'])
      assert.ok(refs.has(d), d);
  });
});

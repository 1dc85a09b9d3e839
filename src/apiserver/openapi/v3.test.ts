import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openApiV3 } from './v3.js';
import { deployments, everyKind, nodes, pods } from './fixtures.test-util.js';
import { testSchemas } from '../../api/schema/schemas.test-util.js';
import type { SchemaSet } from '../../api/schema/types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('openApiV3', () => {
  let schemas: SchemaSet;
  let root: J;
  let core: J;
  let apps: J;
  before(async () => {
    schemas = await testSchemas();
    const r = openApiV3([pods, nodes, deployments], schemas);
    root = r.root as J;
    core = JSON.parse(r.docs.get('api/v1')!.body.toString());
    apps = JSON.parse(r.docs.get('apis/apps/v1')!.body.toString());
  });

  test('root lists each group-version with a content-hash URL; docs carry matching ETags', () => {
    const r = openApiV3([pods, nodes, deployments], schemas);
    assert.deepEqual(Object.keys(root.paths), ['api/v1', 'apis/apps/v1']);
    for (const [key, doc] of r.docs) {
      const hash = createHash('sha512').update(doc.body).digest('hex').toUpperCase();
      assert.equal((r.root as J).paths[key].serverRelativeURL, `/openapi/v3/${key}?hash=${hash}`);
      assert.equal(doc.etag, `"${hash}"`);
    }
    // Deterministic: same input, same hash (kubectl's cache depends on it).
    assert.equal(r.docs.get('api/v1')!.hash, openApiV3([pods, nodes, deployments], schemas).docs.get('api/v1')!.hash);
  });

  test('pods patch: fieldValidation and friends, the four patch content types, GVK object', () => {
    const patch = core.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    assert.equal(patch.operationId, 'patchCoreV1NamespacedPod');
    assert.equal(patch['x-kubernetes-action'], 'patch');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', kind: 'Pod', version: 'v1' });
    assert.deepEqual(
      patch.parameters.map((p: J) => p.name),
      ['dryRun', 'fieldManager', 'fieldValidation', 'force'],
    );
    assert.deepEqual(patch.parameters[2].schema, { type: 'string', uniqueItems: true });
    assert.deepEqual(Object.keys(patch.requestBody.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    assert.equal(patch.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.core.v1.Pod');
  });

  test('every patch operation of a kind advertises fieldValidation (kubectl checks whichever it meets first)', () => {
    for (const doc of [core, apps])
      for (const [path, item] of Object.entries<J>(doc.paths)) if (item.patch) assert.ok(item.patch.parameters.some((p: J) => p.name === 'fieldValidation'), path);
    const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch;
    assert.deepEqual(scale['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
    assert.equal(scale.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
  });

  test('paths and actions as upstream lays them out', () => {
    const p = core.paths;
    assert.equal(p['/api/v1/namespaces/{namespace}/pods'].get['x-kubernetes-action'], 'list');
    assert.equal(p['/api/v1/namespaces/{namespace}/pods'].post.operationId, 'createCoreV1NamespacedPod');
    assert.equal(p['/api/v1/namespaces/{namespace}/pods'].delete['x-kubernetes-action'], 'deletecollection');
    assert.deepEqual(p['/api/v1/namespaces/{namespace}/pods'].post.parameters.map((x: J) => x.name), ['dryRun', 'fieldManager', 'fieldValidation']);
    assert.equal(p['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
    assert.equal(p['/api/v1/watch/namespaces/{namespace}/pods/{name}'].get['x-kubernetes-action'], 'watch');
    assert.equal(p['/api/v1/watch/pods'].get['x-kubernetes-action'], 'watchlist');
    assert.equal(p['/api/v1/namespaces/{namespace}/pods/{name}/status'].put.operationId, 'replaceCoreV1NamespacedPodStatus');
    assert.equal(p['/api/v1/namespaces/{namespace}/pods/{name}/exec'].post['x-kubernetes-action'], 'connect');
    assert.deepEqual(p['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post['x-kubernetes-group-version-kind'], { group: 'policy', kind: 'Eviction', version: 'v1' });
    assert.equal(p['/api/v1/namespaces/{namespace}/pods/{name}/log'].get.operationId, 'readCoreV1NamespacedPodLog');
    assert.ok(p['/api/v1/nodes/{name}'].get);
    assert.equal(p['/api/v1/nodes/{name}'].get.operationId, 'readCoreV1Node');
    assert.equal(p['/api/v1/namespaces/{namespace}/nodes'], undefined);
    const itemParams = p['/api/v1/namespaces/{namespace}/pods/{name}'].parameters.map((x: J) => [x.name, x.in, x.required ?? false]);
    assert.deepEqual(itemParams, [['name', 'path', true], ['namespace', 'path', true], ['pretty', 'query', false]]);
    assert.ok(apps.paths['/apis/apps/v1/'].get);
  });

  test('components: the closure of the operations, refs as components, property refs wrapped in allOf', () => {
    const s = core.components.schemas;
    for (const name of ['io.k8s.api.core.v1.Pod', 'io.k8s.api.core.v1.PodList', 'io.k8s.api.core.v1.Container', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent', 'io.k8s.api.policy.v1.Eviction'])
      assert.ok(s[name], name);
    assert.equal(s['io.k8s.api.apps.v1.Deployment'], undefined, 'other group-versions stay out');
    const pod = s['io.k8s.api.core.v1.Pod'];
    assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    assert.deepEqual(pod.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
    assert.ok(pod.properties.spec.description);
    const containers = s['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.deepEqual(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.deepEqual(s['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
    assert.equal(JSON.stringify(core).includes('#/definitions/'), false);
  });

  test('every $ref resolves inside its document', () => {
    for (const doc of [core, apps]) {
      const text = JSON.stringify(doc);
      for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(doc.components.schemas[m[1]], m[1]);
    }
  });

  test('kubectl-parsable shapes: type is a string, required an array, additionalProperties object or boolean', () => {
    const check = (s: J, at: string): void => {
      if (s.type !== undefined) assert.equal(typeof s.type, 'string', at);
      if (s.required !== undefined) assert.ok(Array.isArray(s.required), at);
      if (s.additionalProperties !== undefined) assert.ok(typeof s.additionalProperties === 'object' || typeof s.additionalProperties === 'boolean', at);
      for (const [k, v] of Object.entries<J>(s.properties ?? {})) check(v, `${at}.${k}`);
      if (s.items) check(s.items, `${at}[]`);
    };
    for (const [name, s] of Object.entries<J>(core.components.schemas)) check(s, name);
  });

  test('custom resources: inline schemas, no dangling references when the list schema is missing', () => {
    const widget = {
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }],
    };
    const set: SchemaSet = { definitions: { ...schemas.definitions, 'com.example.v1.Widget': widget } };
    const t = { ...pods, group: 'example.com', kind: 'Widget', listKind: 'WidgetList', resource: 'widgets', singular: 'widget', schemaName: 'com.example.v1.Widget', subresources: [] };
    const r = openApiV3([t], set);
    assert.deepEqual([...r.docs.keys()], ['apis/example.com/v1']);
    const doc = JSON.parse(r.docs.get('apis/example.com/v1')!.body.toString());
    assert.deepEqual(doc.components.schemas['com.example.v1.Widget']['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    assert.equal(doc.components.schemas['com.example.v1.Widget'].properties.metadata.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.deepEqual(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets'].get.responses['200'], { description: 'OK' });
    assert.ok(doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch.parameters.some((p: J) => p.name === 'fieldValidation'));
    for (const m of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(doc.components.schemas[m[1]], m[1]);
  });

  test('builds every group-version of a full registry quickly', () => {
    const types = everyKind(schemas);
    const t0 = performance.now();
    const r = openApiV3(types, { definitions: { ...schemas.definitions } });
    const ms = performance.now() - t0;
    assert.ok(r.docs.size > 20);
    // Generous bound: the suite shares two cores with other work.
    assert.ok(ms < 3000, `${ms} ms`);
  });
});

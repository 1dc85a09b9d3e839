import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { openApiV2, openApiV2Document, openApiV2Protobuf } from './v2.js';
import { deployments, nodes, pods } from './fixtures.test-util.js';
import { decodeGnostic } from './gnostic.test-util.js';
import { testSchemas } from '../../api/schema/schemas.test-util.js';
import type { SchemaSet } from '../../api/schema/types.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const named = (list: J[] | undefined, name: string): J | undefined => list?.find((x) => x.name === name)?.value;

describe('openApiV2', () => {
  let schemas: SchemaSet;
  let doc: J;
  before(async () => {
    schemas = await testSchemas();
    doc = decodeGnostic('Document', openApiV2Protobuf([pods, nodes, deployments], schemas));
  });

  test('the protobuf decodes as a gnostic Document', () => {
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.32.4' });
    const defs = doc.definitions.additional_properties as J[];
    for (const name of ['io.k8s.api.core.v1.Pod', 'io.k8s.api.apps.v1.Deployment', 'io.k8s.api.autoscaling.v1.Scale', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']) assert.ok(named(defs, name), name);
    assert.deepEqual(doc.security_definitions.additional_properties[0].value.api_key_security, { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' });
  });

  test('definitions keep what explain reads: type, description, $ref, items, GVK extension as YAML', () => {
    const defs = doc.definitions.additional_properties as J[];
    const pod = named(defs, 'io.k8s.api.core.v1.Pod')!;
    assert.deepEqual(pod.type.value, ['object']);
    assert.match(pod.description, /collection of containers/);
    const gvk = pod.vendor_extension.find((e: J) => e.name === 'x-kubernetes-group-version-kind');
    assert.deepEqual(JSON.parse(gvk.value.yaml), [{ group: '', kind: 'Pod', version: 'v1' }]);
    const spec = named(pod.properties.additional_properties, 'spec')!;
    assert.equal(spec._ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
    const podSpec = named(defs, 'io.k8s.api.core.v1.PodSpec')!;
    assert.ok(podSpec.required.includes('containers'));
    const containers = named(podSpec.properties.additional_properties, 'containers')!;
    assert.deepEqual(containers.type.value, ['array']);
    assert.equal(containers.items.schema[0]._ref, '#/definitions/io.k8s.api.core.v1.Container');
    const ext = Object.fromEntries(containers.vendor_extension.map((e: J) => [e.name, JSON.parse(e.value.yaml)]));
    assert.equal(ext['x-kubernetes-patch-merge-key'], 'name');
    const selector = named(podSpec.properties.additional_properties, 'nodeSelector')!;
    assert.deepEqual(selector.additional_properties.schema.type.value, ['string']);
    const policy = named(named(defs, 'io.k8s.api.core.v1.Container')!.properties.additional_properties, 'imagePullPolicy')!;
    assert.deepEqual(policy.enum.map((e: J) => JSON.parse(e.yaml)), ['Always', 'IfNotPresent', 'Never']);
  });

  test('patch operations carry the GVK extension and a fieldValidation query parameter (kubectl supportsQueryParamV2)', () => {
    const paths = doc.paths.path as J[];
    const item = named(paths, '/api/v1/namespaces/{namespace}/pods/{name}')!;
    const patch = item.patch;
    assert.equal(patch.operation_id, 'patchCoreV1NamespacedPod');
    const gvk = patch.vendor_extension.find((e: J) => e.name === 'x-kubernetes-group-version-kind');
    assert.deepEqual(JSON.parse(gvk.value.yaml), { group: '', kind: 'Pod', version: 'v1' });
    const query = patch.parameters.map((p: J) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name).filter(Boolean);
    assert.deepEqual(query, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    const body = patch.parameters.find((p: J) => p.parameter.body_parameter).parameter.body_parameter;
    assert.deepEqual({ name: body.name, in: body.in, required: body.required, ref: body.schema._ref }, { name: 'body', in: 'body', required: true, ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' });
    assert.deepEqual(patch.consumes, ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    const ok = patch.responses.response_code.find((r: J) => r.name === '200').value.response;
    assert.equal(ok.schema.schema._ref, '#/definitions/io.k8s.api.core.v1.Pod');
    const pathParams = item.parameters.map((p: J) => p.parameter.non_body_parameter.path_parameter_sub_schema?.name ?? p.parameter.non_body_parameter.query_parameter_sub_schema?.name);
    assert.deepEqual(pathParams, ['name', 'namespace', 'pretty']);
  });

  test('JSON and protobuf come from the same document', () => {
    const both = openApiV2([pods], schemas);
    const json = JSON.parse(both.json.body.toString());
    assert.deepEqual(json, JSON.parse(JSON.stringify(openApiV2Document([pods], schemas))));
    assert.equal(json.swagger, '2.0');
    assert.ok(json.definitions['io.k8s.api.core.v1.Pod']);
    assert.match(both.protobuf.etag, /^"[0-9A-F]{128}"$/);
    assert.ok(both.protobuf.body.equals(openApiV2Protobuf([pods], schemas)));
  });
});

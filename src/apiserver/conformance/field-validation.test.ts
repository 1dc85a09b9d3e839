// Conformance rows 53, 55 (server-side field validation of typed objects), 222 and 290 (empty
// ConfigMap/Secret keys), 332 and 400 (immutable ConfigMaps and Secrets).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer, type TestServer } from '../testing.js';
import { client, STRATEGIC } from './helpers.js';

const NS = 'field-validation';

// The bodies are raw strings: a duplicate key cannot be expressed as a JS object.
const DUPLICATE_AND_UNKNOWN = `{
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "my-dep", "labels": {"app": "nginx"}},
  "spec": {
    "unknownField": "foo",
    "replicas": 2,
    "replicas": 3,
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}}
  }
}`;
const UNKNOWN_META = `{
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "my-dep", "unknownMeta": "foo", "labels": {"app": "nginx"}},
  "spec": {
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}}
  }
}`;

describe('conformance: field validation and key validation', () => {
  let s: TestServer;
  let c: ReturnType<typeof client>;
  before(async () => {
    s = await testServer(new MemoryStore());
    c = client(s);
    await c.namespace(NS);
  });

  test('[53] unknown and duplicate fields of a typed object fail under Strict', async () => {
    const st = await c.fail('POST', `/apis/apps/v1/namespaces/${NS}/deployments?fieldManager=field_validation_mgr&fieldValidation=Strict`, DUPLICATE_AND_UNKNOWN, 400);
    assert.ok(st.message.includes('strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"'), st.message);
    await c.fail('GET', `/apis/apps/v1/namespaces/${NS}/deployments/my-dep`, undefined, 404);
  });

  test('[55] unknown metadata fields of a typed object fail under Strict', async () => {
    const st = await c.fail('POST', `/apis/apps/v1/namespaces/${NS}/deployments?fieldManager=field_validation_mgr&fieldValidation=Strict`, UNKNOWN_META, 400);
    assert.ok(st.message.includes('strict decoding error: unknown field "metadata.unknownMeta"'), st.message);
  });

  test('[222] a ConfigMap with an empty data key is invalid', async () => {
    const st = await c.fail('POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'configmap-test-emptykey' }, data: { '': 'value-1' } }, 422);
    assert.equal(st.reason, 'Invalid');
    assert.ok(st.details?.causes?.some((cause) => cause.field === 'data[]'), JSON.stringify(st.details));
  });

  test('[290] a Secret with an empty data key is invalid', async () => {
    const st = await c.fail('POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secret-emptykey-test' }, data: { '': Buffer.from('value-1').toString('base64') } }, 422);
    assert.equal(st.reason, 'Invalid');
    assert.ok(st.details?.causes?.some((cause) => cause.field === 'data[]'), JSON.stringify(st.details));
  });

  for (const [row, kind, resource, data] of [
    [332, 'ConfigMap', 'configmaps', { data: { data: 'value' } }],
    [400, 'Secret', 'secrets', { data: { data: Buffer.from('value').toString('base64') } }],
  ] as const) {
    test(`[${row}] an immutable ${kind} refuses data changes and un-marking but takes label edits and deletion`, async () => {
      const path = `/api/v1/namespaces/${NS}/${resource}`;
      const name = `immutable-${resource}`;
      await c.create(path, { apiVersion: 'v1', kind, metadata: { name }, ...data, immutable: true });
      const one = `${path}/${name}`;
      const changed = kind === 'ConfigMap' ? { data: { data: 'other' } } : { data: { data: Buffer.from('other').toString('base64') } };
      const st = await c.fail('PATCH', one, changed, 422, STRATEGIC);
      assert.match(st.message, /field is immutable when `immutable` is set/);
      await c.fail('PATCH', one, { immutable: false }, 422, STRATEGIC);
      const labelled = await c.patch(one, { metadata: { labels: { label1: 'value1' } } }, STRATEGIC);
      assert.equal(labelled.metadata.labels?.label1, 'value1');
      await c.del(one);
      await c.fail('GET', one, undefined, 404);
    });
  }
});

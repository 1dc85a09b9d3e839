import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemas, schemaFilePath } from './load.js';
import { testSchemaFile } from './schemas.test-util.js';

describe('loadSchemas', () => {
  before(async () => {
    // Point the loader at the test copy instead of dist/ (which a build may be rewriting).
    process.env.K8TS_OPENAPI_SCHEMAS = await testSchemaFile();
  });

  test('reads the generated file once and caches it', () => {
    assert.equal(schemaFilePath(), process.env.K8TS_OPENAPI_SCHEMAS);
    const a = loadSchemas();
    assert.ok(a.definitions['io.k8s.api.core.v1.Pod']);
    assert.equal(loadSchemas(), a);
  });
});

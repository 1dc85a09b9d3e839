import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { checkObjectFields } from './field-check.js';
import { testSchemas } from './schemas.test-util.js';
import type { SchemaSet } from './types.js';

const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOY = 'io.k8s.api.apps.v1.Deployment';

const pod = (spec: unknown, metadata: unknown = { name: 'p' }) => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const ctr = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'nginx', ...extra });

describe('checkObjectFields', () => {
  let schemas: SchemaSet;
  before(async () => {
    schemas = await testSchemas();
  });

  test('unknown fields, with upstream strict-decoding paths', () => {
    const cases: Array<[string, unknown, string, string[]]> = [
      ['valid pod', pod({ containers: [ctr()] }), POD, []],
      ['top level', { ...pod({ containers: [ctr()] }), foo: 1 }, POD, ['foo']],
      ['in spec', pod({ containers: [ctr()], foo: 1, bar: 2 }), POD, ['spec.foo', 'spec.bar']],
      ['in a list item', pod({ containers: [ctr(), ctr({ foo: 1 })] }), POD, ['spec.containers[1].foo']],
      ['nested lists', pod({ containers: [ctr({ ports: [{ containerPort: 80, nope: true }] })] }), POD, ['spec.containers[0].ports[0].nope']],
      ['metadata', pod({ containers: [ctr()] }, { name: 'p', foo: 'x' }), POD, ['metadata.foo']],
      ['case matters', pod({ Containers: [] }), POD, ['spec.Containers']],
      ['map values are free-form keys', pod({ containers: [ctr()], nodeSelector: { anything: 'x' } }), POD, []],
      ['creationTimestamp null', pod({ containers: [ctr()] }, { name: 'p', creationTimestamp: null }), POD, []],
      ['unknown subtree is not walked', pod({ extra: { containers: 'x' } }), POD, ['spec.extra']],
      ['deployment template', { spec: { template: { spec: { containers: [ctr({ imagePullPolices: 'x' })] } } } }, DEPLOY, ['spec.template.spec.containers[0].imagePullPolices']],
      ['raw extension holds anything', { apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 1, data: { whatever: { deep: 1 } } }, 'io.k8s.api.apps.v1.ControllerRevision', []],
    ];
    for (const [name, obj, def, want] of cases) {
      const r = checkObjectFields(obj, def, schemas);
      assert.deepEqual(r.unknownFields, want, name);
      assert.deepEqual(r.typeErrors, [], name);
    }
  });

  test('type errors read as Go decoding errors; the first is reported', () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['string for a list', pod({ containers: 'x' }), POD, 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container'],
      ['string for an int32', pod({ containers: [ctr({ ports: [{ containerPort: '80' }] })] }), POD, 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
      ['fraction for an int32', { spec: { replicas: 1.5 } }, DEPLOY, 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
      ['overflow of an int32', { spec: { replicas: 3000000000 } }, DEPLOY, 'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
      ['number for a label value', pod({ containers: [ctr()] }, { name: 'p', labels: { a: 1 } }), POD, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
      ['list for a struct', pod([]), POD, 'json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec'],
      ['bool as string', pod({ containers: [ctr({ tty: 'yes' })] }), POD, 'json: cannot unmarshal string into Go struct field Container.spec.containers.tty of type bool'],
      ['int64', pod({ containers: [ctr()], terminationGracePeriodSeconds: 'x' }), POD, 'json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'],
      ['resource list', pod({ containers: [ctr({ resources: { limits: 'x' } })] }), POD, 'json: cannot unmarshal string into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList'],
      ['not an object at all', [], POD, 'json: cannot unmarshal array into Go value of type v1.Pod'],
      ['int-or-string', { spec: { strategy: { rollingUpdate: { maxSurge: true } } } }, DEPLOY, 'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32'],
      ['time as number', pod({ containers: [ctr()] }, { name: 'p', creationTimestamp: 5 }), POD, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'],
      ['bad time', pod({ containers: [ctr()] }, { name: 'p', creationTimestamp: '2024/01/01' }), POD, 'parsing time "2024/01/01" as "2006-01-02T15:04:05Z07:00": cannot parse "/01/01" as "-"'],
      ['bad quantity', pod({ containers: [ctr({ resources: { limits: { cpu: '1x' } } })] }), POD, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ];
    for (const [name, obj, def, want] of cases) assert.equal(checkObjectFields(obj, def, schemas).typeErrors[0], want, name);
  });

  test('an unmarshaler error wins over an earlier saved type error', () => {
    const obj = pod({ containers: [ctr({ tty: 'x', resources: { requests: { memory: 'lots' } } })] });
    const r = checkObjectFields(obj, POD, schemas);
    assert.match(r.typeErrors[0], /^quantities must match/);
    assert.match(r.typeErrors[1], /Container\.spec\.containers\.tty of type bool/);
  });

  test('valid special values pass', () => {
    const obj = {
      metadata: { name: 'd', creationTimestamp: '2024-02-29T10:00:00Z' },
      spec: {
        replicas: 3,
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: { spec: { containers: [ctr({ resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: 0.5 } } })] } },
      },
    };
    assert.deepEqual(checkObjectFields(obj, DEPLOY, schemas), { unknownFields: [], typeErrors: [] });
  });

  test('custom resources: unknown fields only, preserve-unknown-fields honoured, metadata is ObjectMeta', () => {
    const crd: SchemaSet = {
      definitions: {
        ...schemas.definitions,
        'com.example.v1.Widget': {
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            spec: { type: 'object', properties: { size: { type: 'integer' }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
          },
        },
      },
    };
    const r = checkObjectFields({ metadata: { name: 'w', bogus: 1 }, spec: { size: 'big', extra: 1, free: { a: 1 } } }, 'com.example.v1.Widget', crd);
    assert.deepEqual(r, { unknownFields: ['metadata.bogus', 'spec.extra'], typeErrors: [] });
  });

  test('unknown definitions check nothing', () => {
    assert.deepEqual(checkObjectFields({ a: 1 }, 'no.such.Def', schemas), { unknownFields: [], typeErrors: [] });
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '../errors.js';
import type { KubeObject } from '../object.js';
import { validators } from './index.js';
import { defaulters } from '../defaulting/index.js';

function defaulted(obj: KubeObject): KubeObject {
  const o = structuredClone(obj);
  defaulters[`${o.apiVersion}/${o.kind}`](o);
  return o;
}

function messages(obj: KubeObject, old?: KubeObject): string[] {
  const v = validators[`${obj.apiVersion}/${obj.kind}`];
  const errs = old ? (v.validateUpdate ?? v.validate)(obj, old) : v.validate(obj);
  return errs.map((e) => e.toString());
}

const pod = (spec: Record<string, unknown>, name = 'p'): KubeObject => defaulted({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec });
const deploy = (spec: Record<string, unknown>): KubeObject => defaulted({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec });
const tmpl = (labels: Record<string, string>, restartPolicy?: string) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(restartPolicy ? { restartPolicy } : {}) } });

describe('validators: create', () => {
  const cases: Array<[string, KubeObject, string[]]> = [
    ['valid pod', pod({ containers: [{ name: 'c', image: 'nginx' }] }), []],
    ['image required', pod({ containers: [{ name: 'c' }] }), ['spec.containers[0].image: Required value']],
    ['containers required', pod({ containers: [] }), ['spec.containers: Required value']],
    ['missing name', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default' } }, ['metadata.name: Required value: name or generateName is required']],
    ['bad container name and dup', pod({ containers: [{ name: 'C', image: 'x' }, { name: 'C', image: 'x' }] }), [
      `spec.containers[0].name: Invalid value: "C": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      `spec.containers[1].name: Invalid value: "C": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'spec.containers[1].name: Duplicate value: "C"',
    ]],
    ['port range and protocol', pod({ containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000, protocol: 'HTTP' }] }] }), [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]],
    ['mount of unknown volume', pod({ containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }), ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['requests above limits', pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['bad restartPolicy', pod({ containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Sometimes' }), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['service needs ports', defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { a: 'b' } } }), ['spec.ports: Required value']],
    ['service port names', defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }, { port: 81 }] } }), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    ['service name is DNS-1035', defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1s', namespace: 'default' }, spec: { ports: [{ port: 80 }] } }), [
      `metadata.name: Invalid value: "1s": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ]],
    ['deployment selector mismatch', deploy({ selector: { matchLabels: { app: 'y' } }, template: tmpl({ app: 'x' }) }), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']],
    ['deployment selector required', deploy({ template: tmpl({ app: 'x' }) }), ['spec.selector: Required value']],
    ['deployment zero surge and unavailable', deploy({ selector: { matchLabels: { app: 'x' } }, template: tmpl({ app: 'x' }), strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]],
    ['deployment negative replicas', deploy({ replicas: -1, selector: { matchLabels: { app: 'x' } }, template: tmpl({ app: 'x' }) }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['job restartPolicy', defaulted({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', uid: 'u1' }, spec: { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }) } }), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
    ['cronjob schedule', defaulted({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { schedule: 'bad', jobTemplate: { spec: { template: tmpl({}, 'Never') } } } }), ['spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]']],
    ['cronjob concurrencyPolicy', defaulted({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'default' }, spec: { schedule: '@hourly', concurrencyPolicy: 'Sometimes', jobTemplate: { spec: { template: tmpl({}, 'Never') } } } }), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']],
    ['configmap key', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { 'a b': 'x' } }, [
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]],
    ['role verbs', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'] }] }, ['rules[0].verbs: Required value: verbs must contain at least one value']],
    ['storageclass provisioner', defaulted({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'sc' } }), ['provisioner: Required value']],
    ['namespaced object without namespace', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } }, ['metadata.namespace: Required value']],
    ['cluster object with namespace', defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', namespace: 'x' } }), ['metadata.namespace: Forbidden: not allowed on this type']],
    ['bad label', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', labels: { app: 'a b' } } }, [
      `metadata.labels: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ]],
    ['bad finalizer', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', finalizers: ['custom'] } }, ['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']],
  ];
  for (const [name, obj, want] of cases) test(name, () => assert.deepEqual(messages(obj), want));

  test('kubectl-visible Status message', () => {
    const p = pod({ containers: [{ name: 'c' }] }, 'invalid-pod');
    const err = errors.invalid('', 'Pod', 'invalid-pod', validators['v1/Pod'].validate(p));
    assert.equal(err.message, 'Pod "invalid-pod" is invalid: spec.containers[0].image: Required value');
    assert.deepEqual(err.toStatus().details?.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
  });

  test('every validator key has a defaulter', () => {
    for (const k of Object.keys(validators)) assert.ok(k in defaulters, k);
  });
});

describe('validators: update', () => {
  const stored = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' } });
  const basePod = stored(pod({ containers: [{ name: 'c', image: 'nginx' }] }));

  test('pod image change allowed', () => {
    const n = structuredClone(basePod) as KubeObject & { spec: { containers: Array<{ image: string }> } };
    n.spec.containers[0].image = 'nginx:2';
    assert.deepEqual(messages(n, basePod), []);
  });

  test('pod other change forbidden', () => {
    const n = structuredClone(basePod) as KubeObject & { spec: Record<string, unknown> };
    n.spec.restartPolicy = 'Never';
    const msgs = messages(n, basePod);
    assert.equal(msgs.length, 1);
    assert.ok(msgs[0].startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), msgs[0]);
  });

  test('immutable metadata name', () => {
    const n = structuredClone(basePod);
    n.metadata = { ...n.metadata, name: 'q' };
    assert.ok(messages(n, basePod).includes('metadata.name: Invalid value: "q": field is immutable'));
  });

  test('deployment selector immutable', () => {
    const old = stored(deploy({ selector: { matchLabels: { app: 'x' } }, template: tmpl({ app: 'x', b: 'c' }) }));
    const n = structuredClone(old) as KubeObject & { spec: Record<string, unknown> };
    n.spec.selector = { matchLabels: { app: 'x', b: 'c' } };
    assert.deepEqual(messages(n, old), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "b":"c"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
  });

  test('service clusterIP immutable', () => {
    const svc = (ip: string) => stored(defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80 }] } }));
    assert.deepEqual(messages(svc('10.0.0.2'), svc('10.0.0.1')), ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.2"}: may not change once set']);
  });

  test('rolebinding roleRef immutable', () => {
    const rb = (name: string) => stored(defaulted({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'default' }, roleRef: { kind: 'Role', name } }));
    assert.deepEqual(messages(rb('b'), rb('a')), ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef']);
  });

  test('secret type immutable', () => {
    const s = (type: string) => stored({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, type, data: { 'tls.crt': '', 'tls.key': '' } });
    assert.deepEqual(messages(s('kubernetes.io/tls'), s('Opaque')), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  });
});

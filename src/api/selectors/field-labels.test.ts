import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { checkFieldSelector, fieldSetFor } from './field-labels.js';
import { matchesFields, parseFieldSelector } from './field-selector.js';

describe('checkFieldSelector: supported labels per resource', () => {
  const ok: [string, string, string][] = [
    ['', 'pods', 'spec.nodeName=n1,status.phase=Running,spec.hostNetwork=true,status.podIPs=1.2.3.4,spec.restartPolicy=Always'],
    ['', 'pods', 'spec.schedulerName=s,spec.serviceAccountName=sa,status.podIP=1.2.3.4,status.nominatedNodeName=n'],
    ['', 'nodes', 'metadata.name=n1,spec.unschedulable=true'],
    ['', 'namespaces', 'status.phase=Active,metadata.name=default'],
    ['', 'secrets', 'type=Opaque,metadata.namespace=default'],
    ['', 'services', 'spec.clusterIP=None,spec.type=ClusterIP'],
    ['', 'replicationcontrollers', 'status.replicas=1'],
    ['', 'events', 'involvedObject.kind=Pod,involvedObject.name=x,reason=Started,type=Normal,source=kubelet,reportingComponent=k'],
    ['batch', 'jobs', 'status.successful=1,metadata.namespace=default'],
    ['certificates.k8s.io', 'certificatesigningrequests', 'spec.signerName=kubernetes.io/kubelet-serving'],
    ['apps', 'deployments', 'metadata.name=web,metadata.namespace=default'],
    ['networking.k8s.io', 'ingresses', 'metadata.name=x'],
  ];
  for (const [g, r, sel] of ok) test(`${r}.${g}: ${sel}`, () => assert.doesNotThrow(() => checkFieldSelector(g, r, parseFieldSelector(sel))));

  const bad: [string, string, string, string][] = [
    ['', 'pods', 'spec.foo=x', 'field label not supported: spec.foo'],
    ['', 'nodes', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['', 'namespaces', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['', 'secrets', 'data=x', 'field label not supported: data'],
    ['batch', 'jobs', 'status.failed=1', 'field label "status.failed" not supported for batchv1.Job'],
    ['networking.k8s.io', 'ingresses', 'foo.bar=baz', '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    // apps/v1 registers no conversion of its own, so status.replicas is refused on replicasets.
    ['apps', 'replicasets', 'status.replicas=0', '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['events.k8s.io', 'events', 'involvedObject.name=x', 'field label not supported: involvedObject.name'],
    // The first unsupported term in sorted order is reported.
    ['', 'pods', 'z.z=1,a.a=1', 'field label not supported: a.a'],
  ];
  for (const [g, r, sel, msg] of bad) {
    test(`${r}.${g}: ${sel} -> ${msg}`, () =>
      assert.throws(() => checkFieldSelector(g, r, parseFieldSelector(sel)), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg));
  }

  test('renames labels as upstream conversion does', () => {
    assert.deepEqual(checkFieldSelector('', 'pods', parseFieldSelector('spec.host=n1')).terms, [{ field: 'spec.nodeName', op: '=', value: 'n1' }]);
    assert.deepEqual(checkFieldSelector('events.k8s.io', 'events', parseFieldSelector('regarding.name=web,reportingController=kubelet')).terms, [
      { field: 'involvedObject.name', op: '=', value: 'web' },
      { field: 'reportingComponent', op: '=', value: 'kubelet' },
    ]);
  });
});

describe('fieldSetFor', () => {
  test('pod', () => {
    const pod = {
      metadata: { name: 'web-1', namespace: 'default' },
      spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
      status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }], nominatedNodeName: '' },
    };
    assert.deepEqual(fieldSetFor('', 'pods', pod), {
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'true',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.5',
      'status.nominatedNodeName': '',
      'metadata.name': 'web-1',
      'metadata.namespace': 'default',
    });
    assert.equal(fieldSetFor('', 'pods', { metadata: { name: 'p' } })['spec.hostNetwork'], 'false');
  });
  test('node, namespace, secret, service, job, replicaset', () => {
    assert.equal(fieldSetFor('', 'nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } })['spec.unschedulable'], 'true');
    assert.equal(fieldSetFor('', 'nodes', { metadata: { name: 'n' } })['spec.unschedulable'], 'false');
    assert.equal(fieldSetFor('', 'namespaces', { metadata: { name: 'ns' }, status: { phase: 'Terminating' } })['status.phase'], 'Terminating');
    assert.equal(fieldSetFor('', 'secrets', { metadata: { name: 's' }, type: 'kubernetes.io/tls' }).type, 'kubernetes.io/tls');
    const svc = fieldSetFor('', 'services', { metadata: { name: 's' }, spec: { clusterIP: 'None', type: 'ClusterIP' } });
    assert.equal(svc['spec.clusterIP'], 'None');
    assert.equal(svc['spec.type'], 'ClusterIP');
    assert.equal(fieldSetFor('batch', 'jobs', { metadata: { name: 'j' }, status: { succeeded: 2 } })['status.successful'], '2');
    assert.equal(fieldSetFor('batch', 'jobs', { metadata: { name: 'j' } })['status.successful'], '0');
    assert.equal(fieldSetFor('apps', 'replicasets', { metadata: { name: 'r' }, status: { replicas: 3 } })['status.replicas'], '3');
    assert.deepEqual(fieldSetFor('apps', 'deployments', { metadata: { name: 'd', namespace: 'x' } }), { 'metadata.name': 'd', 'metadata.namespace': 'x' });
  });
  test('core and events.k8s.io events expose the same fields', () => {
    const core = {
      metadata: { name: 'e', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{web}' },
      reason: 'Started',
      type: 'Normal',
      source: { component: 'kubelet', host: 'n1' },
      reportingController: '',
    };
    const v1 = {
      metadata: { name: 'e', namespace: 'default' },
      regarding: core.involvedObject,
      reason: 'Started',
      type: 'Normal',
      deprecatedSource: { component: 'kubelet', host: 'n1' },
      reportingController: '',
    };
    const a = fieldSetFor('', 'events', core);
    assert.deepEqual(fieldSetFor('events.k8s.io', 'events', v1), a);
    assert.equal(a['involvedObject.fieldPath'], 'spec.containers{web}');
    assert.equal(a.source, 'kubelet');
    // source falls back to reportingController when the legacy component is empty.
    assert.equal(fieldSetFor('', 'events', { metadata: { name: 'x' }, reportingController: 'ctrl' }).source, 'ctrl');
  });
  test('end to end: check then match', () => {
    const sel = checkFieldSelector('', 'pods', parseFieldSelector('spec.host=n1,status.phase!=Succeeded'));
    assert.equal(matchesFields(sel, fieldSetFor('', 'pods', { metadata: { name: 'a' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } })), true);
    assert.equal(matchesFields(sel, fieldSetFor('', 'pods', { metadata: { name: 'a' }, spec: { nodeName: 'n2' }, status: { phase: 'Running' } })), false);
  });
});

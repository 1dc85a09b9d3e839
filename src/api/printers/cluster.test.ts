import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { certificateSigningRequestPrinter, priorityClassPrinter, volumeAttachmentPrinter } from './admin-kinds.js';
import { configMapPrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { eventPrinter, eventsV1Printer } from './events.js';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { namespacePrinter, nodePrinter } from './node.js';
import { leasePrinter, podDisruptionBudgetPrinter } from './policy.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.js';
import { NOW, ago } from './testing.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(600), ...extra });

describe('node printer', () => {
  const node = (labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({ metadata: meta('node-1', { labels }), spec, status });
  const info = { kubeletVersion: 'v1.32.4', osImage: 'Ubuntu 24.04', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' };
  test('ready control-plane node', () => {
    const n = node(
      { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'node-1' },
      {},
      { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '172.18.0.2' }], nodeInfo: info },
    );
    assert.deepEqual(nodePrinter.cells(n, NOW), ['node-1', 'Ready', 'control-plane', '10m', 'v1.32.4', '172.18.0.2', '<none>', 'Ubuntu 24.04', '6.8.0', 'containerd://1.7.0']);
  });
  const cases: [string, KubeObject, string, string][] = [
    ['not ready, cordoned', node({}, { unschedulable: true }, { conditions: [{ type: 'Ready', status: 'False' }] }), 'NotReady,SchedulingDisabled', '<none>'],
    ['unknown ready status', node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }), 'NotReady', '<none>'],
    ['no conditions', node({ 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/infra': 'x', 'node-role.kubernetes.io/': '' }, {}, {}), 'Unknown', 'infra,worker'],
    ['cordoned without conditions', node({}, { unschedulable: true }, {}), 'Unknown,SchedulingDisabled', '<none>'],
  ];
  for (const [name, n, status, roles] of cases) test(name, () => assert.deepEqual(nodePrinter.cells(n, NOW).slice(1, 3), [status, roles]));
  test('missing node info', () => {
    assert.deepEqual(nodePrinter.cells(node({}, {}, {}), NOW).slice(4), ['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
  test('namespace', () => {
    assert.deepEqual(namespacePrinter.cells({ metadata: meta('dev'), status: { phase: 'Active' } }, NOW), ['dev', 'Active', '10m']);
  });
});

describe('config printers', () => {
  test('configmap counts data and binaryData', () => {
    assert.deepEqual(configMapPrinter.cells({ metadata: meta('c'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, NOW), ['c', 3, '10m']);
    assert.deepEqual(configMapPrinter.cells({ metadata: meta('empty') }, NOW), ['empty', 0, '10m']);
  });
  test('secret', () => {
    assert.deepEqual(secretPrinter.cells({ metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, NOW), ['tls', 'kubernetes.io/tls', 2, '10m']);
    assert.deepEqual(secretPrinter.cells({ metadata: meta('s'), type: 'Opaque', data: { a: 'x' }, stringData: { a: 'y', b: 'z' } }, NOW), ['s', 'Opaque', 2, '10m']);
  });
  test('service account', () => {
    assert.deepEqual(serviceAccountPrinter.cells({ metadata: meta('default') }, NOW), ['default', 0, '10m']);
  });
  test('resource quota splits limits.* from the rest, sorted', () => {
    const q: KubeObject = {
      metadata: meta('q'),
      status: { hard: { 'requests.cpu': '2', pods: '10', 'limits.memory': '4Gi', 'limits.cpu': '4' }, used: { 'requests.cpu': '500m', pods: '3', 'limits.cpu': '1' } },
    };
    assert.deepEqual(resourceQuotaPrinter.cells(q, NOW), ['q', 'pods: 3/10, requests.cpu: 500m/2', 'limits.cpu: 1/4, limits.memory: 0/4Gi', '10m']);
  });
});

describe('event printers', () => {
  test('core event', () => {
    const e: KubeObject = {
      metadata: meta('web.17a2b', { namespace: 'default' }),
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{web}' },
      reason: 'Started',
      message: 'Started container web\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(600),
      lastTimestamp: ago(120),
      count: 3,
      type: 'Normal',
    };
    assert.deepEqual(eventPrinter.cells(e, NOW), ['2m', 'Normal', 'Started', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Started container web', '10m', 3, 'web.17a2b']);
  });
  test('new-style core event: eventTime, reporting controller, series', () => {
    const e: KubeObject = {
      metadata: meta('x'),
      involvedObject: { kind: 'Node' },
      reason: 'Rebooted',
      message: 'rebooted',
      eventTime: '2024-06-01T11:59:30.123456Z',
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      series: { count: 5, lastObservedTime: '2024-06-01T11:59:50.000000Z' },
      type: 'Warning',
    };
    assert.deepEqual(eventPrinter.cells(e, NOW), ['10s', 'Warning', 'Rebooted', 'node', '', 'kubelet, node-1', 'rebooted', '29s', 5, 'x']);
  });
  test('events.k8s.io event prints like the core one', () => {
    const e: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: meta('web.1'),
      regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
      reason: 'Scheduled',
      note: 'Successfully assigned default/web to node-1',
      eventTime: ago(30),
      reportingController: 'default-scheduler',
      reportingInstance: 'default-scheduler-node-1',
      action: 'Binding',
      type: 'Normal',
    };
    assert.deepEqual(eventsV1Printer.cells(e, NOW), ['30s', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler, default-scheduler-node-1', 'Successfully assigned default/web to node-1', '30s', 1, 'web.1']);
    assert.deepEqual(eventsV1Printer.columns, eventPrinter.columns);
  });
});

describe('rbac binding printers', () => {
  const b: KubeObject = {
    metadata: meta('view-binding'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [
      { kind: 'User', name: 'alice' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      { kind: 'User', name: 'bob' },
    ],
  };
  test('role binding', () => assert.deepEqual(roleBindingPrinter.cells(b, NOW), ['view-binding', 'ClusterRole/view', '10m', 'alice, bob', 'devs', 'ci/builder']));
  test('cluster role binding without subjects', () =>
    assert.deepEqual(clusterRoleBindingPrinter.cells({ metadata: meta('x'), roleRef: { kind: 'ClusterRole', name: 'admin' } }, NOW), ['x', 'ClusterRole/admin', '10m', '', '', '']));
});

describe('storage printers', () => {
  test('bound claim', () => {
    const pvc: KubeObject = {
      metadata: meta('data'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard', volumeName: 'pvc-123', volumeMode: 'Filesystem' },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteOnce'], capacity: { storage: '1Gi' } },
    };
    assert.deepEqual(persistentVolumeClaimPrinter.cells(pvc, NOW), ['data', 'Bound', 'pvc-123', '1Gi', 'RWO,ROX', 'standard', '<unset>', '10m', 'Filesystem']);
  });
  test('pending claim with the beta class annotation', () => {
    const pvc: KubeObject = {
      metadata: meta('p', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' }, deletionTimestamp: ago(1) }),
      spec: { storageClassName: 'fast' },
      status: { phase: 'Pending' },
    };
    assert.deepEqual(persistentVolumeClaimPrinter.cells(pvc, NOW), ['p', 'Terminating', '', '', '', 'slow', '<unset>', '10m', '<unset>']);
  });
  test('volume', () => {
    const pv: KubeObject = {
      metadata: meta('pvc-123'),
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOncePod'], persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard', volumeMode: 'Filesystem' },
      status: { phase: 'Bound' },
    };
    assert.deepEqual(persistentVolumePrinter.cells(pv, NOW), ['pvc-123', '1Gi', 'RWX,RWOP', 'Delete', 'Bound', 'default/data', 'standard', '<unset>', '', '10m', 'Filesystem']);
  });
  test('storage class', () => {
    const sc: KubeObject = { metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
    assert.deepEqual(storageClassPrinter.cells(sc, NOW), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '10m']);
  });
});

describe('networking printers', () => {
  test('ingress with many hosts and TLS', () => {
    const ing: KubeObject = {
      metadata: meta('web'),
      spec: { rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: { ingress: [{ ip: '172.18.0.5' }] } },
    };
    assert.deepEqual(ingressPrinter.cells(ing, NOW), ['web', '<none>', 'a.example.com,b.example.com,c.example.com + 2 more...', '172.18.0.5', '80, 443', '10m']);
  });
  test('ingress with class and no hosts', () => {
    assert.deepEqual(ingressPrinter.cells({ metadata: meta('w'), spec: { ingressClassName: 'nginx', defaultBackend: {} } }, NOW), ['w', 'nginx', '*', '', '80', '10m']);
  });
  test('ingress class', () => {
    assert.deepEqual(ingressClassPrinter.cells({ metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx' } }, NOW), ['nginx', 'k8s.io/ingress-nginx', '<none>', '10m']);
    assert.deepEqual(
      ingressClassPrinter.cells({ metadata: meta('x'), spec: { controller: 'c', parameters: { apiGroup: 'example.com', kind: 'Params', name: 'p' } } }, NOW),
      ['x', 'c', 'Params.example.com/p', '10m'],
    );
  });
  test('network policy', () => {
    assert.deepEqual(networkPolicyPrinter.cells({ metadata: meta('deny'), spec: { podSelector: {} } }, NOW), ['deny', '<none>', '10m']);
    assert.deepEqual(networkPolicyPrinter.cells({ metadata: meta('db'), spec: { podSelector: { matchLabels: { role: 'db' } } } }, NOW), ['db', 'role=db', '10m']);
  });
});

describe('policy, coordination and admin kinds', () => {
  test('pdb', () => {
    assert.deepEqual(podDisruptionBudgetPrinter.cells({ metadata: meta('p'), spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }, NOW), ['p', '2', 'N/A', 1, '10m']);
    assert.deepEqual(podDisruptionBudgetPrinter.cells({ metadata: meta('q'), spec: { maxUnavailable: '25%' } }, NOW), ['q', 'N/A', '25%', 0, '10m']);
  });
  test('lease', () => {
    assert.deepEqual(leasePrinter.cells({ metadata: meta('node-1'), spec: { holderIdentity: 'node-1' } }, NOW), ['node-1', 'node-1', '10m']);
    assert.deepEqual(leasePrinter.cells({ metadata: meta('x'), spec: {} }, NOW), ['x', '', '10m']);
  });
  test('priority class', () => {
    assert.deepEqual(priorityClassPrinter.cells({ metadata: meta('system-node-critical'), value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }, NOW), ['system-node-critical', 2000001000, false, '10m', 'PreemptLowerPriority']);
  });
  test('certificate signing request', () => {
    const csr: KubeObject = { metadata: meta('csr-1'), spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'alice', expirationSeconds: 86400 }, status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' } };
    assert.deepEqual(certificateSigningRequestPrinter.cells(csr, NOW), ['csr-1', '10m', 'kubernetes.io/kube-apiserver-client', 'alice', '24h', 'Approved,Issued']);
    assert.deepEqual(certificateSigningRequestPrinter.cells({ metadata: meta('c'), spec: {} }, NOW).slice(2), ['<none>', '', '<none>', 'Pending']);
  });
  test('volume attachment', () => {
    assert.deepEqual(volumeAttachmentPrinter.cells({ metadata: meta('va'), spec: { attacher: 'csi.example.com', source: { persistentVolumeName: 'pv1' }, nodeName: 'n1' }, status: { attached: true } }, NOW), ['va', 'csi.example.com', 'pv1', 'n1', true, '10m']);
  });
});

// The provisioner's pure rules: class selection, node selection, the PV it makes, its folder.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ownedVolumeDir } from './cleanup.js';
import { classForClaim, provisionedVolume, selectedNodeFor, unsupportedAccessModes, volumeNode, volumePathFor } from './provision.js';

const sc = (name: string, opts: { def?: boolean; provisioner?: string; mode?: string; created?: string; reclaim?: string } = {}): KubeObject => ({
  metadata: { name, creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z', ...(opts.def ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  provisioner: opts.provisioner ?? 'rancher.io/local-path',
  volumeBindingMode: opts.mode ?? 'WaitForFirstConsumer',
  ...(opts.reclaim ? { reclaimPolicy: opts.reclaim } : {}),
});
const pvc = (storageClassName?: string | null, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name: 'data-web-0', namespace: 'shop', uid: 'u1', resourceVersion: '7', ...(annotations ? { annotations } : {}) },
  spec: { ...(storageClassName !== undefined ? { storageClassName } : {}), accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
});

describe('classForClaim', () => {
  const local = sc('local-path', { def: true });
  const other = sc('fast', { provisioner: 'ebs.csi.aws.com' });
  const cases: [string, KubeObject, KubeObject[], string | undefined][] = [
    ['named class', pvc('local-path'), [local, other], 'local-path'],
    ['no class: the default', pvc(), [local, other], 'local-path'],
    ['no class, null: the default', pvc(null), [local, other], 'local-path'],
    ['explicit empty class: none', pvc(''), [local, other], undefined],
    ['another provisioner', pvc('fast'), [local, other], undefined],
    ['unknown class', pvc('nope'), [local], undefined],
    ['no default', pvc(), [sc('local-path')], undefined],
    ['newest default wins', pvc(), [local, sc('newer', { def: true, provisioner: 'x', created: '2025-01-01T00:00:00Z' })], undefined],
  ];
  for (const [name, claim, classes, want] of cases) test(name, () => assert.equal(classForClaim(claim, classes)?.metadata?.name, want));
});

describe('selectedNodeFor', () => {
  const wffc = sc('local-path');
  const imm = sc('imm', { mode: 'Immediate' });
  const scheduled: KubeObject = { spec: { nodeName: 'n2' } };
  const pending: KubeObject = { spec: {} };
  const cases: [string, KubeObject, KubeObject, KubeObject[], string[], string | undefined][] = [
    ['annotation', pvc('local-path', { 'volume.kubernetes.io/selected-node': 'n1' }), wffc, [scheduled], ['n1', 'n2'], 'n1'],
    ['scheduled consumer', pvc('local-path'), wffc, [pending, scheduled], ['n1', 'n2'], 'n2'],
    ['no consumer yet', pvc('local-path'), wffc, [pending], ['n1'], undefined],
    ['immediate, one node', pvc('imm'), imm, [], ['n1'], 'n1'],
    ['immediate, several nodes', pvc('imm'), imm, [], ['n1', 'n2'], undefined],
  ];
  for (const [name, claim, cls, consumers, nodes, want] of cases) test(name, () => assert.equal(selectedNodeFor(claim, cls, consumers, nodes), want));
});

test('unsupportedAccessModes', () => {
  assert.equal(unsupportedAccessModes(['ReadWriteOnce']), undefined);
  assert.equal(unsupportedAccessModes(['ReadWriteOncePod']), undefined);
  assert.equal(unsupportedAccessModes(['ReadWriteMany']), 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
});

test('provisionedVolume is Rancher\'s PV for the claim', () => {
  const pv = provisionedVolume(pvc('local-path'), sc('local-path', { reclaim: 'Retain' }), 'node-a', '/var/lib/k8ts');
  assert.deepEqual(pv, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pvc-u1', annotations: { 'local.path.provisioner/selected-node': 'node-a', 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'data-web-0', namespace: 'shop', resourceVersion: '7', uid: 'u1' },
      hostPath: { path: '/var/lib/k8ts/storage/pvc-u1_shop_data-web-0', type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] } },
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'local-path',
      volumeMode: 'Filesystem',
    },
  });
  assert.equal(volumeNode(pv), 'node-a');
  assert.equal(volumeNode({ ...pv, metadata: { name: 'x' } }), 'node-a');
  assert.equal(volumePathFor('/d', pvc()), '/d/storage/pvc-u1_shop_data-web-0');
});

test('ownedVolumeDir only names directories the provisioner made', () => {
  const pv = provisionedVolume(pvc('local-path'), sc('local-path'), 'n', '/d');
  assert.equal(ownedVolumeDir('/d', pv), '/d/storage/pvc-u1_shop_data-web-0');
  assert.equal(ownedVolumeDir('/other', pv), undefined);
  const spec = pv.spec as { hostPath: { path: string } };
  assert.equal(ownedVolumeDir('/d', { ...pv, spec: { ...spec, hostPath: { path: '/d/storage/../../etc' } } }), undefined);
  assert.equal(ownedVolumeDir('/d', { ...pv, metadata: { name: 'pvc-u1' } }), undefined);
});

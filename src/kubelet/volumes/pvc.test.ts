// Claim checks before a PVC volume is mounted, with the kubelet's messages; plugin directories.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { pluginOf, volumeDir } from './paths.js';
import { claimedVolumeName } from './pvc.js';

test('claimedVolumeName', () => {
  const cases: [KubeObject | undefined, string | RegExp][] = [
    [{ metadata: { name: 'c' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } }, 'pv1'],
    [undefined, /error processing PVC ns\/c: failed to fetch PVC from API server: persistentvolumeclaims "c" not found/],
    [{ metadata: { name: 'c', deletionTimestamp: '2024-01-01T00:00:00Z' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' } }, /error processing PVC ns\/c: PVC is being deleted/],
    [{ metadata: { name: 'c' }, spec: {}, status: { phase: 'Pending' } }, /error processing PVC ns\/c: PVC is not bound/],
    [{ metadata: { name: 'c' }, spec: {}, status: { phase: 'Bound' } }, /error processing PVC ns\/c: PVC has empty pvc.Spec.VolumeName/],
  ];
  for (const [pvc, want] of cases) {
    if (typeof want === 'string') assert.equal(claimedVolumeName('ns', 'c', pvc), want);
    else assert.throws(() => claimedVolumeName('ns', 'c', pvc), want);
  }
});

test('plugin directories are upstream\'s', () => {
  const cases: [Record<string, unknown>, string | undefined][] = [
    [{ emptyDir: {} }, 'kubernetes.io~empty-dir'],
    [{ configMap: { name: 'x' } }, 'kubernetes.io~configmap'],
    [{ secret: { secretName: 'x' } }, 'kubernetes.io~secret'],
    [{ projected: { sources: [] } }, 'kubernetes.io~projected'],
    [{ downwardAPI: { items: [] } }, 'kubernetes.io~downward-api'],
    [{ nfs: {} }, undefined],
  ];
  for (const [v, want] of cases) assert.equal(pluginOf({ name: 'v', ...v }), want);
  assert.equal(volumeDir('/d', 'u', 'kubernetes.io~secret', 's'), '/d/agent/pods/u/volumes/kubernetes.io~secret/s');
});

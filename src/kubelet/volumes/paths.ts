// Where a pod's volumes live on the node, with upstream's plugin directory names.

import { join } from 'node:path';
import type { Volume, VolumePlugin } from './types.js';

export function podDir(dataDir: string, podUid: string): string {
  return join(dataDir, 'agent', 'pods', podUid);
}

export function volumeDir(dataDir: string, podUid: string, plugin: VolumePlugin, name: string): string {
  return join(podDir(dataDir, podUid), 'volumes', plugin, name);
}

/** The plugin directory a volume's files go in; undefined for volumes backed by host paths. */
export function pluginOf(v: Volume): VolumePlugin | undefined {
  if (v.emptyDir) return 'kubernetes.io~empty-dir';
  if (v.configMap) return 'kubernetes.io~configmap';
  if (v.secret) return 'kubernetes.io~secret';
  if (v.projected) return 'kubernetes.io~projected';
  if (v.downwardAPI) return 'kubernetes.io~downward-api';
  if (v.hostPath) return 'kubernetes.io~host-path';
  return undefined;
}

/** API data volumes: written by the kubelet, mounted read-only into containers, as upstream since CVE-2017-1002102. */
export function isApiDataVolume(v: Volume): boolean {
  return !!(v.configMap || v.secret || v.projected || v.downwardAPI);
}

/** The volume kind named as in `kubectl describe` and errors, for an unsupported volume. */
export function volumeKind(v: Volume): string {
  return Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
}

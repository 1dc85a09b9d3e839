// Pure rules of the local-path provisioner (Rancher's, as k3s bundles it): which claims it serves,
// which node a claim's volume goes to, and the PersistentVolume it makes for a claim.

import { join } from 'node:path';
import { defaultClass } from '../../api/storage-class.js';
import type { KubeObject } from '../../api/object.js';

export const PROVISIONER = 'rancher.io/local-path';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** Where Rancher's provisioner records the node on the PV. */
export const ANN_LOCAL_SELECTED_NODE = 'local.path.provisioner/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

export interface ClaimSpec {
  storageClassName?: string | null;
  volumeName?: string;
  accessModes?: string[];
  volumeMode?: string;
  resources?: { requests?: { storage?: string } };
}

export interface VolumeSpec {
  claimRef?: { apiVersion?: string; kind?: string; name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  hostPath?: { path: string; type?: string };
  local?: { path: string };
  persistentVolumeReclaimPolicy?: string;
  capacity?: { storage?: string };
  accessModes?: string[];
  storageClassName?: string;
  nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } };
}

export const claimSpec = (o: KubeObject) => (o.spec ?? {}) as ClaimSpec;
export const volumeSpec = (o: KubeObject) => (o.spec ?? {}) as VolumeSpec;
export const phaseOf = (o: KubeObject) => (o.status as { phase?: string } | undefined)?.phase;

/**
 * The StorageClass a claim is provisioned with when it is this provisioner's: the named class, or
 * for a claim with no class at all the default class (the newest, as upstream picks among several).
 * An empty class name ("") asks for no class and is never ours.
 */
export function classForClaim(pvc: KubeObject, classes: KubeObject[]): KubeObject | undefined {
  const name = claimSpec(pvc).storageClassName;
  let sc: KubeObject | undefined;
  if (typeof name === 'string') sc = name ? classes.find((c) => c.metadata?.name === name) : undefined;
  else {
    sc = defaultClass(classes);
  }
  return sc && sc.provisioner === PROVISIONER ? sc : undefined;
}

export function volumeNameFor(pvc: KubeObject): string {
  return `pvc-${pvc.metadata?.uid ?? ''}`;
}

/** `<dataDir>/storage/pvc-<uid>_<namespace>_<name>`, Rancher's folder naming. */
export function volumePathFor(dataDir: string, pvc: KubeObject): string {
  const m = pvc.metadata ?? {};
  return join(dataDir, 'storage', `pvc-${m.uid}_${m.namespace}_${m.name}`);
}

/** True when a pod (not finished) mounts the claim. */
export function podUsesClaim(pod: KubeObject, claimName: string): boolean {
  const phase = phaseOf(pod);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const vols = ((pod.spec as { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined)?.volumes ?? []);
  return vols.some((v) => v.persistentVolumeClaim?.claimName === claimName);
}

/**
 * The node the claim's volume goes on: the scheduler's selected-node annotation; else the node of
 * a scheduled pod using it (a consumer exists, so WaitForFirstConsumer is satisfied); else, for
 * Immediate binding, the only node when there is just one. undefined: wait.
 */
export function selectedNodeFor(pvc: KubeObject, sc: KubeObject, consumers: KubeObject[], nodeNames: string[]): string | undefined {
  const ann = pvc.metadata?.annotations?.[ANN_SELECTED_NODE];
  if (ann) return ann;
  const scheduled = consumers.map((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName).find(Boolean);
  if (scheduled) return scheduled;
  if (sc.volumeBindingMode !== 'WaitForFirstConsumer' && nodeNames.length === 1) return nodeNames[0];
  return undefined;
}

/** Rancher's check: host directories serve one node's pods. */
export function unsupportedAccessModes(modes: string[] | undefined): string | undefined {
  const bad = (modes ?? []).filter((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod');
  return bad.length ? 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes' : undefined;
}

/** The PersistentVolume for a claim on a node. */
export function provisionedVolume(pvc: KubeObject, sc: KubeObject, node: string, dataDir: string): KubeObject {
  const spec = claimSpec(pvc);
  const m = pvc.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeNameFor(pvc),
      annotations: { [ANN_LOCAL_SELECTED_NODE]: node, [ANN_PROVISIONED_BY]: PROVISIONER },
    },
    spec: {
      accessModes: spec.accessModes?.length ? [...spec.accessModes] : ['ReadWriteOnce'],
      capacity: { storage: spec.resources?.requests?.storage ?? '0' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: m.name, namespace: m.namespace, resourceVersion: m.resourceVersion, uid: m.uid },
      hostPath: { path: volumePathFor(dataDir, pvc), type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      persistentVolumeReclaimPolicy: typeof sc.reclaimPolicy === 'string' ? sc.reclaimPolicy : 'Delete',
      storageClassName: sc.metadata?.name,
      volumeMode: spec.volumeMode ?? 'Filesystem',
    },
  };
}

/** The node a provisioned PV lives on. */
export function volumeNode(pv: KubeObject): string | undefined {
  const ann = pv.metadata?.annotations?.[ANN_LOCAL_SELECTED_NODE];
  if (ann) return ann;
  for (const t of volumeSpec(pv).nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of t.matchExpressions ?? []) if (e.key === 'kubernetes.io/hostname' && e.operator === 'In' && e.values?.[0]) return e.values[0];
  }
  return undefined;
}

export function isProvisionedHere(pv: KubeObject): boolean {
  return pv.metadata?.annotations?.[ANN_PROVISIONED_BY] === PROVISIONER;
}

/** The claim's status once bound to the PV, as the PV controller writes it. */
export function boundClaimStatus(pv: KubeObject): Record<string, unknown> {
  const spec = volumeSpec(pv);
  return { phase: 'Bound', accessModes: spec.accessModes ?? [], capacity: { ...(spec.capacity ?? {}) } };
}

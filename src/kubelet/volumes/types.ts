// The slices of the core/v1 Pod, Volume, ConfigMap and Secret shapes the volume manager reads,
// and what it is given (deps) and gives back (VolumeMount).

import type { KubeObject } from '../../api/object.js';

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface ObjectFieldSelector {
  apiVersion?: string;
  fieldPath: string;
}

export interface ResourceFieldSelector {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

export interface DownwardAPIVolumeFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  mode?: number;
}

export interface ConfigMapSource {
  name?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface SecretSource {
  secretName?: string;
  items?: KeyToPath[];
  defaultMode?: number;
  optional?: boolean;
}

export interface ProjectionSource {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
  clusterTrustBundle?: unknown;
}

export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string | number };
  hostPath?: { path: string; type?: string };
  configMap?: ConfigMapSource;
  secret?: SecretSource;
  downwardAPI?: { items?: DownwardAPIVolumeFile[]; defaultMode?: number };
  projected?: { sources?: ProjectionSource[]; defaultMode?: number };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [other: string]: unknown;
}

export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
  readOnly?: boolean;
  mountPropagation?: string;
}

export interface ResourceList {
  [resource: string]: string | number | undefined;
}

export interface ContainerSpec {
  name: string;
  volumeMounts?: VolumeMountSpec[];
  resources?: { limits?: ResourceList; requests?: ResourceList };
  terminationMessagePath?: string;
  [other: string]: unknown;
}

export interface PodSpec {
  volumes?: Volume[];
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  ephemeralContainers?: ContainerSpec[];
  serviceAccountName?: string;
  nodeName?: string;
  securityContext?: { fsGroup?: number; fsGroupChangePolicy?: string };
  [other: string]: unknown;
}

/** The kinds of volume this manager sets up, with upstream's plugin directory names. */
export type VolumePlugin = 'kubernetes.io~empty-dir' | 'kubernetes.io~configmap' | 'kubernetes.io~secret' | 'kubernetes.io~projected' | 'kubernetes.io~downward-api' | 'kubernetes.io~host-path' | 'kubernetes.io~local-volume';

/** One set-up volume of a pod. */
export interface VolumeMount {
  name: string;
  plugin: VolumePlugin;
  /** The directory (or file, for a hostPath file) to bind into containers. */
  hostPath: string;
  /** Every mount of this volume is read-only (API data volumes, PVCs with readOnly). */
  readOnly: boolean;
  /** A tmpfs the manager mounted, to unmount on teardown. */
  tmpfs?: boolean;
}

export interface TokenResult {
  token: string;
  /** RFC 3339, as TokenRequest.status.expirationTimestamp. */
  expirationTimestamp: string;
}

export interface VolumeDeps {
  /** The agent's data dir; pod volumes live under `<dataDir>/agent/pods/<uid>/volumes/`. */
  dataDir: string;
  nodeName: string;
  getConfigMap(namespace: string, name: string): Promise<KubeObject | undefined> | KubeObject | undefined;
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined> | KubeObject | undefined;
  getPersistentVolumeClaim?(namespace: string, name: string): Promise<KubeObject | undefined> | KubeObject | undefined;
  getPersistentVolume?(name: string): Promise<KubeObject | undefined> | KubeObject | undefined;
  requestToken(namespace: string, serviceAccountName: string, req: { audiences: string[]; expirationSeconds: number; boundPod: { name: string; uid: string } }): Promise<TokenResult>;
  /** Node allocatable, used for resourceFieldRef limits a container does not set and tmpfs sizing. */
  nodeAllocatable?: ResourceList;
  /** Token cache shared across refreshes; one per agent. A module-level one is used if absent. */
  tokens?: TokenCache;
  now?: () => Date;
}

/** Issued tokens per pod volume file, so refreshes re-request only when upstream would. */
export interface TokenCache {
  get(key: string): { token: string; expirationTimestamp: string; expirationSeconds: number } | undefined;
  set(key: string, v: { token: string; expirationTimestamp: string; expirationSeconds: number }): void;
  deletePod(podUid: string): void;
}

export function newTokenCache(): TokenCache {
  const m = new Map<string, { token: string; expirationTimestamp: string; expirationSeconds: number }>();
  return {
    get: (k) => m.get(k),
    set: (k, v) => void m.set(k, v),
    deletePod: (uid) => {
      for (const k of m.keys()) if (k.startsWith(`${uid}/`)) m.delete(k);
    },
  };
}

/** A volume set-up failure; `message` is upstream's event text for it. */
export class VolumeSetUpError extends Error {
  constructor(
    readonly volume: string,
    readonly reason: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${reason}`);
    this.name = 'VolumeSetUpError';
  }
}

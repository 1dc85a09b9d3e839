// The shapes the kubelet reads from the API (core/v1 Pod, the parts it acts on) and writes back
// (PodStatus), the volume manager contract other code implements, and the kubelet's internal
// view of a pod as the runtime reports it (kubecontainer.PodStatus).

import type { KubeObject } from '../api/object.js';
import type { ContainerStatus as CriContainerStatus, Mount, PodSandboxStatus } from './cri/types.js';

export interface ExecAction { command?: string[] }
export interface HttpHeader { name: string; value: string }
export interface HttpGetAction { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: HttpHeader[] }
export interface TcpSocketAction { port: number | string; host?: string }
export interface GrpcAction { port: number; service?: string }
export interface SleepAction { seconds: number }

export interface LifecycleHandler { exec?: ExecAction; httpGet?: HttpGetAction; tcpSocket?: TcpSocketAction; sleep?: SleepAction }

export interface Probe extends LifecycleHandler {
  grpc?: GrpcAction;
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface KeySelector { name?: string; key: string; optional?: boolean }
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { apiVersion?: string; fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
    configMapKeyRef?: KeySelector;
    secretKeyRef?: KeySelector;
  };
}
export interface EnvFromSource { prefix?: string; configMapRef?: { name?: string; optional?: boolean }; secretRef?: { name?: string; optional?: boolean } }

export interface ResourceRequirements { limits?: Record<string, string | number>; requests?: Record<string, string | number> }

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  procMount?: string;
}

export interface PodSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  supplementalGroups?: number[];
  sysctls?: { name: string; value: string }[];
}

export interface VolumeMount { name: string; mountPath: string; readOnly?: boolean; subPath?: string; subPathExpr?: string; recursiveReadOnly?: string }

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { name?: string; containerPort: number; protocol?: string; hostPort?: number }[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  lifecycle?: { postStart?: LifecycleHandler; preStop?: LifecycleHandler };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  securityContext?: SecurityContext;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  /** Init containers only: "Always" makes a sidecar. */
  restartPolicy?: string;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  nodeName?: string;
  serviceAccountName?: string;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  securityContext?: PodSecurityContext;
  imagePullSecrets?: { name?: string }[];
  readinessGates?: { conditionType: string }[];
  volumes?: ({ name: string } & Record<string, unknown>)[];
  enableServiceLinks?: boolean;
}

export interface ContainerStateWaiting { reason?: string; message?: string }
export interface ContainerStateRunning { startedAt?: string }
export interface ContainerStateTerminated { exitCode: number; signal?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string; containerID?: string }
export interface ContainerState { waiting?: ContainerStateWaiting; running?: ContainerStateRunning; terminated?: ContainerStateTerminated }

export interface ApiContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; recursiveReadOnly?: string }[];
}

export interface PodCondition { type: string; status: string; lastProbeTime?: string | null; lastTransitionTime?: string; reason?: string; message?: string }

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  message?: string;
  reason?: string;
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
  initContainerStatuses?: ApiContainerStatus[];
  containerStatuses?: ApiContainerStatus[];
  nominatedNodeName?: string;
}

export interface Pod extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']> & { name: string; namespace: string; uid: string };
  spec: PodSpec;
  status?: PodStatus;
}

/** A volume set up for a pod: where its content lives on the host. */
export interface MountedVolume { hostPath: string; readOnly?: boolean }

/**
 * The volume manager (implemented elsewhere): prepares a pod's volumes before its containers
 * start, says how each container mounts them, and removes them once the pod is gone.
 */
export interface VolumeHost {
  /** Sets up (or refreshes) every volume of the pod; throws with a message for FailedMount. */
  setUpVolumes(pod: Pod): Promise<Map<string, MountedVolume>>;
  /** The container's volumeMounts as runtime mounts (subPath, subPathExpr with the given env, readOnly). */
  containerMounts(pod: Pod, container: Container, volumes: Map<string, MountedVolume>, env: Record<string, string>): Promise<Mount[]>;
  /** Unmounts and removes whatever setUpVolumes made for this pod uid; idempotent. */
  tearDownVolumes(podUid: string): Promise<void>;
}

/** One container as the runtime reports it, with what the kubelet keeps in its labels. */
export interface RuntimeContainer {
  id: string;
  name: string;
  state: 'running' | 'created' | 'exited' | 'unknown';
  /** Milliseconds since the epoch (0: not yet). */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  /** The image as the pod spec named it when the container was created, normalized. */
  image: string;
  /** repo@sha256 digest, for status.imageID. */
  imageRef: string;
  restartCount: number;
  hash: string;
  cri: CriContainerStatus;
}

/** The runtime's view of one pod (kubecontainer.PodStatus). */
export interface RuntimePodStatus {
  uid: string;
  name: string;
  namespace: string;
  /** Newest first. */
  sandboxes: PodSandboxStatus[];
  /** Newest first. */
  containers: RuntimeContainer[];
  ips: string[];
}

// The contract between the kubelet and its container runtime, shaped after CRI v1
// (k8s.io/cri-api runtime/v1) so that each side keeps upstream's division of labour: the kubelet
// decides what should run, the runtime (images, sandboxes, containers) makes it so. In-process
// TypeScript calls instead of gRPC; field names follow the CRI messages in camelCase.

import type { Duplex, Readable, Writable } from 'node:stream';

export interface KeyValue { key: string; value: string }

// ---- images ----

export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64(username:password), as in a docker config.json. */
  auth?: string;
  identityToken?: string;
  registryToken?: string;
}

/** The parts of an OCI image config a runtime and the kubelet need. */
export interface ImageConfig {
  user?: string;
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  exposedPorts?: string[];
  labels?: Record<string, string>;
  stopSignal?: string;
}

export interface Image {
  /** The config digest, "sha256:<hex>" (what `crictl images` shows as IMAGE ID). */
  id: string;
  /** Normalized references: "docker.io/library/nginx:alpine". */
  repoTags: string[];
  /** "docker.io/library/nginx@sha256:<manifest digest>": what the kubelet reports as imageID. */
  repoDigests: string[];
  /** Bytes the image takes, compressed layers. */
  size: number;
  config: ImageConfig;
}

export interface PullProgress { ref: string; layer?: string; bytes: number; total: number; done: boolean }

export interface ImageService {
  /** Pulls (always) and returns the image's id. Errors are ImagePullError. */
  pullImage(image: string, auth?: AuthConfig[], onProgress?: (p: PullProgress) => void): Promise<string>;
  /** The image known under this reference (tag, digest or id), or undefined. */
  imageStatus(image: string): Promise<Image | undefined>;
  listImages(): Promise<Image[]>;
  removeImage(image: string): Promise<void>;
  /**
   * Unpacked layer directories of an image, bottom layer first, for the runtime to stack as overlayfs
   * lowerdirs (whiteouts already in overlay form).
   */
  layerDirs(imageId: string): Promise<string[]>;
}

/** Why a pull failed, for the kubelet's ErrImagePull message. */
export class ImagePullError extends Error {
  constructor(message: string, readonly kind: 'NotFound' | 'Unauthorized' | 'Network' | 'Invalid' | 'Other') {
    super(message);
    this.name = 'ImagePullError';
  }
}

// ---- sandboxes ----

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }

export interface DnsConfig { servers: string[]; searches: string[]; options: string[] }

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  /** Directory for this pod's container logs: <dataDir>/agent/pods/<uid>/logs (CRI: logDirectory). */
  logDirectory: string;
  dnsConfig?: DnsConfig;
  /** Extra /etc/hosts lines (pod.spec.hostAliases), the pod's own entry is added by the runtime. */
  hostAliases?: { ip: string; hostnames: string[] }[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** cgroup parent for the pod: "k8ts/pod<uid>". */
  cgroupParent: string;
  /** pod.spec.hostNetwork */
  hostNetwork?: boolean;
  sysctls?: Record<string, string>;
}

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  /** Nanoseconds since the epoch, as CRI reports times. */
  createdAt: bigint;
  network: { ip: string; additionalIps: string[] };
  /** Paths the runtime keeps for the pod, for containers to join and mount. */
  netnsPath: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

// ---- containers ----

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  /** The source is a file (e.g. subPath of a file, /etc/hosts), bind-mounted as a file. */
  selinuxRelabel?: boolean;
}

export interface Capability { addCapabilities: string[]; dropCapabilities: string[] }

export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  /** Set when the image's user is a name, for the runtime to resolve in the image's /etc/passwd. */
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface ContainerMetadata { name: string; attempt: number }

export interface ContainerConfig {
  metadata: ContainerMetadata;
  /** The image id (sha256:...) the kubelet resolved with imageStatus. */
  image: string;
  /** Overrides the image's entrypoint (pod's `command`). Empty: the image's. */
  command: string[];
  /** Overrides the image's cmd (pod's `args`). */
  args: string[];
  workingDir: string;
  /** Merged over the image's env by the runtime. */
  envs: KeyValue[];
  mounts: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Relative to the sandbox's logDirectory: "<container>/<attempt>.log" (CRI log format). */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  linux: { resources: LinuxContainerResources; securityContext: LinuxContainerSecurityContext };
  /** Where the runtime writes the termination message file from (container's terminationMessagePath). */
  terminationMessagePath?: string;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface ContainerStatus {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  /** Nanoseconds since the epoch; 0n when not yet. */
  createdAt: bigint;
  startedAt: bigint;
  finishedAt: bigint;
  exitCode: number;
  /** Image id and the repo digest it was pulled as. */
  image: string;
  imageRef: string;
  /** "OOMKilled", "Completed", "Error" when exited; "" otherwise. */
  reason: string;
  /** For a failed start: the runtime's error text. */
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Absolute path of the CRI-format log file. */
  logPath: string;
  /** Host pid of the container's init, when running. */
  pid?: number;
}

export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exitCode: number }

/** A running exec or attach session. */
export interface StreamSession {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
  /** Terminal size changes (tty sessions only). */
  resize(width: number, height: number): void;
  /** Resolves with the exit code (exec), or when the attach ends. */
  exited: Promise<number>;
  /** Ends the session (client went away). */
  close(): void;
}

export interface StreamOptions { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

export interface RuntimeService {
  /** "runc 1.1.5": for node.status.nodeInfo.containerRuntimeVersion ("k8ts://<version>"). */
  version(): Promise<{ runtimeName: string; runtimeVersion: string }>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox (killing them) and frees its network; idempotent. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus | undefined>;
  listPodSandbox(filter?: { labelSelector?: Record<string, string> }): Promise<PodSandboxStatus[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after timeoutSeconds. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: { podSandboxId?: string; labelSelector?: Record<string, string> }): Promise<ContainerStatus[]>;
  containerStatus(containerId: string): Promise<ContainerStatus | undefined>;

  /** CRI ReopenContainerLog: after the kubelet renamed a running container's log to rotate it, write a fresh file at the path. */
  reopenContainerLog(containerId: string): Promise<void>;

  /** Runs a command in the container and collects its output (exec probes, hooks). */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  /** kubectl exec. */
  exec(containerId: string, cmd: string[], opts: StreamOptions): Promise<StreamSession>;
  /** kubectl attach: to the container's main process stdio. */
  attach(containerId: string, opts: StreamOptions): Promise<StreamSession>;
  /** kubectl port-forward: a connection to localhost:port inside the pod's network namespace. */
  portForward(podSandboxId: string, port: number): Promise<Duplex>;
}

// A unit-test double of the container runtime and image service: sandboxes and containers live
// in memory, a "running" container runs until the test makes it exit, exec answers from a
// handler the test sets. The kubelet's own tests use it; the real runtime (runc) is exercised
// by the runtime's tests and by the e2e suite.

import { Duplex } from 'node:stream';
import { ImagePullError, type ContainerConfig, type ContainerStatus, type ExecSyncResponse, type Image, type ImageService, type PodSandboxConfig, type PodSandboxStatus, type RuntimeService, type StreamSession } from './cri/types.js';
import { normalizeImage } from './kuberuntime/image-ref.js';

const ns = (ms: number) => BigInt(ms) * 1_000_000n;

function matches(labels: Record<string, string>, sel?: Record<string, string>): boolean {
  return !sel || Object.entries(sel).every(([k, v]) => labels[k] === v);
}

export class FakeRuntime implements RuntimeService {
  readonly sandboxes = new Map<string, PodSandboxStatus & { config: PodSandboxConfig }>();
  readonly containers = new Map<string, ContainerStatus & { config: ContainerConfig }>();
  /** Every call, in order ("runPodSandbox", "createContainer app", ...). */
  readonly calls: string[] = [];
  /** Answers execSync (probes, hooks); default: exit 0. */
  onExec: (id: string, cmd: string[]) => ExecSyncResponse | Promise<ExecSyncResponse> = () => ({ stdout: Buffer.from(''), stderr: Buffer.from(''), exitCode: 0 });
  /** Containers whose start should fail, by name. */
  failStart = new Set<string>();
  private seq = 0;
  private ip = 1;

  constructor(private readonly now: () => number = Date.now) {}

  private id(prefix: string): string {
    return `${prefix}${(++this.seq).toString(16).padStart(8, '0')}`;
  }

  async version() {
    return { runtimeName: 'k8ts', runtimeVersion: '0.1.0' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = this.id('sb');
    this.calls.push(`runPodSandbox ${config.metadata.name}`);
    this.sandboxes.set(id, { id, metadata: config.metadata, state: 'SANDBOX_READY', createdAt: ns(this.now()) + BigInt(this.seq), network: { ip: config.hostNetwork ? '' : `10.42.0.${++this.ip}`, additionalIps: [] }, netnsPath: `/run/netns/${id}`, labels: config.labels, annotations: config.annotations, config });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    this.calls.push(`stopPodSandbox ${sb.metadata.name}`);
    for (const c of this.containers.values()) if (c.podSandboxId === id && c.state === 'CONTAINER_RUNNING') this.exit(c.id, 137);
    sb.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(id: string): Promise<void> {
    this.calls.push(`removePodSandbox ${this.sandboxes.get(id)?.metadata.name}`);
    for (const c of [...this.containers.values()]) if (c.podSandboxId === id) this.containers.delete(c.id);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string) {
    return this.sandboxes.get(id);
  }

  async listPodSandbox(filter?: { labelSelector?: Record<string, string> }) {
    return [...this.sandboxes.values()].filter((s) => matches(s.labels, filter?.labelSelector));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(podSandboxId);
    if (!sb || sb.state !== 'SANDBOX_READY') throw new Error(`sandbox ${podSandboxId} is not ready`);
    const id = this.id('c');
    this.calls.push(`createContainer ${config.metadata.name}`);
    this.containers.set(id, {
      id,
      podSandboxId,
      metadata: config.metadata,
      state: 'CONTAINER_CREATED',
      createdAt: ns(this.now()) + BigInt(this.seq),
      startedAt: 0n,
      finishedAt: 0n,
      exitCode: 0,
      image: config.image,
      imageRef: `docker.io/library/x@${config.image}`,
      reason: '',
      message: '',
      labels: config.labels,
      annotations: config.annotations,
      logPath: `${sb.config.logDirectory}/${config.logPath}`,
      config,
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} not found`);
    this.calls.push(`startContainer ${c.metadata.name}`);
    if (this.failStart.has(c.metadata.name)) {
      c.state = 'CONTAINER_EXITED';
      c.exitCode = 128;
      c.reason = 'StartError';
      c.finishedAt = ns(this.now());
      throw new Error('failed to create containerd task: exec: "nope": executable file not found in $PATH');
    }
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = ns(this.now());
  }

  /** The test's way of ending a container's process. */
  exit(id: string, code: number, reason = code === 0 ? 'Completed' : 'Error'): void {
    const c = this.containers.get(id);
    if (!c || c.state === 'CONTAINER_EXITED') return;
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = ns(this.now());
  }

  /** The running container of that name (newest), if any. */
  running(name: string): (ContainerStatus & { config: ContainerConfig }) | undefined {
    return [...this.containers.values()].reverse().find((c) => c.metadata.name === name && c.state === 'CONTAINER_RUNNING');
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.calls.push(`stopContainer ${c.metadata.name}`);
    this.exit(id, 137, 'Error');
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`removeContainer ${this.containers.get(id)?.metadata.name}`);
    this.containers.delete(id);
  }

  async listContainers(filter?: { podSandboxId?: string; labelSelector?: Record<string, string> }) {
    return [...this.containers.values()].filter((c) => (!filter?.podSandboxId || c.podSandboxId === filter.podSandboxId) && matches(c.labels, filter?.labelSelector)).map((c) => ({ ...c }));
  }

  async containerStatus(id: string) {
    return this.containers.get(id);
  }

  async reopenContainerLog(): Promise<void> {}

  async execSync(id: string, cmd: string[]): Promise<ExecSyncResponse> {
    return this.onExec(id, cmd);
  }

  async exec(): Promise<StreamSession> {
    throw new Error('not supported by the fake runtime');
  }

  async attach(): Promise<StreamSession> {
    throw new Error('not supported by the fake runtime');
  }

  async portForward(): Promise<Duplex> {
    throw new Error('not supported by the fake runtime');
  }
}

export class FakeImages implements ImageService {
  readonly images = new Map<string, Image>();
  readonly pulls: string[] = [];
  /** References that fail to pull. */
  readonly missing = new Set<string>();

  constructor(present: string[] = []) {
    for (const p of present) this.add(p);
  }

  add(ref: string, user = ''): Image {
    const n = normalizeImage(ref);
    const img: Image = { id: `sha256:${Buffer.from(n).toString('hex').slice(0, 64).padEnd(64, '0')}`, repoTags: [n], repoDigests: [`${n.replace(/:[^:/]*$/, '')}@sha256:${'a'.repeat(64)}`], size: 1234, config: { user } };
    this.images.set(n, img);
    return img;
  }

  async pullImage(image: string): Promise<string> {
    const n = normalizeImage(image);
    this.pulls.push(image);
    if (this.missing.has(image) || this.missing.has(n)) throw new ImagePullError(`rpc error: code = NotFound desc = failed to pull and unpack image "${n}": failed to resolve reference "${n}": ${n}: not found`, 'NotFound');
    return (this.images.get(n) ?? this.add(image)).id;
  }

  async imageStatus(image: string) {
    return this.images.get(normalizeImage(image)) ?? [...this.images.values()].find((i) => i.id === image);
  }

  async listImages() {
    return [...this.images.values()];
  }

  async removeImage(image: string) {
    this.images.delete(normalizeImage(image));
  }

  async layerDirs() {
    return [];
  }
}

// Which container instance a log request reads, from the pod status the kubelet reports, with
// upstream's kubelet messages (validateContainerLogStatus) for containers that have no logs.

import type { KubeObject } from '../../api/object.js';

interface ContainerStateLike {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { containerID?: string };
}

interface ContainerStatusLike {
  name: string;
  containerID?: string;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
}

/** "containerd://abc" → "abc": the runtime's id without the runtime name. */
export function runtimeContainerId(id: string): string {
  const i = id.indexOf('://');
  return i < 0 ? id : id.slice(i + 3);
}

function statuses(pod: KubeObject): ContainerStatusLike[] {
  const st = (pod.status ?? {}) as Record<string, unknown>;
  const all: ContainerStatusLike[] = [];
  for (const k of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    if (Array.isArray(st[k])) all.push(...(st[k] as ContainerStatusLike[]));
  }
  return all;
}

/** The container's spec entry exists (regular, init or ephemeral). */
export function podHasContainer(pod: KubeObject, name: string): boolean {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  return ['containers', 'initContainers', 'ephemeralContainers'].some((k) => Array.isArray(spec[k]) && (spec[k] as { name?: string }[]).some((c) => c.name === name));
}

/** The runtime container id whose log to read, or the reason there is none (a 400 upstream). */
export function containerForLogs(pod: KubeObject, container: string, previous: boolean): { id: string } | { error: string } {
  const podName = pod.metadata?.name ?? '';
  const cs = statuses(pod).find((s) => s.name === container);
  if (!cs) return { error: `container "${container}" in pod "${podName}" is not available` };
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  const id = (s: string) => ({ id: runtimeContainerId(s) });
  if (previous) {
    if (!last?.containerID) return { error: `previous terminated container "${container}" in pod "${podName}" not found` };
    return id(last.containerID);
  }
  if (running) return cs.containerID ? id(cs.containerID) : { error: `container "${container}" in pod "${podName}" is waiting to start - no logs yet` };
  if (terminated) {
    if (terminated.containerID) return id(terminated.containerID);
    if (last?.containerID) return id(last.containerID);
    return { error: `container "${container}" in pod "${podName}" is terminated` };
  }
  if (last) {
    if (!last.containerID) return { error: `container "${container}" in pod "${podName}" is terminated` };
    return id(last.containerID);
  }
  if (waiting) {
    const reason = waiting.reason ?? '';
    if (reason === 'ErrImagePull') return { error: `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled` };
    if (reason === 'ImagePullBackOff') return { error: `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image` };
    return { error: `container "${container}" in pod "${podName}" is waiting to start: ${reason}` };
  }
  return { error: `container "${container}" in pod "${podName}" is waiting to start - no logs yet` };
}

/** The running container to exec in or attach to (upstream: "container not found"). */
export function runningContainer(pod: KubeObject, container: string): string | undefined {
  const cs = statuses(pod).find((s) => s.name === container);
  if (!cs?.state?.running || !cs.containerID) return undefined;
  return runtimeContainerId(cs.containerID);
}

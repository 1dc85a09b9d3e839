// Container statuses as the kubelet writes them (kubelet_pods.go convertToAPIContainerStatuses):
// what the runtime reports for the two newest instances of each container (state and
// lastState), the waiting reason of a container the kubelet could not start (ErrImagePull,
// CrashLoopBackOff, CreateContainerConfigError...), restart counts carried over, and the
// default waiting reason (ContainerCreating, or PodInitializing when there are init containers).

import type { ApiContainerStatus, Container, ContainerState, Pod, RuntimeContainer, RuntimePodStatus } from './types.js';

export interface WaitingReason { reason: string; message: string }

export const CONTAINER_STATUS_UNKNOWN = 'ContainerStatusUnknown';

/** metav1.Time as the API writes it: RFC 3339, whole seconds. */
export function apiTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const isRestartableInit = (c: Container): boolean => c.restartPolicy === 'Always';

/** The newest runtime instance of a container. */
export function latestContainer(rt: RuntimePodStatus, name: string): RuntimeContainer | undefined {
  return rt.containers.find((c) => c.name === name);
}

/** kubecontainer.ShouldContainerBeRestarted, aware of sidecars (restartable init containers). */
export function shouldContainerBeRestarted(c: Container, pod: Pod, rt: RuntimePodStatus): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const s = latestContainer(rt, c.name);
  if (!s) return true;
  if (s.state === 'running') return false;
  if (s.state === 'unknown' || s.state === 'created') return true;
  if (isRestartableInit(c)) return true;
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && s.exitCode === 0) return false;
  return true;
}

function volumeMounts(c: Container): ApiContainerStatus['volumeMounts'] {
  if (!c.volumeMounts?.length) return undefined;
  return c.volumeMounts.map((m) => (m.readOnly ? { name: m.name, mountPath: m.mountPath, readOnly: true, recursiveReadOnly: 'Disabled' } : { name: m.name, mountPath: m.mountPath }));
}

function convert(cs: RuntimeContainer, old: ApiContainerStatus | undefined, runtimeName: string): ApiContainerStatus {
  const cid = `${runtimeName}://${cs.id}`;
  const status: ApiContainerStatus = { name: cs.name, state: {}, lastState: {}, ready: false, restartCount: cs.restartCount, image: cs.image, imageID: cs.imageRef, containerID: cid };
  if (cs.state === 'running') status.state = { running: { startedAt: apiTime(cs.startedAt) } };
  else if (cs.state === 'created') status.state = { waiting: {} };
  else if (cs.state === 'exited') {
    const t: NonNullable<ContainerState['terminated']> = { exitCode: cs.exitCode };
    if (cs.reason) t.reason = cs.reason;
    if (cs.message) t.message = cs.message;
    if (cs.startedAt) t.startedAt = apiTime(cs.startedAt);
    if (cs.finishedAt) t.finishedAt = apiTime(cs.finishedAt);
    t.containerID = cid;
    status.state = { terminated: t };
  } else if (old?.state.running) {
    status.state = { terminated: { exitCode: 137, reason: CONTAINER_STATUS_UNKNOWN, message: 'The container could not be located when the pod was terminated' } };
    status.restartCount = old.restartCount + 1;
  } else status.state = { waiting: {} };
  return status;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export interface ConvertInput {
  pod: Pod;
  runtime: RuntimePodStatus;
  previous: ApiContainerStatus[] | undefined;
  containers: Container[];
  isInit: boolean;
  /** Why the kubelet could not start a container at its last attempt (the reason cache). */
  reasons: Map<string, WaitingReason>;
  /** "containerd", "cri-o"...: the scheme of containerID. */
  runtimeName: string;
}

export function convertContainerStatuses(input: ConvertInput): ApiContainerStatus[] {
  const { pod, runtime, containers, isInit } = input;
  const hasInit = (pod.spec.initContainers ?? []).length > 0;
  const old = new Map((input.previous ?? []).map((s) => [s.name, s]));
  const defaultWaiting: ContainerState = { waiting: { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' } };
  const statuses = new Map<string, ApiContainerStatus>();
  for (const c of containers) {
    let s: ApiContainerStatus = { name: c.name, state: clone(defaultWaiting), lastState: {}, ready: false, restartCount: 0, image: c.image ?? '', imageID: '' };
    const o = old.get(c.name);
    if (o) {
      if (o.state.terminated) s = clone(o);
      else {
        s.restartCount = o.restartCount;
        s.lastState = clone(o.lastState ?? {});
      }
    }
    const vm = volumeMounts(c);
    if (vm) s.volumeMounts = vm;
    statuses.set(c.name, s);
  }

  // A container that was running and has vanished from the runtime did terminate, even if we cannot say how.
  for (const c of containers) {
    if (runtime.containers.some((x) => x.name === c.name)) continue;
    const o = old.get(c.name);
    if (!o || o.state.terminated || !o.state.running) continue;
    const s = statuses.get(c.name)!;
    if (s.state.waiting?.reason !== defaultWaiting.waiting!.reason) continue;
    if (s.lastState.terminated) continue;
    s.lastState = { terminated: { exitCode: 137, reason: CONTAINER_STATUS_UNKNOWN, message: 'The container could not be located when the pod was deleted.  The container used to be Running' } };
    if (!pod.metadata.deletionTimestamp) s.restartCount += 1;
  }

  const seen = new Map<string, number>();
  for (const cs of runtime.containers) {
    const prev = statuses.get(cs.name);
    if (!prev) continue;
    const n = seen.get(cs.name) ?? 0;
    if (n >= 2) continue;
    const o = old.get(cs.name);
    const s = convert(cs, o, input.runtimeName);
    if (cs.state === 'running' && o?.started !== undefined) s.started = o.started;
    if (prev.volumeMounts) s.volumeMounts = prev.volumeMounts;
    if (n === 0) statuses.set(cs.name, s);
    else prev.lastState = s.state;
    seen.set(cs.name, n + 1);
  }

  for (const c of containers) {
    if (isInit) {
      const latest = latestContainer(runtime, c.name);
      if (latest && latest.state === 'exited' && latest.exitCode === 0) continue;
    }
    if (!shouldContainerBeRestarted(c, pod, runtime)) continue;
    const reason = input.reasons.get(c.name);
    if (!reason) continue;
    const s = statuses.get(c.name)!;
    if (s.state.terminated) s.lastState = s.state;
    s.state = { waiting: reason.message ? { reason: reason.reason, message: reason.message } : { reason: reason.reason } };
  }

  const out = containers.map((c) => statuses.get(c.name)!);
  if (!isInit) out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

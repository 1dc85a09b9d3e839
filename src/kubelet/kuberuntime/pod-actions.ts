// What a sync must do to bring the runtime in line with the pod spec (kuberuntime_manager.go
// computePodActions, with sidecars): create a sandbox (and start over from the first init
// container), run init containers one at a time (sidecars started, and past their startup
// probe, before the next), restart exited containers as restartPolicy says, kill containers
// whose liveness or startup probe failed, and kill the whole pod when nothing is left to run.

import { isRestartableInit, latestContainer, shouldContainerBeRestarted } from '../container-status.js';
import type { Pod, RuntimePodStatus } from '../types.js';

export interface KillInfo { name: string; message: string; reason: '' | 'LivenessProbe' | 'StartupProbe' | 'Unknown' }

export interface PodActions {
  killPod: boolean;
  createSandbox: boolean;
  /** The sandbox in use (or to replace). */
  sandboxId?: string;
  /** Attempt number of the sandbox to create. */
  attempt: number;
  /** Indexes into spec.initContainers, in order. */
  initContainersToStart: number[];
  /** Indexes into spec.containers. */
  containersToStart: number[];
  /** By container id. */
  containersToKill: Map<string, KillInfo>;
}

/** Probe results the decisions need, for the current instance of a container. */
export interface ProbeResults {
  livenessFailed(containerId: string): boolean;
  startupFailed(containerId: string): boolean;
  /** Passed its startup probe, or has none. */
  started(containerId: string, containerName: string): boolean;
}

export function podSandboxChanged(pod: Pod, rt: RuntimePodStatus): { changed: boolean; attempt: number; sandboxId?: string } {
  if (!rt.sandboxes.length) return { changed: true, attempt: 0 };
  const latest = rt.sandboxes[0];
  const ready = rt.sandboxes.filter((s) => s.state === 'SANDBOX_READY').length;
  if (ready > 1 || latest.state !== 'SANDBOX_READY') return { changed: true, attempt: latest.metadata.attempt + 1, sandboxId: latest.id };
  if (!pod.spec.hostNetwork && !latest.network.ip) return { changed: true, attempt: latest.metadata.attempt + 1, sandboxId: latest.id };
  return { changed: false, attempt: latest.metadata.attempt, sandboxId: latest.id };
}

const restartOnFailure = (pod: Pod) => (pod.spec.restartPolicy ?? 'Always') !== 'Never';

function hasAnyRegularContainerCreated(pod: Pod, rt: RuntimePodStatus): boolean {
  return pod.spec.containers.some((c) => latestContainer(rt, c.name) !== undefined);
}

/** Returns whether initialization is complete; fills in init container starts and kills. */
function computeInitContainerActions(pod: Pod, rt: RuntimePodStatus, a: PodActions, probes: ProbeResults): boolean {
  const inits = pod.spec.initContainers ?? [];
  if (!inits.length) return true;
  const initialized = hasAnyRegularContainerCreated(pod, rt);
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    const s = latestContainer(rt, c.name);
    if (isRestartableInit(c)) {
      if (!s) {
        a.initContainersToStart.push(i);
        if (!initialized) return false;
        continue;
      }
      if (s.state === 'running') {
        if (probes.startupFailed(s.id)) {
          a.containersToKill.set(s.id, { name: c.name, message: `Init container ${c.name} failed startup probe`, reason: 'StartupProbe' });
          a.initContainersToStart.push(i);
          if (!initialized) return false;
        } else if (probes.livenessFailed(s.id)) {
          a.containersToKill.set(s.id, { name: c.name, message: `Init container ${c.name} failed liveness probe`, reason: 'LivenessProbe' });
          a.initContainersToStart.push(i);
          if (!initialized) return false;
        } else if (!probes.started(s.id, c.name) && !initialized) {
          return false;
        }
        continue;
      }
      if (s.state === 'unknown') a.containersToKill.set(s.id, { name: c.name, message: `Init container is in "${s.state}" state, try killing it before restart`, reason: 'Unknown' });
      a.initContainersToStart.push(i);
      if (!initialized) return false;
      continue;
    }
    if (initialized) continue;
    if (!s) {
      a.initContainersToStart.push(i);
      return false;
    }
    if (s.state === 'running') return false;
    if (s.state === 'created' || s.state === 'unknown') {
      if (s.state === 'unknown') a.containersToKill.set(s.id, { name: c.name, message: `Init container is in "${s.state}" state, try killing it before restart`, reason: 'Unknown' });
      a.initContainersToStart.push(i);
      return false;
    }
    if (s.exitCode === 0) continue;
    if (!restartOnFailure(pod)) {
      a.killPod = true;
      a.initContainersToStart = [];
      return false;
    }
    a.initContainersToStart.push(i);
    return false;
  }
  return true;
}

export function computePodActions(pod: Pod, rt: RuntimePodStatus, probes: ProbeResults): PodActions {
  const sb = podSandboxChanged(pod, rt);
  const a: PodActions = { killPod: sb.changed, createSandbox: sb.changed, sandboxId: sb.sandboxId, attempt: sb.attempt, initContainersToStart: [], containersToStart: [], containersToKill: new Map() };
  if (sb.changed) {
    if (!restartOnFailure(pod) && sb.attempt !== 0 && rt.containers.length) {
      a.createSandbox = false;
      return a;
    }
    const toStart: number[] = [];
    pod.spec.containers.forEach((c, i) => {
      const s = latestContainer(rt, c.name);
      if (pod.spec.restartPolicy === 'OnFailure' && s && s.state === 'exited' && s.exitCode === 0) return;
      toStart.push(i);
    });
    if (hasAnyRegularContainerCreated(pod, rt) && !toStart.length) {
      a.createSandbox = false;
      return a;
    }
    if ((pod.spec.initContainers ?? []).length) {
      a.initContainersToStart = [0];
      return a;
    }
    a.containersToStart = toStart;
    return a;
  }

  const initialized = computeInitContainerActions(pod, rt, a, probes);
  if (a.killPod || !initialized) return a;

  let keep = 0;
  pod.spec.containers.forEach((c, i) => {
    const s = latestContainer(rt, c.name);
    if (!s || s.state !== 'running') {
      if (shouldContainerBeRestarted(c, pod, rt)) {
        a.containersToStart.push(i);
        if (s && s.state === 'unknown') a.containersToKill.set(s.id, { name: c.name, message: `Container is in "${s.state}" state, try killing it before restart`, reason: 'Unknown' });
      }
      return;
    }
    let message: string;
    let reason: KillInfo['reason'];
    if (probes.livenessFailed(s.id)) {
      message = `Container ${c.name} failed liveness probe`;
      reason = 'LivenessProbe';
    } else if (probes.startupFailed(s.id)) {
      message = `Container ${c.name} failed startup probe`;
      reason = 'StartupProbe';
    } else {
      keep++;
      return;
    }
    if (restartOnFailure(pod)) {
      message += ', will be restarted';
      a.containersToStart.push(i);
    }
    a.containersToKill.set(s.id, { name: c.name, message, reason });
  });
  if (keep === 0 && a.containersToStart.length === 0) {
    a.killPod = true;
    a.initContainersToStart = [];
  }
  return a;
}

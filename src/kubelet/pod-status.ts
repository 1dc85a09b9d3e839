// The pod status the kubelet writes (kubelet_pods.go generateAPIPodStatus and getPhase,
// status/generate.go for the conditions, the status manager's timestamps), as pure functions:
// phase from the container statuses and the restart policy, the kubelet-owned conditions
// (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled) with their
// reasons and messages, started/ready from the probes, IPs, startTime and qosClass.

import { podQosClass } from '../apiserver/strategies.js';
import { convertContainerStatuses, isRestartableInit, type WaitingReason } from './container-status.js';
import type { ApiContainerStatus, Container, Pod, PodCondition, PodStatus, RuntimePodStatus } from './types.js';

const KUBELET_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);

const byName = (statuses: ApiContainerStatus[], name: string) => statuses.find((s) => s.name === name);

export function hasAnyRegularContainerStarted(pod: Pod, statuses: ApiContainerStatus[]): boolean {
  const names = new Set(pod.spec.containers.map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (s.state.running !== undefined || s.state.terminated !== undefined));
}

/** getPhase (v1.32, without the ContainerRestartRules gate). */
export function getPhase(pod: Pod, info: ApiContainerStatus[], podIsTerminal: boolean, podHasInitialized: boolean): string {
  const spec = pod.spec;
  const policy = spec.restartPolicy ?? 'Always';
  let pendingRestartableInit = 0;
  let pendingRegularInit = 0;
  let failedInitialization = 0;
  for (const c of spec.initContainers ?? []) {
    if (isRestartableInit(c)) continue;
    const s = byName(info, c.name);
    if (!s) {
      pendingRegularInit++;
      continue;
    }
    if (s.state.running) pendingRegularInit++;
    else if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingRegularInit++;
    } else pendingRegularInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.initContainers ?? []) {
    if (!isRestartableInit(c)) continue;
    const s = byName(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) {
      if (!s.started) pendingRestartableInit++;
      running++;
    } else if (s.state.terminated) {
      // terminated sidecars do not count for the phase
    } else if (s.state.waiting) {
      if (!s.lastState?.terminated) {
        pendingRestartableInit++;
        waiting++;
      }
    } else {
      pendingRestartableInit++;
      unknown++;
    }
  }
  for (const c of spec.containers) {
    const s = byName(info, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  if (pendingRegularInit > 0 || (pendingRestartableInit > 0 && !podHasInitialized) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function cond(type: string, status: string, reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

const list = (names: string[]) => `[${names.join(' ')}]`;

export function containersReadyCondition(pod: Pod, statuses: ApiContainerStatus[], phase: string): PodCondition {
  const unknown: string[] = [];
  const unready: string[] = [];
  const check = (c: Container) => {
    const s = byName(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  };
  for (const c of pod.spec.initContainers ?? []) if (isRestartableInit(c)) check(c);
  for (const c of pod.spec.containers) check(c);
  if (phase === 'Succeeded' && unknown.length === 0) return cond('ContainersReady', 'False', 'PodCompleted');
  if (phase === 'Failed') return cond('ContainersReady', 'False', 'PodFailed');
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) msgs.push(`containers with unready status: ${list(unready)}`);
  if (msgs.length) return cond('ContainersReady', 'False', 'ContainersNotReady', msgs.join(', '));
  return cond('ContainersReady', 'True');
}

export function podReadyCondition(pod: Pod, conditions: PodCondition[], statuses: ApiContainerStatus[], phase: string): PodCondition {
  const cr = containersReadyCondition(pod, statuses, phase);
  if (cr.status !== 'True') return { ...cr, type: 'Ready' };
  const msgs: string[] = [];
  for (const g of pod.spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === g.conditionType);
    if (!c) msgs.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  if (msgs.length) return cond('Ready', 'False', 'ReadinessGatesNotReady', msgs.join(', '));
  return cond('Ready', 'True');
}

export function initializedCondition(pod: Pod, statuses: ApiContainerStatus[], phase: string): PodCondition {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec.initContainers ?? []) {
    const s = byName(statuses, c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    const done = isRestartableInit(c) ? s.started === true : s.ready;
    if (!done) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return cond('Initialized', 'True', 'PodCompleted');
  if (hasAnyRegularContainerStarted(pod, statuses)) return cond('Initialized', 'True');
  const msgs: string[] = [];
  if (unknown.length) msgs.push(`containers with unknown status: ${list(unknown)}`);
  if (incomplete.length) msgs.push(`containers with incomplete status: ${list(incomplete)}`);
  if (msgs.length) return cond('Initialized', 'False', 'ContainersNotInitialized', msgs.join(', '));
  return cond('Initialized', 'True');
}

/** What the probes say about one container instance. */
export interface ProbeView {
  /** Startup probe result for a running container: true (passed or none), false (not yet). */
  started(podUid: string, containerName: string, containerId: string): boolean;
  /** Readiness for a started, running container: true when it passes or has no readiness probe. */
  ready(podUid: string, containerName: string, containerId: string): boolean;
}

const idOf = (s: ApiContainerStatus) => (s.containerID ?? '').replace(/^[^:]*:\/\//, '');

/** prober manager's UpdatePodStatus: started and ready of every container status. */
export function applyProbes(pod: Pod, status: PodStatus, probes: ProbeView): void {
  const uid = pod.metadata.uid;
  for (const s of status.containerStatuses ?? []) {
    const started = s.state.running ? probes.started(uid, s.name, idOf(s)) : false;
    s.started = started;
    s.ready = started && s.state.running ? probes.ready(uid, s.name, idOf(s)) : false;
  }
  for (const s of status.initContainerStatuses ?? []) {
    const spec = (pod.spec.initContainers ?? []).find((c) => c.name === s.name);
    const started = s.state.running ? probes.started(uid, s.name, idOf(s)) : false;
    s.started = started;
    if (spec && isRestartableInit(spec)) s.ready = started && s.state.running ? probes.ready(uid, s.name, idOf(s)) : false;
    else s.ready = s.state.terminated !== undefined && s.state.terminated.exitCode === 0;
  }
}

export interface GenerateInput {
  pod: Pod;
  runtime: RuntimePodStatus;
  /** The status the kubelet last wrote (status manager's cache), else the pod's own. */
  oldStatus?: PodStatus;
  podIsTerminal: boolean;
  reasons: Map<string, WaitingReason>;
  probes: ProbeView;
  hostIPs: string[];
  runtimeName: string;
  /** Whether a sandbox with networking exists (PodReadyToStartContainers). */
  sandboxReady: boolean;
}

/** generateAPIPodStatus: everything but timestamps (see stampStatus). */
export function generatePodStatus(input: GenerateInput): PodStatus {
  const { pod } = input;
  const apiStatus = pod.status ?? {};
  const old = input.oldStatus ?? apiStatus;
  const s: PodStatus = {};
  const ips = input.runtime.ips.length ? input.runtime.ips : (old.podIPs ?? []).map((p) => p.ip);
  if (pod.spec.hostNetwork && !ips.length) ips.push(...input.hostIPs.slice(0, 1));
  s.containerStatuses = convertContainerStatuses({ pod, runtime: input.runtime, previous: old.containerStatuses, containers: pod.spec.containers, isInit: false, reasons: input.reasons, runtimeName: input.runtimeName });
  const inits = pod.spec.initContainers ?? [];
  if (inits.length) s.initContainerStatuses = convertContainerStatuses({ pod, runtime: input.runtime, previous: old.initContainerStatuses, containers: inits, isInit: true, reasons: input.reasons, runtimeName: input.runtimeName });
  // Probes first: getPhase reads `started` of sidecars.
  applyProbes(pod, s, input.probes);
  const all = [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])];
  let phase = getPhase(pod, all, input.podIsTerminal, hasAnyRegularContainerStarted(pod, s.containerStatuses ?? []));
  const terminal = (p?: string) => p === 'Succeeded' || p === 'Failed';
  if (!terminal(phase)) {
    if (terminal(old.phase)) phase = old.phase!;
    else if (terminal(apiStatus.phase)) phase = apiStatus.phase!;
  }
  if (terminal(apiStatus.phase) && phase !== apiStatus.phase) phase = apiStatus.phase!;
  s.phase = phase;
  if (phase === old.phase) {
    const reason = old.reason || apiStatus.reason;
    const message = old.message || apiStatus.message;
    if (reason) s.reason = reason;
    if (message) s.message = message;
  }
  const conditions: PodCondition[] = (apiStatus.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  conditions.push(cond('PodReadyToStartContainers', input.sandboxReady ? 'True' : 'False'));
  const initAndRegular = [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])];
  conditions.push(initializedCondition(pod, initAndRegular, phase));
  conditions.push(podReadyCondition(pod, conditions, initAndRegular, phase));
  conditions.push(containersReadyCondition(pod, initAndRegular, phase));
  conditions.push(cond('PodScheduled', 'True'));
  s.conditions = conditions;
  if (input.hostIPs.length) {
    s.hostIP = input.hostIPs[0];
    s.hostIPs = input.hostIPs.map((ip) => ({ ip }));
  }
  if (ips.length) {
    s.podIP = ips[0];
    s.podIPs = ips.map((ip) => ({ ip }));
  }
  s.qosClass = podQosClass(pod);
  return s;
}

/**
 * The status manager's part: a condition keeps its lastTransitionTime while its status stays,
 * lastProbeTime is null, and startTime is set once.
 */
export function stampStatus(status: PodStatus, old: PodStatus | undefined, now: string): PodStatus {
  const prev = new Map((old?.conditions ?? []).map((c) => [c.type, c]));
  status.conditions = (status.conditions ?? []).map((c) => {
    if (!KUBELET_CONDITIONS.has(c.type)) return c;
    const o = prev.get(c.type);
    const lastTransitionTime = o && o.status === c.status && o.lastTransitionTime ? o.lastTransitionTime : now;
    const out: PodCondition = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime };
    if (c.reason) out.reason = c.reason;
    if (c.message) out.message = c.message;
    return out;
  });
  status.startTime = old?.startTime ?? status.startTime ?? now;
  return status;
}

// The pod status a kubelet writes at each stage of a pod's life (pure): creating containers,
// started (or stuck pulling an image), completed, and stopped on deletion. Conditions keep their
// lastTransitionTime while their status does not change, as the kubelet's do.

import { normalizeImage } from '../kubelet/kuberuntime/image-ref.js';
import { hex64, imageId, pullErrorMessage } from './images.js';

export type Stage = 'creating' | 'started' | 'completed' | 'stopped';
export type PullFailure = 'ErrImagePull' | 'ImagePullBackOff';

interface Container {
  name: string;
  image?: string;
  restartPolicy?: string;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface StatusPod {
  metadata?: { uid?: string };
  spec?: { containers?: Container[]; initContainers?: Container[] };
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string }[]; qosClass?: string; startTime?: string };
}

export interface StatusInput {
  stage: Stage;
  now: string;
  hostIP: string;
  podIP?: string;
  /** When the containers started (stable across rewrites). */
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** Why an image cannot be pulled, if it cannot. */
  pullFailure?(image: string): PullFailure | undefined;
}

type Obj = Record<string, unknown>;

export function containerId(podUid: string, name: string): string {
  return `containerd://${hex64(`container:${podUid}:${name}`)}`;
}

function mounts(c: Container): Obj[] | undefined {
  if (!c.volumeMounts?.length) return undefined;
  return c.volumeMounts.map((m) => (m.readOnly ? { mountPath: m.mountPath, name: m.name, readOnly: true, recursiveReadOnly: 'Disabled' } : { mountPath: m.mountPath, name: m.name }));
}

function waiting(c: Container, reason: string, message?: string): Obj {
  return { image: c.image ?? '', imageID: '', lastState: {}, name: c.name, ready: false, restartCount: 0, started: false, state: { waiting: message ? { message, reason } : { reason } } };
}

function created(uid: string, c: Container, ready: boolean, started: boolean, state: Obj): Obj {
  const s: Obj = { containerID: containerId(uid, c.name), image: normalizeImage(c.image ?? ''), imageID: imageId(c.image ?? ''), lastState: {}, name: c.name, ready, restartCount: 0, started, state };
  const vm = mounts(c);
  if (vm) s.volumeMounts = vm;
  return s;
}

const pullWaiting = (c: Container, f: PullFailure) => waiting(c, f, f === 'ErrImagePull' ? pullErrorMessage(c.image ?? '') : `Back-off pulling image "${c.image ?? ''}"`);

export function podStatus(pod: StatusPod, s: StatusInput): Obj {
  const uid = pod.metadata?.uid ?? '';
  const spec = pod.spec ?? {};
  const inits = spec.initContainers ?? [];
  const containers = spec.containers ?? [];
  const startedAt = s.startedAt ?? s.now;
  const finishedAt = s.finishedAt ?? s.now;
  const failing = (c: Container) => s.pullFailure?.(c.image ?? '');
  const terminated = (c: Container, exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error') =>
    created(uid, c, false, false, { terminated: { containerID: containerId(uid, c.name), exitCode, finishedAt, reason, startedAt } });
  const running = (c: Container) => created(uid, c, true, true, { running: { startedAt } });

  let initStatuses: Obj[] = [];
  let statuses: Obj[] = [];
  let initBlocked: Container[] = [];
  if (s.stage === 'creating') {
    initStatuses = inits.map((c) => waiting(c, 'PodInitializing'));
    statuses = containers.map((c) => waiting(c, inits.length ? 'PodInitializing' : 'ContainerCreating'));
    initBlocked = inits;
  } else if (s.stage === 'started') {
    // Init containers run in order; the first one whose image cannot be pulled blocks the rest.
    const blocker = inits.findIndex((c) => failing(c));
    initStatuses = inits.map((c, i) => {
      if (blocker >= 0 && i > blocker) return waiting(c, 'PodInitializing');
      if (i === blocker) return pullWaiting(c, failing(c)!);
      return c.restartPolicy === 'Always' ? running(c) : created(uid, c, true, false, { terminated: { containerID: containerId(uid, c.name), exitCode: 0, finishedAt: startedAt, reason: 'Completed', startedAt } });
    });
    if (blocker >= 0) {
      initBlocked = inits.slice(blocker);
      statuses = containers.map((c) => waiting(c, 'PodInitializing'));
    } else {
      statuses = containers.map((c) => {
        const f = failing(c);
        return f ? pullWaiting(c, f) : running(c);
      });
    }
  } else {
    const code = s.stage === 'stopped' ? 0 : (s.exitCode ?? 0);
    initStatuses = inits.map((c) => terminated(c, 0));
    statuses = containers.map((c) => terminated(c, code));
  }

  const unready = statuses.filter((x) => !x.ready).map((x) => x.name as string);
  const anyWaiting = statuses.some((x) => (x.state as Obj).waiting !== undefined);
  let phase: string;
  if (s.stage === 'creating') phase = 'Pending';
  else if (s.stage === 'started') phase = anyWaiting || initBlocked.length ? 'Pending' : 'Running';
  else phase = s.stage === 'completed' && (s.exitCode ?? 0) !== 0 ? 'Failed' : 'Succeeded';

  const prev = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const cond = (type: string, status: string, reason?: string, message?: string): Obj => {
    const old = prev.get(type);
    const c: Obj = { lastProbeTime: null, lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : s.now, status, type };
    if (message) c.message = message;
    if (reason) c.reason = reason;
    return c;
  };
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const doneReason = phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
  const conditions: Obj[] = [];
  conditions.push(cond('PodReadyToStartContainers', s.stage === 'started' ? 'True' : 'False'));
  if (terminal && phase === 'Succeeded') conditions.push(cond('Initialized', 'True', 'PodCompleted'));
  else if (initBlocked.length) conditions.push(cond('Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: [${initBlocked.map((c) => c.name).join(' ')}]`));
  else conditions.push(cond('Initialized', 'True'));
  if (terminal) {
    conditions.push(cond('Ready', 'False', doneReason), cond('ContainersReady', 'False', doneReason));
  } else if (unready.length) {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    conditions.push(cond('Ready', 'False', 'ContainersNotReady', msg), cond('ContainersReady', 'False', 'ContainersNotReady', msg));
  } else {
    conditions.push(cond('Ready', 'True'), cond('ContainersReady', 'True'));
  }
  const scheduled = prev.get('PodScheduled');
  conditions.push(cond('PodScheduled', 'True', scheduled?.reason));

  const status: Obj = { conditions, containerStatuses: statuses, hostIP: s.hostIP, hostIPs: [{ ip: s.hostIP }] };
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  status.phase = phase;
  if (s.podIP) {
    status.podIP = s.podIP;
    status.podIPs = [{ ip: s.podIP }];
  }
  if (pod.status?.qosClass) status.qosClass = pod.status.qosClass;
  status.startTime = pod.status?.startTime ?? s.now;
  return status;
}

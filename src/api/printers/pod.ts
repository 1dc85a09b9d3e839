// Pod rows (printPod): READY counts regular containers plus started sidecars (restartable init
// containers); STATUS is the phase unless an init container, a container state, a scheduling
// gate or a pending deletion says more; RESTARTS carries the age of the last restart.

import type { KubeObject } from '../object.js';
import { arr, bool, get, num, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import { humanDuration, parseTime } from './duration.js';
import type { Printer } from './types.js';

const isRestartableInit = (c: unknown): boolean => str(c, 'restartPolicy') === 'Always';

// Latest of two optional timestamps (undefined = Go's zero time).
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined) return a;
  if (a === undefined) return b;
  return b > a ? b : a;
}

function conditionTrue(pod: unknown, type: string): boolean {
  return arr(pod, 'status', 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

function initializedConditionTrue(pod: unknown): boolean {
  const c = arr(pod, 'status', 'conditions').find((x) => str(x, 'type') === 'Initialized');
  return c !== undefined && str(c, 'status') === 'True';
}

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

export function podSummary(pod: KubeObject, now: Date): PodSummary {
  let restarts = 0;
  let sidecarRestarts = 0;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const specContainers = arr(pod, 'spec', 'containers');
  const specInit = arr(pod, 'spec', 'initContainers');
  let totalContainers = specContainers.length;

  const phase = str(pod, 'status', 'phase');
  let reason = str(pod, 'status', 'reason') || phase;
  for (const c of arr(pod, 'status', 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, unknown>();
  for (const c of specInit) {
    initByName.set(str(c, 'name'), c);
    if (isRestartableInit(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = arr(pod, 'status', 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += num(cs, 'restartCount');
    const finished = parseTime(get(cs, 'lastState', 'terminated', 'finishedAt'));
    lastRestart = later(lastRestart, finished);
    const restartable = isRestartableInit(initByName.get(str(cs, 'name')));
    if (restartable) {
      sidecarRestarts += num(cs, 'restartCount');
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const terminated = get(cs, 'state', 'terminated');
    const waitingReason = str(cs, 'state', 'waiting', 'reason');
    if (terminated && num(terminated, 'exitCode') === 0) continue;
    if (restartable && bool(cs, 'started')) {
      if (bool(cs, 'ready')) readyContainers++;
      continue;
    }
    if (terminated) {
      // Initialization failed.
      const r = str(terminated, 'reason');
      if (r === '') {
        const signal = num(terminated, 'signal');
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${num(terminated, 'exitCode')}`;
      } else {
        reason = `Init:${r}`;
      }
    } else if (waitingReason !== '' && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${specInit.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedConditionTrue(pod)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(pod, 'status', 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs, 'restartCount');
      lastRestart = later(lastRestart, parseTime(get(cs, 'lastState', 'terminated', 'finishedAt')));
      const waitingReason = str(cs, 'state', 'waiting', 'reason');
      const terminated = get(cs, 'state', 'terminated');
      if (waitingReason !== '') {
        reason = waitingReason;
      } else if (terminated && str(terminated, 'reason') !== '') {
        reason = str(terminated, 'reason');
      } else if (terminated) {
        const signal = num(terminated, 'signal');
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated, 'exitCode')}`;
      } else if (bool(cs, 'ready') && get(cs, 'state', 'running')) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed while another still runs is still running.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && str(pod, 'status', 'reason') === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsStr = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsStr };
}

export const podPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Ready containers out of all containers, sidecars included.'),
    col('Status', 'string', 'Summary of the pod and container states.'),
    col('Restarts', 'string', 'Container restarts, with the time since the last one.'),
    ageColumn(),
    col('IP', 'string', 'First IP address allocated to the pod.', 1),
    col('Node', 'string', 'Node the pod is bound to.', 1),
    col('Nominated Node', 'string', 'Node the scheduler nominated for preemption.', 1),
    col('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.', 1),
  ],
  cells(pod, now) {
    const s = podSummary(pod, now);
    const ips = arr(pod, 'status', 'podIPs');
    const podIP = (ips.length > 0 ? str(ips[0], 'ip') : str(pod, 'status', 'podIP')) || '<none>';
    const gates = arr(pod, 'spec', 'readinessGates');
    let readinessGates = '<none>';
    if (gates.length > 0) {
      const conditions = arr(pod, 'status', 'conditions');
      let trueCount = 0;
      for (const g of gates) {
        const c = conditions.find((x) => str(x, 'type') === str(g, 'conditionType'));
        if (c !== undefined && str(c, 'status') === 'True') trueCount++;
      }
      readinessGates = `${trueCount}/${gates.length}`;
    }
    return [
      nameOf(pod),
      s.ready,
      s.status,
      s.restarts,
      ageOf(pod, now),
      podIP,
      str(pod, 'spec', 'nodeName') || '<none>',
      str(pod, 'status', 'nominatedNodeName') || '<none>',
      readinessGates,
    ];
  },
  conditions(pod) {
    switch (str(pod, 'status', 'phase')) {
      case 'Succeeded':
        return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
      case 'Failed':
        return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
      default:
        return undefined;
    }
  },
};

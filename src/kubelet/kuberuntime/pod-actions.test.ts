import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSandboxStatus } from '../cri/types.js';
import type { Pod, PodSpec, RuntimeContainer, RuntimePodStatus } from '../types.js';
import { computePodActions, type ProbeResults } from './pod-actions.js';

const pod = (spec: Partial<PodSpec> = {}, meta: Partial<Pod['metadata']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u', ...meta }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }], ...spec } });
let n = 0;
const c = (name: string, state: RuntimeContainer['state'], exitCode = 0): RuntimeContainer => ({ id: `${name}-${++n}`, name, state, createdAt: n, startedAt: n, finishedAt: n, exitCode, reason: '', message: '', image: '', imageRef: '', restartCount: 0, hash: '', cri: {} as RuntimeContainer['cri'] });
const sb = (state: PodSandboxStatus['state'] = 'SANDBOX_READY', ip = '10.0.0.2', attempt = 0): PodSandboxStatus => ({ id: `sb${attempt}`, metadata: { name: 'p', uid: 'u', namespace: 'd', attempt }, state, createdAt: 0n, network: { ip, additionalIps: [] }, netnsPath: '', labels: {}, annotations: {} });
const rt = (containers: RuntimeContainer[], sandboxes = [sb()]): RuntimePodStatus => ({ uid: 'u', name: 'p', namespace: 'd', sandboxes, containers: containers.reverse(), ips: [] });
const healthy: ProbeResults = { livenessFailed: () => false, startupFailed: () => false, started: () => true };

interface Want { kill?: boolean; create?: boolean; init?: number[]; start?: number[]; killed?: string[] }
function check(p: Pod, r: RuntimePodStatus, want: Want, probes = healthy) {
  const a = computePodActions(p, r, probes);
  assert.deepEqual(
    { kill: a.killPod, create: a.createSandbox, init: a.initContainersToStart, start: a.containersToStart, killed: [...a.containersToKill.values()].map((k) => k.message) },
    { kill: want.kill ?? false, create: want.create ?? false, init: want.init ?? [], start: want.start ?? [], killed: want.killed ?? [] },
  );
}

describe('computePodActions', () => {
  test('new pod: sandbox and all containers', () => check(pod(), rt([], []), { kill: true, create: true, start: [0, 1] }));
  test('new pod with init containers: sandbox and the first init container', () => check(pod({ initContainers: [{ name: 'i' }, { name: 'j' }] }), rt([], []), { kill: true, create: true, init: [0] }));
  test('steady state', () => check(pod(), rt([c('a', 'running'), c('b', 'running')]), {}));
  test('exited under Always restarts', () => check(pod(), rt([c('a', 'running'), c('b', 'exited', 0)]), { start: [1] }));
  test('exited 0 under OnFailure stays', () => check(pod({ restartPolicy: 'OnFailure' }), rt([c('a', 'running'), c('b', 'exited', 0)]), {}));
  test('exited 1 under OnFailure restarts', () => check(pod({ restartPolicy: 'OnFailure' }), rt([c('a', 'running'), c('b', 'exited', 1)]), { start: [1] }));
  test('all exited under Never: kill the pod', () => check(pod({ restartPolicy: 'Never' }), rt([c('a', 'exited', 0), c('b', 'exited', 1)]), { kill: true }));
  test('sandbox died under Never after running: no new sandbox', () => check(pod({ restartPolicy: 'Never' }), rt([c('a', 'exited', 0)], [sb('SANDBOX_NOTREADY')]), { kill: true, create: false }));
  test('sandbox died under Always: new sandbox, start over', () => check(pod(), rt([c('a', 'exited', 0), c('b', 'exited', 0)], [sb('SANDBOX_NOTREADY')]), { kill: true, create: true, start: [0, 1] }));
  test('sandbox without an IP is replaced', () => check(pod(), rt([c('a', 'running'), c('b', 'running')], [sb('SANDBOX_READY', '')]), { kill: true, create: true, start: [0, 1] }));
  test('liveness failure kills and restarts', () => {
    const a = c('a', 'running');
    check(pod(), rt([a, c('b', 'running')]), { start: [0], killed: ['Container a failed liveness probe, will be restarted'] }, { ...healthy, livenessFailed: (id) => id === a.id });
  });
  test('liveness failure under Never kills without restart', () => {
    const a = c('a', 'running');
    check(pod({ restartPolicy: 'Never' }), rt([a, c('b', 'running')]), { killed: ['Container a failed liveness probe'] }, { ...healthy, livenessFailed: (id) => id === a.id });
  });
  test('startup failure', () => {
    const a = c('a', 'running');
    check(pod(), rt([a, c('b', 'running')]), { start: [0], killed: ['Container a failed startup probe, will be restarted'] }, { ...healthy, startupFailed: (id) => id === a.id });
  });
  test('init containers run one after the other', () => {
    const p = pod({ initContainers: [{ name: 'i' }, { name: 'j' }] });
    check(p, rt([c('i', 'running')]), {});
    check(p, rt([c('i', 'exited', 0)]), { init: [1] });
    check(p, rt([c('i', 'exited', 0), c('j', 'exited', 0)]), { start: [0, 1] });
  });
  test('failed init container: restarted, or the pod fails under Never', () => {
    check(pod({ initContainers: [{ name: 'i' }] }), rt([c('i', 'exited', 1)]), { init: [0] });
    check(pod({ initContainers: [{ name: 'i' }], restartPolicy: 'Never' }), rt([c('i', 'exited', 1)]), { kill: true });
  });
  test('sidecar must be started before the next init container', () => {
    const p = pod({ initContainers: [{ name: 's', restartPolicy: 'Always' }, { name: 'i' }] });
    check(p, rt([]), { init: [0] });
    check(p, rt([c('s', 'running')]), {}, { ...healthy, started: () => false });
    check(p, rt([c('s', 'running')]), { init: [1] });
    check(p, rt([c('s', 'running'), c('i', 'exited', 0)]), { start: [0, 1] });
  });
  test('an exited sidecar restarts even after initialization', () => {
    const p = pod({ initContainers: [{ name: 's', restartPolicy: 'Always' }] });
    check(p, rt([c('s', 'exited', 1), c('a', 'running'), c('b', 'running')]), { init: [0] });
  });
  test('a deleted pod starts nothing', () => check(pod({}, { deletionTimestamp: 'x' }), rt([c('a', 'running'), c('b', 'exited', 1)]), {}));
});

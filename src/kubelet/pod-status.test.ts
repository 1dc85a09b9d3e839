import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { podSummary } from '../api/printers/pod.js';
import type { PodSandboxStatus } from './cri/types.js';
import type { WaitingReason } from './container-status.js';
import { generatePodStatus, getPhase, stampStatus, type ProbeView } from './pod-status.js';
import type { Container, Pod, PodSpec, PodStatus, RuntimeContainer, RuntimePodStatus } from './types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const NOW = new Date(T0 + 3600_000);

function pod(spec: Partial<PodSpec>, status: PodStatus = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z', ...meta },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }], ...status },
  };
}

let seq = 0;
function ctr(name: string, state: RuntimeContainer['state'], extra: Partial<RuntimeContainer> = {}): RuntimeContainer {
  seq++;
  return { id: `id-${name}-${seq}`, name, state, createdAt: T0 + seq * 1000, startedAt: state === 'created' ? 0 : T0 + seq * 1000, finishedAt: state === 'exited' ? T0 + seq * 1000 + 500 : 0, exitCode: 0, reason: state === 'exited' ? 'Completed' : '', message: '', image: 'docker.io/library/nginx:latest', imageRef: 'docker.io/library/nginx@sha256:abc', restartCount: 0, hash: 'h', cri: {} as RuntimeContainer['cri'], ...extra };
}
const exited = (name: string, code: number, extra: Partial<RuntimeContainer> = {}) => ctr(name, 'exited', { exitCode: code, reason: code === 0 ? 'Completed' : code === 137 && extra.reason === undefined ? 'Error' : 'Error', ...extra });

const sandbox: PodSandboxStatus = { id: 'sb', metadata: { name: 'p', uid: 'u1', namespace: 'default', attempt: 0 }, state: 'SANDBOX_READY', createdAt: 0n, network: { ip: '10.42.0.5', additionalIps: [] }, netnsPath: '', labels: {}, annotations: {} };

function rt(containers: RuntimeContainer[], withSandbox = true): RuntimePodStatus {
  return { uid: 'u1', name: 'p', namespace: 'default', sandboxes: withSandbox ? [sandbox] : [], containers: [...containers].sort((a, b) => b.createdAt - a.createdAt), ips: withSandbox ? ['10.42.0.5'] : [] };
}

const allReady: ProbeView = { started: () => true, ready: () => true };

function gen(p: Pod, r: RuntimePodStatus, opts: { reasons?: [string, WaitingReason][]; probes?: ProbeView; terminal?: boolean } = {}): PodStatus {
  const s = generatePodStatus({ pod: p, runtime: r, oldStatus: p.status, podIsTerminal: opts.terminal ?? false, reasons: new Map(opts.reasons ?? []), probes: opts.probes ?? allReady, hostIPs: ['192.168.1.10'], runtimeName: 'containerd', sandboxReady: r.sandboxes.length > 0 });
  return stampStatus(s, p.status, '2026-01-01T01:00:00Z');
}

const row = (p: Pod, s: PodStatus) => {
  const r = podSummary({ ...p, status: s } as never, NOW);
  return [r.ready, r.status, r.restarts];
};
const conds = (s: PodStatus) => (s.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`);

describe('pod status as kubectl shows it', () => {
  const two: Container[] = [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }];
  const cases: { name: string; pod: Pod; rt: RuntimePodStatus; reasons?: [string, WaitingReason][]; probes?: ProbeView; phase: string; row: string[] }[] = [
    { name: 'nothing yet', pod: pod({}), rt: rt([], false), phase: 'Pending', row: ['0/1', 'ContainerCreating', '0'] },
    { name: 'running', pod: pod({}), rt: rt([ctr('app', 'running')]), phase: 'Running', row: ['1/1', 'Running', '0'] },
    { name: 'running, not ready', pod: pod({}), rt: rt([ctr('app', 'running')]), probes: { started: () => true, ready: () => false }, phase: 'Running', row: ['0/1', 'Running', '0'] },
    { name: 'completed (Never)', pod: pod({ restartPolicy: 'Never' }), rt: rt([exited('app', 0)]), phase: 'Succeeded', row: ['0/1', 'Completed', '0'] },
    { name: 'error (Never)', pod: pod({ restartPolicy: 'Never' }), rt: rt([exited('app', 1)]), phase: 'Failed', row: ['0/1', 'Error', '0'] },
    { name: 'OOMKilled (Never)', pod: pod({ restartPolicy: 'Never' }), rt: rt([exited('app', 137, { reason: 'OOMKilled' })]), phase: 'Failed', row: ['0/1', 'OOMKilled', '0'] },
    { name: 'image pull error', pod: pod({}), rt: rt([]), reasons: [['app', { reason: 'ErrImagePull', message: 'not found' }]], phase: 'Pending', row: ['0/1', 'ErrImagePull', '0'] },
    { name: 'image pull back-off', pod: pod({}), rt: rt([]), reasons: [['app', { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx"' }]], phase: 'Pending', row: ['0/1', 'ImagePullBackOff', '0'] },
    { name: 'config error', pod: pod({}), rt: rt([]), reasons: [['app', { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' }]], phase: 'Pending', row: ['0/1', 'CreateContainerConfigError', '0'] },
    {
      name: 'crash loop',
      pod: pod({}),
      rt: rt([exited('app', 1, { restartCount: 2 }), exited('app', 1, { restartCount: 3 })]),
      reasons: [['app', { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app pod=p_default(u1)' }]],
      phase: 'Running',
      row: ['0/1', 'CrashLoopBackOff', '3 (59m ago)'],
    },
    { name: 'init running', pod: pod({ initContainers: [{ name: 'init', image: 'busybox' }] }), rt: rt([ctr('init', 'running')]), phase: 'Pending', row: ['0/1', 'Init:0/1', '0'] },
    { name: 'init failed', pod: pod({ initContainers: [{ name: 'init', image: 'busybox' }], restartPolicy: 'Never' }), rt: rt([exited('init', 1)]), phase: 'Failed', row: ['0/1', 'Init:Error', '0'] },
    { name: 'init done, app creating', pod: pod({ initContainers: [{ name: 'init', image: 'busybox' }] }), rt: rt([exited('init', 0)]), phase: 'Pending', row: ['0/1', 'PodInitializing', '0'] },
    { name: 'init done, app running', pod: pod({ initContainers: [{ name: 'init', image: 'busybox' }] }), rt: rt([exited('init', 0), ctr('app', 'running')]), phase: 'Running', row: ['1/1', 'Running', '0'] },
    { name: 'sidecar and app running', pod: pod({ initContainers: [{ name: 'side', image: 'busybox', restartPolicy: 'Always' }] }), rt: rt([ctr('side', 'running'), ctr('app', 'running')]), phase: 'Running', row: ['2/2', 'Running', '0'] },
    { name: 'two containers, one ready', pod: pod({ containers: two }), rt: rt([ctr('a', 'running'), ctr('b', 'running')]), probes: { started: () => true, ready: (_u, n) => n === 'a' }, phase: 'Running', row: ['1/2', 'Running', '0'] },
    { name: 'terminating', pod: pod({}, {}, { deletionTimestamp: '2026-01-01T00:59:00Z' }), rt: rt([ctr('app', 'running')]), phase: 'Running', row: ['1/1', 'Terminating', '0'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = gen(c.pod, c.rt, { reasons: c.reasons, probes: c.probes });
      assert.equal(s.phase, c.phase);
      assert.deepEqual(row(c.pod, s), c.row);
    });
  }
});

describe('conditions', () => {
  test('creating: not ready, default reasons and messages', () => {
    const s = gen(pod({ containers: [{ name: 'b', image: 'x' }, { name: 'a', image: 'y' }] }), rt([], false));
    assert.deepEqual(conds(s), ['PodReadyToStartContainers=False', 'Initialized=True', 'Ready=False/ContainersNotReady', 'ContainersReady=False/ContainersNotReady', 'PodScheduled=True']);
    assert.equal(s.conditions!.find((c) => c.type === 'Ready')!.message, 'containers with unready status: [b a]');
    // Container statuses are sorted by name, spec order notwithstanding.
    assert.deepEqual(s.containerStatuses!.map((c) => c.name), ['a', 'b']);
    assert.deepEqual(s.containerStatuses![0].state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal(s.containerStatuses![0].image, 'y');
    assert.equal(s.containerStatuses![0].imageID, '');
    assert.equal(s.podIP, undefined);
  });
  test('running and ready', () => {
    const s = gen(pod({}), rt([ctr('app', 'running')]));
    assert.deepEqual(conds(s), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const cs = s.containerStatuses![0];
    assert.equal(cs.containerID, `containerd://${cs.containerID!.slice('containerd://'.length)}`);
    assert.equal(cs.imageID, 'docker.io/library/nginx@sha256:abc');
    assert.equal(cs.image, 'docker.io/library/nginx:latest');
    assert.equal(cs.started, true);
    assert.equal(s.podIP, '10.42.0.5');
    assert.deepEqual(s.podIPs, [{ ip: '10.42.0.5' }]);
    assert.equal(s.hostIP, '192.168.1.10');
    assert.equal(s.qosClass, 'BestEffort');
    assert.ok(s.conditions!.every((c) => c.lastProbeTime === null));
    assert.equal(s.conditions!.find((c) => c.type === 'PodScheduled')!.lastTransitionTime, '2026-01-01T00:00:00Z');
  });
  test('succeeded: PodCompleted', () => {
    const s = gen(pod({ restartPolicy: 'Never' }), rt([exited('app', 0)]));
    assert.deepEqual(conds(s), ['PodReadyToStartContainers=True', 'Initialized=True/PodCompleted', 'Ready=False/PodCompleted', 'ContainersReady=False/PodCompleted', 'PodScheduled=True']);
  });
  test('failed: PodFailed', () => {
    const s = gen(pod({ restartPolicy: 'Never' }), rt([exited('app', 2)]));
    assert.deepEqual(conds(s).slice(2, 4), ['Ready=False/PodFailed', 'ContainersReady=False/PodFailed']);
  });
  test('init containers incomplete', () => {
    const s = gen(pod({ initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] }), rt([ctr('i1', 'running')]));
    const init = s.conditions!.find((c) => c.type === 'Initialized')!;
    assert.deepEqual([init.status, init.reason, init.message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [i1 i2]']);
    assert.deepEqual(s.initContainerStatuses!.map((c) => Object.keys(c.state)[0]), ['running', 'waiting']);
    assert.equal(s.initContainerStatuses![1].state.waiting!.reason, 'PodInitializing');
    assert.equal(s.containerStatuses![0].state.waiting!.reason, 'PodInitializing');
  });
  test('readiness gates', () => {
    const p = pod({ readinessGates: [{ conditionType: 'example.com/gate' }] });
    const s = gen(p, rt([ctr('app', 'running')]));
    const r = s.conditions!.find((c) => c.type === 'Ready')!;
    assert.deepEqual([r.status, r.reason, r.message], ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/gate" does not exist.']);
  });
});

describe('container status history', () => {
  test('lastState holds the previous instance and restartCount comes from the runtime', () => {
    const s = gen(pod({}), rt([exited('app', 1, { restartCount: 0 }), ctr('app', 'running', { restartCount: 1 })]));
    const cs = s.containerStatuses![0];
    assert.equal(cs.restartCount, 1);
    assert.ok(cs.state.running);
    assert.equal(cs.lastState.terminated!.exitCode, 1);
    assert.equal(cs.lastState.terminated!.reason, 'Error');
    assert.match(cs.lastState.terminated!.containerID!, /^containerd:\/\/id-app-/);
  });
  test('a vanished running container is ContainerStatusUnknown and counts a restart', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, lastState: {}, ready: true, restartCount: 2, image: 'nginx', imageID: 'x', containerID: 'containerd://gone', started: true }] });
    const s = gen(p, rt([]));
    const cs = s.containerStatuses![0];
    assert.equal(cs.lastState.terminated!.reason, 'ContainerStatusUnknown');
    assert.equal(cs.lastState.terminated!.exitCode, 137);
    assert.equal(cs.restartCount, 3);
  });
  test('phase never leaves a terminal phase', () => {
    const p = pod({ restartPolicy: 'Never' }, { phase: 'Succeeded' });
    const s = gen(p, rt([], false));
    assert.equal(s.phase, 'Succeeded');
  });
  test('startTime is set once', () => {
    const s1 = gen(pod({}), rt([]));
    assert.equal(s1.startTime, '2026-01-01T01:00:00Z');
    const s2 = gen(pod({}, { startTime: '2026-01-01T00:00:05Z' }), rt([]));
    assert.equal(s2.startTime, '2026-01-01T00:00:05Z');
  });
});

describe('getPhase', () => {
  const st = (name: string, state: object, lastState: object = {}, started?: boolean) => ({ name, state, lastState, ready: false, restartCount: 0, image: '', imageID: '', started });
  const cases: [string, Partial<PodSpec>, ReturnType<typeof st>[], boolean, string][] = [
    ['no statuses', {}, [], false, 'Pending'],
    ['waiting', {}, [st('app', { waiting: {} })], false, 'Pending'],
    ['running', {}, [st('app', { running: {} })], false, 'Running'],
    ['restarting under Always', {}, [st('app', { waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { exitCode: 1 } })], false, 'Running'],
    ['exited 0 under Always: restarting', {}, [st('app', { terminated: { exitCode: 0 } })], false, 'Running'],
    ['exited 0 under OnFailure', { restartPolicy: 'OnFailure' }, [st('app', { terminated: { exitCode: 0 } })], false, 'Succeeded'],
    ['exited 1 under OnFailure: restarting', { restartPolicy: 'OnFailure' }, [st('app', { terminated: { exitCode: 1 } })], false, 'Running'],
    ['exited 1 under Never', { restartPolicy: 'Never' }, [st('app', { terminated: { exitCode: 1 } })], false, 'Failed'],
    ['terminal pod with a failure', {}, [st('app', { terminated: { exitCode: 143 } })], true, 'Failed'],
    ['terminal pod all zero', {}, [st('app', { terminated: { exitCode: 0 } })], true, 'Succeeded'],
    ['init failed under Never', { restartPolicy: 'Never', initContainers: [{ name: 'i' }] }, [st('i', { terminated: { exitCode: 1 } }), st('app', { waiting: {} })], false, 'Failed'],
    ['sidecar not started yet', { initContainers: [{ name: 's', restartPolicy: 'Always' }] }, [st('s', { running: {} }, {}, false), st('app', { waiting: {} })], false, 'Pending'],
  ];
  for (const [name, spec, info, terminal, want] of cases) {
    test(name, () => assert.equal(getPhase(pod(spec), info as never, terminal, false), want));
  }
});

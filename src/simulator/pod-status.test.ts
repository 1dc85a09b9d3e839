import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { podStatus, type StatusInput, type StatusPod } from './pod-status.js';

const pod = (spec: StatusPod['spec'], status: StatusPod['status'] = { qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 't0' }] }): StatusPod => ({ metadata: { uid: 'uid-1' }, spec, status });
const base: Omit<StatusInput, 'stage'> = { now: 't1', hostIP: '127.1.0.1', podIP: '10.64.0.2', startedAt: 't1' };
type S = { phase: string; conditions: { type: string; status: string; reason?: string; message?: string; lastTransitionTime: string }[]; containerStatuses: { name: string; ready: boolean; state: Record<string, { reason?: string; exitCode?: number; message?: string }> }[]; initContainerStatuses?: { state: Record<string, { reason?: string }> }[]; podIP?: string };
const run = (p: StatusPod, s: Partial<StatusInput> & { stage: StatusInput['stage'] }) => podStatus(p, { ...base, ...s }) as unknown as S;
const conds = (s: S) => s.conditions.map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`);
const one = { containers: [{ name: 'app', image: 'nginx' }] };

describe('podStatus', () => {
  const cases: { name: string; pod: StatusPod; input: Partial<StatusInput> & { stage: StatusInput['stage'] }; phase: string; conditions: string[]; state: string }[] = [
    {
      name: 'creating',
      pod: pod(one),
      input: { stage: 'creating' },
      phase: 'Pending',
      conditions: ['PodReadyToStartContainers=False', 'Initialized=True', 'Ready=False/ContainersNotReady', 'ContainersReady=False/ContainersNotReady', 'PodScheduled=True'],
      state: 'waiting:ContainerCreating',
    },
    {
      name: 'running',
      pod: pod(one),
      input: { stage: 'started' },
      phase: 'Running',
      conditions: ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True'],
      state: 'running',
    },
    {
      name: 'image pull failure',
      pod: pod(one),
      input: { stage: 'started', pullFailure: () => 'ImagePullBackOff' },
      phase: 'Pending',
      conditions: ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=False/ContainersNotReady', 'ContainersReady=False/ContainersNotReady', 'PodScheduled=True'],
      state: 'waiting:ImagePullBackOff',
    },
    {
      name: 'completed',
      pod: pod(one),
      input: { stage: 'completed', exitCode: 0 },
      phase: 'Succeeded',
      conditions: ['PodReadyToStartContainers=False', 'Initialized=True/PodCompleted', 'Ready=False/PodCompleted', 'ContainersReady=False/PodCompleted', 'PodScheduled=True'],
      state: 'terminated:Completed',
    },
    {
      name: 'failed',
      pod: pod(one),
      input: { stage: 'completed', exitCode: 1 },
      phase: 'Failed',
      conditions: ['PodReadyToStartContainers=False', 'Initialized=True', 'Ready=False/PodFailed', 'ContainersReady=False/PodFailed', 'PodScheduled=True'],
      state: 'terminated:Error',
    },
    {
      name: 'creating with init containers',
      pod: pod({ initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] }),
      input: { stage: 'creating' },
      phase: 'Pending',
      conditions: ['PodReadyToStartContainers=False', 'Initialized=False/ContainersNotInitialized', 'Ready=False/ContainersNotReady', 'ContainersReady=False/ContainersNotReady', 'PodScheduled=True'],
      state: 'waiting:PodInitializing',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = run(c.pod, c.input);
      assert.equal(s.phase, c.phase);
      assert.deepEqual(conds(s), c.conditions);
      const [kind, st] = Object.entries(s.containerStatuses[0].state)[0];
      assert.equal(st.reason ? `${kind}:${st.reason}` : kind, c.state);
    });
  }

  test('unready containers are listed in the Ready message', () => {
    const s = run(pod({ containers: [{ name: 'a', image: 'ok' }, { name: 'b', image: 'bad' }] }), { stage: 'started', pullFailure: (i) => (i === 'bad' ? 'ErrImagePull' : undefined) });
    assert.equal(s.conditions.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [b]');
    assert.equal(s.containerStatuses[0].ready, true);
  });

  test('lastTransitionTime stays while a condition keeps its status', () => {
    const s = run(pod(one), { stage: 'started' });
    assert.equal(s.conditions.find((c) => c.type === 'PodScheduled')?.lastTransitionTime, 't0');
    assert.equal(s.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime, 't1');
  });

  test('no pod IP until the sandbox exists', () => {
    assert.equal(run(pod(one), { stage: 'creating', podIP: undefined }).podIP, undefined);
    assert.equal(run(pod(one), { stage: 'started' }).podIP, '10.64.0.2');
  });

  test('init containers complete before the app starts', () => {
    const s = run(pod({ initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] }), { stage: 'started' });
    assert.equal(s.initContainerStatuses?.[0].state.terminated?.reason, 'Completed');
    assert.equal(s.phase, 'Running');
  });
});

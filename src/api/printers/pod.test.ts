import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { podPrinter } from './pod.js';
import { NOW, ago } from './testing.js';

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(3600), ...meta }, spec, status };
}

const one = { containers: [{ name: 'app', image: 'nginx' }] };
const running = (extra: Record<string, unknown> = {}) => ({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: { startedAt: ago(60) } }, ...extra });

describe('pod READY / STATUS / RESTARTS', () => {
  const cases: [string, KubeObject, [string, string, string]][] = [
    ['pending, nothing reported', pod(one, { phase: 'Pending' }), ['0/1', 'Pending', '0']],
    ['running and ready', pod(one, { phase: 'Running', containerStatuses: [running()] }), ['1/1', 'Running', '0']],
    ['running, not ready', pod(one, { phase: 'Running', containerStatuses: [running({ ready: false })] }), ['0/1', 'Running', '0']],
    ['container creating', pod(one, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }), ['0/1', 'ContainerCreating', '0']],
    [
      'crash loop with last restart age',
      pod(one, {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }],
      }),
      ['0/1', 'CrashLoopBackOff', '3 (5m ago)'],
    ],
    ['restarts without a termination time', pod(one, { phase: 'Running', containerStatuses: [running({ restartCount: 2 })] }), ['1/1', 'Running', '2']],
    ['completed', pod(one, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), ['0/1', 'Completed', '0']],
    ['exit code without reason', pod(one, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 2 } } }] }), ['0/1', 'ExitCode:2', '0']],
    ['signal without reason', pod(one, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, signal: 9 } } }] }), ['0/1', 'Signal:9', '0']],
    ['OOMKilled', pod(one, { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 1, state: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(10) } }, lastState: { terminated: { exitCode: 137, finishedAt: ago(90) } } }] }), ['0/1', 'OOMKilled', '1 (90s ago)']],
    ['evicted', pod(one, { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }), ['0/1', 'Evicted', '0']],
    ['scheduling gated', pod(one, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ['0/1', 'SchedulingGated', '0']],
    ['terminating', pod(one, { phase: 'Running', containerStatuses: [running()] }, { deletionTimestamp: ago(5) }), ['1/1', 'Terminating', '0']],
    ['node lost while deleting', pod(one, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] }, { deletionTimestamp: ago(5) }), ['1/1', 'Unknown', '0']],
    ['terminal pods are not Terminating', pod(one, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: ago(5) }), ['0/1', 'Completed', '0']],
  ];
  const init = { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx' }] };
  const appWaiting = { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } };
  cases.push(
    ['init running', pod(init, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { running: {} } }], containerStatuses: [appWaiting] }), ['0/1', 'Init:0/1', '0']],
    ['init waiting PodInitializing', pod(init, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'PodInitializing' } } }] }), ['0/1', 'Init:0/1', '0']],
    [
      'init crash loop counts init restarts',
      pod(init, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }],
        containerStatuses: [appWaiting],
      }),
      ['0/1', 'Init:CrashLoopBackOff', '2 (30s ago)'],
    ],
    ['init error', pod(init, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }), ['0/1', 'Init:Error', '0']],
    ['init exit code', pod(init, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 3 } } }] }), ['0/1', 'Init:ExitCode:3', '0']],
    ['init signal', pod(init, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 1, signal: 15 } } }] }), ['0/1', 'Init:Signal:15', '0']],
    [
      'second of two init containers',
      pod(
        { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'app' }] },
        { phase: 'Pending', initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'b', state: { running: {} } }] },
      ),
      ['0/1', 'Init:1/2', '0'],
    ],
    [
      'init done, app running',
      pod(init, {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
        initContainerStatuses: [{ name: 'init', restartCount: 4, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        containerStatuses: [running()],
      }),
      ['1/1', 'Running', '0'],
    ],
  );
  const sidecarSpec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] };
  cases.push(
    [
      'sidecar counts toward READY and RESTARTS',
      pod(sidecarSpec, {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } } }],
        containerStatuses: [running()],
      }),
      ['2/2', 'Running', '1 (10m ago)'],
    ],
    [
      'sidecar not started yet',
      pod(sidecarSpec, { phase: 'Pending', initContainerStatuses: [{ name: 'proxy', started: false, ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] }),
      ['0/2', 'Init:ContainerCreating', '0'],
    ],
  );
  const two = { containers: [{ name: 'job' }, { name: 'helper' }] };
  cases.push(
    [
      'one container completed, another running and pod Ready',
      pod(two, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'job', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running({ name: 'helper' })],
      }),
      ['1/2', 'Running', '0'],
    ],
    [
      'one container completed, another running, pod not Ready',
      pod(two, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ name: 'job', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running({ name: 'helper' })],
      }),
      ['1/2', 'NotReady', '0'],
    ],
  );
  for (const [name, p, want] of cases) {
    test(name, () => assert.deepEqual(podPrinter.cells(p, NOW).slice(1, 4), want));
  }
});

describe('pod wide cells', () => {
  test('IP, node, nominated node and readiness gates', () => {
    const p = pod(
      { ...one, nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      {
        phase: 'Running',
        podIP: '10.244.0.5',
        podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }],
        conditions: [{ type: 'example.com/a', status: 'True' }, { type: 'example.com/b', status: 'False' }],
        containerStatuses: [running()],
      },
    );
    assert.deepEqual(podPrinter.cells(p, NOW), ['p', '1/1', 'Running', '0', '60m', '10.244.0.5', 'node-1', '<none>', '1/2']);
  });
  test('unscheduled pod', () => {
    assert.deepEqual(podPrinter.cells(pod(one, { phase: 'Pending', nominatedNodeName: 'node-2' }), NOW).slice(5), ['<none>', '<none>', 'node-2', '<none>']);
  });
  test('columns', () => {
    assert.deepEqual(
      podPrinter.columns.map((c) => [c.name, c.type, c.priority, c.format]),
      [
        ['Name', 'string', 0, 'name'],
        ['Ready', 'string', 0, ''],
        ['Status', 'string', 0, ''],
        ['Restarts', 'string', 0, ''],
        ['Age', 'string', 0, ''],
        ['IP', 'string', 1, ''],
        ['Node', 'string', 1, ''],
        ['Nominated Node', 'string', 1, ''],
        ['Readiness Gates', 'string', 1, ''],
      ],
    );
  });
});

test('row conditions mark finished pods', () => {
  assert.deepEqual(podPrinter.conditions?.(pod(one, { phase: 'Succeeded' })), [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  assert.deepEqual(podPrinter.conditions?.(pod(one, { phase: 'Failed' })), [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  assert.equal(podPrinter.conditions?.(pod(one, { phase: 'Running' })), undefined);
});

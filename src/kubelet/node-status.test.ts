import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityOf, nodeConditions, nodeStatusChanged, osImageFrom, type MachineInfo } from './node-status.js';

const m: MachineInfo = { cores: 2, memoryBytes: 4026531840, diskBytes: 105088212992, osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', architecture: 'amd64', machineID: 'x', systemUUID: 'y', bootID: 'z', hostname: 'h' };

test('capacity and allocatable less the default eviction thresholds', () => {
  const { capacity, allocatable } = capacityOf(m, 110);
  assert.deepEqual(capacity, { cpu: '2', 'ephemeral-storage': '102625208Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '3840Mi', pods: '110' });
  assert.equal(allocatable.memory, '3740Mi');
  assert.equal(capacityOf({ ...m, memoryBytes: 16384256 * 1024 }, 110).capacity.memory, '16384256Ki');
  assert.equal(allocatable['ephemeral-storage'], '94579391693');
  assert.equal(allocatable.cpu, '2');
});

test('conditions keep lastTransitionTime while the status holds', () => {
  const first = nodeConditions(undefined, 't1', {});
  assert.deepEqual(first.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
  ]);
  const second = nodeConditions(first, 't2', { notReadyMessage: 'container runtime is down' });
  assert.deepEqual([second[0].lastTransitionTime, second[0].lastHeartbeatTime], ['t1', 't2']);
  assert.deepEqual([second[3].status, second[3].reason, second[3].lastTransitionTime], ['False', 'KubeletNotReady', 't2']);
  assert.equal(nodeStatusChanged({ conditions: first }, { conditions: nodeConditions(first, 't3', {}) }), false);
  assert.equal(nodeStatusChanged({ conditions: first }, { conditions: second }), true);
});

test('osImage from os-release', () => {
  assert.equal(osImageFrom('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(osImageFrom(''), 'Linux');
});

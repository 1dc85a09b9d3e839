import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage } from './fit-error.js';
import type { FilterFailure } from './filters.js';

const cpu: FilterFailure = { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] };
const cpuMem: FilterFailure = { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] };
const aff: FilterFailure = { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
const taint: FilterFailure = { plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] };

const cases: [string, number, FilterFailure[], string | undefined, string][] = [
  [
    'resolvable and unresolvable nodes',
    3,
    [cpu, aff, aff],
    undefined,
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
  ],
  [
    'all unresolvable',
    2,
    [aff, aff],
    undefined,
    "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
  ],
  [
    'reasons are counted per node and sorted as strings',
    2,
    [cpuMem, taint],
    undefined,
    '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
  ],
  ['preemptionPolicy Never', 1, [cpu], 'Never', '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.'],
  ['counts above nine sort as strings', 12, [...Array(10).fill(cpu), aff, aff], undefined, "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/12 nodes are available: 10 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."],
];
for (const [name, n, failures, policy, want] of cases) test(name, () => assert.equal(fitErrorMessage(n, failures, { preemptionPolicy: policy }), want));

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../object.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { NOW, ago } from './testing.js';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(86400 * 3), ...extra });
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }, { name: 'proxy', image: 'envoy:v1' }] } };

describe('apps printers', () => {
  test('deployment', () => {
    const d: KubeObject = {
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(deploymentPrinter.cells(d, NOW), ['web', '2/3', 3, 2, '3d', 'web,proxy', 'nginx:1.25,envoy:v1', 'app=web']);
  });
  test('deployment with no status, expression selector, replicas defaulted', () => {
    const d: KubeObject = {
      metadata: meta('api'),
      spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
    };
    assert.deepEqual(deploymentPrinter.cells(d, NOW), ['api', '0/1', 0, 0, '3d', 'a', 'a:1', 'tier in (a,b)']);
  });
  test('deployment with an invalid selector', () => {
    const d: KubeObject = { metadata: meta('bad'), spec: { replicas: 0, selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] } } };
    assert.deepEqual(deploymentPrinter.cells(d, NOW).slice(1, 2).concat(deploymentPrinter.cells(d, NOW).slice(7)), ['0/0', '<invalid>']);
  });
  test('replicaset', () => {
    const rs: KubeObject = {
      metadata: meta('web-5d4f8'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8' } }, template },
      status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 },
    };
    assert.deepEqual(replicaSetPrinter.cells(rs, NOW), ['web-5d4f8', 3, 3, 3, '3d', 'web,proxy', 'nginx:1.25,envoy:v1', 'app=web,pod-template-hash=5d4f8']);
    assert.deepEqual(
      replicaSetPrinter.columns.map((c) => [c.name, c.type, c.priority]),
      [['Name', 'string', 0], ['Desired', 'integer', 0], ['Current', 'integer', 0], ['Ready', 'integer', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    );
  });
  test('scaled-down replicaset', () => {
    const rs: KubeObject = { metadata: meta('old'), spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 0 } };
    assert.deepEqual(replicaSetPrinter.cells(rs, NOW).slice(1, 4), [0, 0, 0]);
  });
  test('replication controller', () => {
    const rc: KubeObject = { metadata: meta('rc'), spec: { replicas: 2, selector: { app: 'web' }, template }, status: { replicas: 2, readyReplicas: 1 } };
    assert.deepEqual(replicationControllerPrinter.cells(rc, NOW), ['rc', 2, 2, 1, '3d', 'web,proxy', 'nginx:1.25,envoy:v1', 'app=web']);
  });
  test('statefulset', () => {
    const ss: KubeObject = { metadata: meta('db'), spec: { replicas: 3, template }, status: { readyReplicas: 1 } };
    assert.deepEqual(statefulSetPrinter.cells(ss, NOW), ['db', '1/3', '3d', 'web,proxy', 'nginx:1.25,envoy:v1']);
  });
  test('daemonset', () => {
    const ds: KubeObject = {
      metadata: meta('fluentd'),
      spec: { selector: { matchLabels: { name: 'fluentd' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'f', image: 'fluentd:v1' }] } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    assert.deepEqual(daemonSetPrinter.cells(ds, NOW), ['fluentd', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '3d', 'f', 'fluentd:v1', 'name=fluentd']);
    const bare: KubeObject = { metadata: meta('x'), spec: { template: { spec: {} } } };
    assert.deepEqual(daemonSetPrinter.cells(bare, NOW), ['x', 0, 0, 0, 0, 0, '<none>', '3d', '', '', '<none>']);
  });
  test('controller revision', () => {
    const cr: KubeObject = {
      metadata: meta('fluentd-7c9', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'u', controller: true }] }),
      revision: 2,
    };
    assert.deepEqual(controllerRevisionPrinter.cells(cr, NOW), ['fluentd-7c9', 'daemonset.apps/fluentd', 2, '3d']);
    assert.deepEqual(controllerRevisionPrinter.cells({ metadata: meta('orphan'), revision: 1 }, NOW), ['orphan', '<none>', 1, '3d']);
    const core: KubeObject = { metadata: meta('c', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: true }] }), revision: 1 };
    assert.equal(controllerRevisionPrinter.cells(core, NOW)[1], 'pod/p');
  });
  test('pod template', () => {
    const pt: KubeObject = { metadata: meta('tmpl'), template };
    assert.deepEqual(podTemplatePrinter.cells(pt, NOW), ['tmpl', 'web,proxy', 'nginx:1.25,envoy:v1', 'app=web']);
  });
});

describe('job printer', () => {
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
    metadata: meta('pi', extra),
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }] } }, ...spec },
    status,
  });
  const cond = (type: string, status = 'True') => ({ type, status });
  const cases: [string, KubeObject, [string, string, string]][] = [
    ['complete', job({ completions: 1 }, { succeeded: 1, startTime: ago(600), completionTime: ago(540), conditions: [cond('SuccessCriteriaMet'), cond('Complete')] }), ['Complete', '1/1', '60s']],
    ['running', job({ completions: 3, parallelism: 1 }, { active: 1, succeeded: 1, startTime: ago(125) }), ['Running', '1/3', '2m5s']],
    ['parallel work queue', job({ parallelism: 3 }, { active: 3, startTime: ago(30) }), ['Running', '0/1 of 3', '30s']],
    ['no completions, parallelism 1', job({ parallelism: 1 }, {}), ['Running', '0/1', '']],
    ['failed beats terminating', job({ completions: 1 }, { failed: 6, startTime: ago(600), completionTime: ago(300), conditions: [cond('FailureTarget'), cond('Failed')] }, { deletionTimestamp: ago(1) }), ['Failed', '0/1', '5m']],
    ['terminating', job({ completions: 1 }, { active: 1, startTime: ago(60) }, { deletionTimestamp: ago(1) }), ['Terminating', '0/1', '60s']],
    ['suspended', job({ completions: 1, suspend: true }, { conditions: [cond('Suspended')] }), ['Suspended', '0/1', '']],
    ['failure target', job({ completions: 1 }, { startTime: ago(60), conditions: [cond('FailureTarget')] }), ['FailureTarget', '0/1', '60s']],
    // v1.32 has no SuccessCriteriaMet status: a job that met its success policy shows Running until Complete.
    ['success criteria met, not yet complete', job({ completions: 2 }, { succeeded: 2, startTime: ago(60), conditions: [cond('SuccessCriteriaMet')] }), ['Running', '2/2', '60s']],
    ['a False condition does not count', job({ completions: 1 }, { conditions: [cond('Suspended', 'False')] }), ['Running', '0/1', '']],
  ];
  for (const [name, j, want] of cases) test(name, () => assert.deepEqual(jobPrinter.cells(j, NOW).slice(1, 4), want));
  test('full row', () => {
    assert.deepEqual(jobPrinter.cells(cases[0][1], NOW), ['pi', 'Complete', '1/1', '60s', '3d', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc']);
  });
});

describe('cronjob printer', () => {
  const cj = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
    metadata: meta('hello'),
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } }, ...spec },
    status,
  });
  const cases: [string, KubeObject, unknown[]][] = [
    ['never scheduled', cj({ suspend: false }), ['hello', '*/5 * * * *', '<none>', 'False', 0, '<none>', '3d', 'hello', 'busybox', '<none>']],
    ['active with last schedule', cj({ timeZone: 'Etc/UTC' }, { active: [{ name: 'hello-1' }], lastScheduleTime: ago(180) }), ['hello', '*/5 * * * *', 'Etc/UTC', 'False', 1, '3m', '3d', 'hello', 'busybox', '<none>']],
    ['suspended', cj({ suspend: true }), ['hello', '*/5 * * * *', '<none>', 'True', 0, '<none>', '3d', 'hello', 'busybox', '<none>']],
  ];
  for (const [name, o, want] of cases) test(name, () => assert.deepEqual(cronJobPrinter.cells(o, NOW), want));
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../framework/testing.js';
import { podGCController } from './index.js';
import { terminatedOverThreshold, unscheduledTerminating } from './select.js';
import { createNode, createPod } from '../endpoints/testing.js';
import type { KubeObject } from '../../api/object.js';

const pod = (name: string, phase: string, created: string, extra: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, creationTimestamp: created }, status: { phase, ...extra } });

describe('pod GC selections', () => {
  test('oldest terminated beyond the threshold, evicted first', () => {
    const pods = [
      pod('new', 'Succeeded', '2024-01-03T00:00:00Z'),
      pod('old', 'Failed', '2024-01-01T00:00:00Z'),
      pod('running', 'Running', '2023-01-01T00:00:00Z'),
      pod('evicted', 'Failed', '2024-01-05T00:00:00Z', { reason: 'Evicted' }),
      pod('mid', 'Succeeded', '2024-01-02T00:00:00Z'),
    ];
    assert.deepEqual(terminatedOverThreshold(pods, 2).map((p) => p.metadata?.name), ['evicted', 'old']);
    assert.deepEqual(terminatedOverThreshold(pods, 4), []);
    assert.deepEqual(terminatedOverThreshold(pods, 0), []);
  });
  test('unscheduled terminating', () => {
    const pods: KubeObject[] = [
      { metadata: { name: 'a', deletionTimestamp: 'x' }, spec: {} },
      { metadata: { name: 'b', deletionTimestamp: 'x' }, spec: { nodeName: 'n' } },
      { metadata: { name: 'c' }, spec: {} },
    ];
    assert.deepEqual(unscheduledTerminating(pods).map((p) => p.metadata?.name), ['a']);
  });
});

describe('pod GC controller', () => {
  test('deletes pods of a node that is gone, after the quarantine, and terminated pods over the threshold', async () => {
    const env = await controllerTestEnv();
    const c = env.clients;
    await createNode(c, 'alive');
    await createPod(c, 'orphan', { nodeName: 'gone' });
    await createPod(c, 'kept', { nodeName: 'alive' });
    for (const n of ['t1', 't2', 't3']) {
      await createPod(c, n, { nodeName: 'alive', restartPolicy: 'Never' });
      await c.resource('pods').patch('default', n, 'merge', { status: { phase: 'Succeeded' } }, { subresource: 'status' });
    }
    const started = Date.now();
    await env.start(podGCController(env.ctx, { gcCheckPeriodMs: 20, quarantineMs: 150, terminatedPodThreshold: 1 }));
    try {
      const names = async () => (await c.resource('pods').list('default')).items.map((p) => p.metadata?.name).sort();
      await env.eventually(async () => !(await names()).includes('orphan'));
      assert.ok(Date.now() - started >= 150, 'quarantine respected');
      await env.eventually(async () => (await names()).filter((n) => n?.startsWith('t')).length === 1);
      assert.deepEqual(await names(), ['kept', 't3']);
    } finally {
      await env.stop();
    }
  });
});

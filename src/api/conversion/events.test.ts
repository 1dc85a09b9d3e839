import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreToEventsV1, eventsV1ToCore } from './events.js';

test('events.k8s.io/v1 and core/v1 Events convert both ways without loss', () => {
  const v1 = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' },
    eventTime: '2026-11-26T05:00:00.000000Z', reportingController: 'kubelet', reportingInstance: 'node-1', action: 'Pulling', reason: 'Pulling',
    regarding: { kind: 'Pod', name: 'p', namespace: 'default' }, note: 'Pulling image "nginx"', type: 'Normal', deprecatedCount: 2, deprecatedSource: { component: 'kubelet' },
  };
  const core = eventsV1ToCore(v1);
  assert.deepEqual(core, {
    apiVersion: 'v1', kind: 'Event', metadata: v1.metadata, eventTime: v1.eventTime, reportingInstance: 'node-1', action: 'Pulling', reason: 'Pulling', type: 'Normal',
    involvedObject: v1.regarding, message: v1.note, reportingComponent: 'kubelet', source: { component: 'kubelet' }, count: 2,
  });
  assert.deepEqual(coreToEventsV1(core), v1);
});

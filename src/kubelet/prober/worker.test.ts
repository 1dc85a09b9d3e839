import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/fake-clock.js';
import type { Pod, PodStatus, Probe } from '../types.js';
import type { ProbeOutcome } from './probes.js';
import { ProbeWorker, type ProbeResult, type ProbeType, type WorkerHost } from './worker.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers: [{ name: 'app' }] } };

function setup(type: ProbeType, probe: Probe, outcomes: ProbeOutcome['result'][]) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  let status: PodStatus = { phase: 'Running', podIP: '10.0.0.2', containerStatuses: [{ name: 'app', state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '', containerID: 'k8ts://c1', started: true }] };
  const results: ProbeResult[] = [];
  const events: string[] = [];
  let runs = 0;
  const host: WorkerHost = {
    clock,
    podStatus: () => status,
    pod: () => pod,
    run: async () => ({ result: outcomes[Math.min(runs++, outcomes.length - 1)], output: 'out' }),
    setResult: (_t, _id, r) => void results.push(r),
    removeResult: () => undefined,
    event: (_p, _c, type, reason, message) => void events.push(`${reason}: ${message}`),
  };
  const w = new ProbeWorker(host, 'u', pod.spec.containers[0], type, probe);
  return { w, clock, results, events, setStatus: (s: PodStatus) => (status = s), runs: () => runs };
}

describe('probe worker', () => {
  test('readiness starts failed and needs successThreshold successes', async () => {
    const s = setup('readiness', { successThreshold: 2 }, ['success']);
    await s.w.doProbe();
    assert.deepEqual(s.results, ['failure']);
    await s.w.doProbe();
    assert.deepEqual(s.results, ['failure', 'success']);
  });
  test('liveness flips to failure only after failureThreshold failures, then holds', async () => {
    const s = setup('liveness', { failureThreshold: 3 }, ['failure']);
    await s.w.doProbe();
    await s.w.doProbe();
    assert.deepEqual(s.results, ['success']);
    await s.w.doProbe();
    assert.deepEqual(s.results, ['success', 'failure']);
    assert.deepEqual(s.events, ['Unhealthy: Liveness probe failed: out', 'Unhealthy: Liveness probe failed: out', 'Unhealthy: Liveness probe failed: out']);
    await s.w.doProbe();
    assert.equal(s.runs(), 3, 'on hold until a new container appears');
  });
  test('initialDelaySeconds and startup gating', async () => {
    const s = setup('liveness', { initialDelaySeconds: 10 }, ['success']);
    await s.w.doProbe();
    assert.equal(s.runs(), 0);
    s.clock.advance(10_000);
    await s.w.doProbe();
    assert.equal(s.runs(), 1);
    const st = setup('readiness', {}, ['success']);
    st.setStatus({ phase: 'Running', containerStatuses: [{ name: 'app', state: { running: { startedAt: '2026-01-01T00:00:00Z' } }, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '', containerID: 'k8ts://c1', started: false }] });
    await st.w.doProbe();
    assert.equal(st.runs(), 0, 'readiness waits for the startup probe');
  });
  test('ticks every periodSeconds on the clock', async () => {
    const s = setup('readiness', { periodSeconds: 5 }, ['success']);
    s.w.start(0);
    s.clock.advance(0);
    await new Promise((r) => setImmediate(r));
    s.clock.advance(5000);
    await new Promise((r) => setImmediate(r));
    s.clock.advance(5000);
    await new Promise((r) => setImmediate(r));
    assert.equal(s.runs(), 3);
    s.w.stop();
  });
});

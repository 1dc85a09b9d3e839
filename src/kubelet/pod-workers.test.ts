import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/fake-clock.js';
import { PodWorkers, type PodSyncer, type SyncResult } from './pod-workers.js';
import { statusPatch } from './status-manager.js';
import type { Pod } from './types.js';

const pod = (extra: Partial<Pod['metadata']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u', ...extra }, spec: { containers: [] } });

function setup(result: () => SyncResult) {
  const calls: string[] = [];
  let inFlight = 0;
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const syncer: PodSyncer = {
    async syncPod(p) {
      inFlight++;
      assert.equal(inFlight, 1, 'never two syncs of one pod at once');
      calls.push(`sync ${p.metadata.resourceVersion ?? ''}`);
      if (gate) await gate;
      inFlight--;
      return result();
    },
    async syncTerminatingPod(_p, grace) {
      calls.push(`terminating ${grace}`);
    },
    async syncTerminatedPod(p) {
      calls.push(`terminated${p.metadata.deletionTimestamp ? ' deleted' : ''}`);
    },
    async cleanupPod() {
      calls.push('cleanup');
    },
  };
  const clock = new FakeClock(0);
  const w = new PodWorkers({ syncer, clock, log: () => undefined });
  return { w, calls, clock, hold: () => (gate = new Promise((r) => (release = r))), release: () => { gate = undefined; release(); } };
}

test('updates during a sync coalesce into one more pass', async () => {
  const s = setup(() => ({ terminal: false }));
  s.hold();
  s.w.update(pod({ resourceVersion: '1' }));
  s.w.update(pod({ resourceVersion: '2' }));
  s.w.update(pod({ resourceVersion: '3' }));
  s.release();
  await s.w.idle();
  assert.deepEqual(s.calls, ['sync 1', 'sync 3']);
});

test('a terminal pod terminates once; deletion then finalizes and removal cleans up', async () => {
  const s = setup(() => ({ terminal: true }));
  s.w.update(pod());
  await s.w.idle();
  assert.deepEqual(s.calls, ['sync ', 'terminating undefined', 'terminated']);
  s.w.update(pod({ deletionTimestamp: 't', deletionGracePeriodSeconds: 0 }));
  await s.w.idle();
  assert.deepEqual(s.calls.slice(3), ['terminated deleted']);
  s.w.remove('u');
  await s.w.idle();
  assert.deepEqual(s.calls.slice(4), ['cleanup']);
  assert.equal(s.w.has('u'), false);
});

test('a deleted running pod terminates with its deletion grace period', async () => {
  const s = setup(() => ({ terminal: false }));
  s.w.update(pod());
  await s.w.idle();
  s.w.update(pod({ deletionTimestamp: 't', deletionGracePeriodSeconds: 5 }));
  await s.w.idle();
  assert.deepEqual(s.calls, ['sync ', 'terminating 5', 'terminated deleted']);
});

test('requeueAfter schedules the next sync on the clock', async () => {
  const s = setup(() => ({ terminal: false, requeueAfterMs: 10_000 }));
  s.w.update(pod());
  await s.w.idle();
  s.clock.advance(9_999);
  await s.w.idle();
  assert.equal(s.calls.length, 1);
  s.clock.advance(1);
  await s.w.idle();
  assert.equal(s.calls.length, 2);
  s.w.stop();
});

test('status patches carry the uid, only changed keys, and null for removed ones', () => {
  const p = statusPatch('u', { phase: 'Pending', reason: 'X', hostIP: '1.1.1.1' }, { phase: 'Running', hostIP: '1.1.1.1' });
  assert.deepEqual(p, { metadata: { uid: 'u' }, status: { phase: 'Running', reason: null } });
});

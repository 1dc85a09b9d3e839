import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerTestEnv } from '../controllers/framework/testing.js';
import { heldByOther, LeaderElector } from './leader-election.js';
import { realClock } from './workqueue.js';

test('a valid lease held by another blocks; an expired one does not', () => {
  const now = Date.parse('2026-11-26T06:00:10Z');
  assert.equal(heldByOther({ holderIdentity: 'a', renewTime: '2026-11-26T06:00:00.000000Z', leaseDurationSeconds: 15 }, 'b', now), true);
  assert.equal(heldByOther({ holderIdentity: 'a', renewTime: '2026-11-26T06:00:00.000000Z', leaseDurationSeconds: 5 }, 'b', now), false);
  assert.equal(heldByOther({ holderIdentity: 'b', renewTime: '2026-11-26T06:00:00.000000Z', leaseDurationSeconds: 15 }, 'b', now), false);
  assert.equal(heldByOther(undefined, 'b', now), false);
});

test('only one of two candidates leads; the other takes over once the leader stops', async () => {
  const env = await controllerTestEnv();
  // Wide enough that a busy machine's event-loop stalls do not cost a the lease.
  const timing = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 };
  const mk = (identity: string) => new LeaderElector(env.clients, { namespace: 'kube-system', name: 'test-lock', identity, ...timing }, realClock);
  const events: string[] = [];
  const stopA = new AbortController();
  const stopB = new AbortController();
  const a = mk('a').run(stopA.signal, async (s) => {
    events.push('a leads');
    await new Promise<void>((r) => s.addEventListener('abort', () => r(), { once: true }));
    events.push('a stops');
  });
  await env.eventually(() => events.includes('a leads'));
  const b = mk('b').run(stopB.signal, async (s) => {
    events.push('b leads');
    await new Promise<void>((r) => s.addEventListener('abort', () => r(), { once: true }));
  });
  await new Promise((r) => setTimeout(r, 3500));
  assert.deepEqual(events, ['a leads'], 'b stays idle past the lease duration while a renews');
  const t0 = Date.now();
  stopA.abort();
  await a;
  await env.eventually(() => events.includes('b leads'), 8000);
  assert.ok(Date.now() - t0 <= 4500, 'b takes over within about the lease duration');
  const lease = await env.clients.resource('leases').get('kube-system', 'test-lock');
  assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'b');
  assert.equal((lease.spec as { leaseTransitions: number }).leaseTransitions, 1);
  stopB.abort();
  await b;
  // A graceful stop gives the lease up: nobody holds it, and it is free at once.
  const released = (await env.clients.resource('leases').get('kube-system', 'test-lock')).spec as { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
  assert.equal(released.holderIdentity, '');
  // As client-go's release: a one-second lease, renewed now, so a candidate's clock skew cannot hold it.
  assert.equal(released.leaseDurationSeconds, 1);
  assert.ok(Date.parse(released.renewTime) >= Date.parse((lease.spec as { renewTime: string }).renewTime));
  await env.stop();
});

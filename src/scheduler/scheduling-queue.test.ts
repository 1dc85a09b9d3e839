import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingQueue } from './scheduling-queue.js';
import type { Clock } from '../client/workqueue.js';

function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn, id: id++ };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of [...timers].sort((a, b) => a.at - b.at)) {
      if (t.at <= now) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    }
  };
  return { clock, advance };
}

test('higher priority first, then arrival order', () => {
  const q = new SchedulingQueue(fakeClock().clock);
  q.add('a', 0);
  q.add('b', 10);
  q.add('c', 0);
  assert.deepEqual([q.popNow(), q.popNow(), q.popNow(), q.popNow()], ['b', 'a', 'c', undefined]);
});

test('unschedulable pods wait for a cluster event, then their back-off', () => {
  const { clock, advance } = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add('a');
  assert.equal(q.popNow(), 'a');
  q.unschedulable('a');
  assert.equal(q.popNow(), undefined);
  advance(500);
  q.moveAllUnschedulable();
  assert.equal(q.popNow(), undefined, 'still backing off (1 s after the first failure)');
  advance(500);
  assert.equal(q.popNow(), 'a');
  q.unschedulable('a');
  q.moveAllUnschedulable();
  advance(1999);
  assert.equal(q.popNow(), undefined, 'second failure backs off 2 s');
  advance(1);
  assert.equal(q.popNow(), 'a');
});

test('back-off is capped at 10 s and errors retry without an event', () => {
  const { clock, advance } = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add('a');
  for (let i = 0; i < 6; i++) {
    assert.equal(q.popNow(), 'a');
    q.error('a');
    advance(q.backoffMs('a'));
  }
  assert.equal(q.backoffMs('a'), 10000);
});

test('parked pods are flushed after five minutes', () => {
  const { clock, advance } = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add('a');
  q.popNow();
  q.unschedulable('a');
  advance(4 * 60 * 1000);
  assert.equal(q.popNow(), undefined);
  advance(60 * 1000);
  assert.equal(q.popNow(), 'a');
});

test('an update while in flight retries after back-off instead of parking', () => {
  const { clock, advance } = fakeClock();
  const q = new SchedulingQueue(clock);
  q.add('a');
  q.popNow();
  q.add('a');
  q.unschedulable('a');
  advance(1000);
  assert.equal(q.popNow(), 'a');
});

test('pop waits for the next pod; close releases waiters', async () => {
  const q = new SchedulingQueue(fakeClock().clock);
  const p = q.pop();
  q.add('x');
  assert.equal(await p, 'x');
  const p2 = q.pop();
  q.close();
  assert.equal(await p2, undefined);
});

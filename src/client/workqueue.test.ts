import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue, type Clock } from './workqueue.js';

function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as never);
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

test('a key is held once and never processed twice at the same time', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.length, 2);
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a'); // while processing: queued again only after done()
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'b');
  q.done('a');
  assert.equal(await q.get(), 'a');
});

test('failures back off exponentially and forget() resets', async () => {
  const { clock, advance } = fakeClock();
  const q = new WorkQueue(clock, { baseMs: 10, maxMs: 100 });
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    q.addRateLimited('k');
    let waited = 0;
    while (q.length === 0) {
      advance(1);
      waited++;
    }
    delays.push(waited);
    assert.equal(await q.get(), 'k');
    q.done('k');
  }
  assert.deepEqual(delays, [10, 20, 40, 80, 100, 100]);
  q.forget('k');
  assert.equal(q.retries('k'), 0);
});

test('shutDown releases waiting workers', async () => {
  const q = new WorkQueue();
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);
});

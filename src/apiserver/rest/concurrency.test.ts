// Optimistic concurrency through the request path: concurrent read-modify-write loops on one
// object lose no update; stale writes are 409 Conflict.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { testServer } from '../testing.js';

test('concurrent read-modify-write loops lose no update', async () => {
  const s = await testServer(new MemoryStore());
  const path = '/api/v1/namespaces/default/configmaps/counter';
  await s.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter' }, data: { n: '0' } });
  let successes = 0;
  let conflicts = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < 25; i++) {
      for (;;) {
        const cur = (await s.request('GET', path)).json() as { data: { n: string }; metadata: Record<string, unknown> };
        // Yield so that the loops interleave between read and write, as remote clients do.
        await new Promise((r) => setImmediate(r));
        const put = await s.request('PUT', path, { ...cur, data: { n: String(Number(cur.data.n) + 1) } });
        if (put.status === 200) {
          successes++;
          break;
        }
        assert.equal(put.status, 409);
        const status = put.json() as { reason: string; message: string };
        assert.equal(status.reason, 'Conflict');
        assert.match(status.message, /Operation cannot be fulfilled on configmaps "counter": the object has been modified; please apply your changes to the latest version and try again/);
        conflicts++;
      }
    }
  }));
  const final = (await s.request('GET', path)).json() as { data: { n: string } };
  assert.equal(successes, 200);
  assert.equal(Number(final.data.n), successes);
  assert.ok(conflicts > 0, 'the loops really raced');
});

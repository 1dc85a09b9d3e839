// Crash safety: SIGKILL the server in the middle of a stream of writes; after a restart every
// write that was acknowledged with a 2xx is there, and the store is consistent.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster } from './harness.js';

const c = new Cluster();
after(() => c.cleanup());

interface Obj {
  metadata: { name: string; resourceVersion: string };
  data?: Record<string, string>;
}

test('every acknowledged write survives SIGKILL', async () => {
  await c.start();
  const acked = new Map<string, string>();
  let counterAcked = 0;
  let stop = false;
  const body = (name: string, i: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
  const creator = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const name = `w${w}-${i}`;
      try {
        const r = await c.raw('POST', '/api/v1/namespaces/default/configmaps', body(name, i), { 'content-type': 'application/json' });
        if (r.status === 201) acked.set(name, String(i));
      } catch {
        return; // the connection died with the server
      }
    }
  };
  // One object updated with optimistic concurrency: its acknowledged value only grows.
  await c.raw('POST', '/api/v1/namespaces/default/configmaps', body('counter', 0), { 'content-type': 'application/json' });
  const updater = async () => {
    while (!stop) {
      try {
        const cur = JSON.parse((await c.raw('GET', '/api/v1/namespaces/default/configmaps/counter')).body) as Obj;
        const next = Number(cur.data!.i) + 1;
        const r = await c.raw('PUT', '/api/v1/namespaces/default/configmaps/counter', JSON.stringify({ ...cur, data: { i: String(next) } }), { 'content-type': 'application/json' });
        if (r.status === 200) counterAcked = next;
      } catch {
        return;
      }
    }
  };
  const workers = [0, 1, 2, 3].map(creator).concat([updater()]);
  await new Promise((r) => setTimeout(r, 1500));
  await c.kill('SIGKILL');
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.size > 50, `enough writes were acknowledged before the kill (${acked.size})`);

  await c.start();
  const list = JSON.parse((await c.raw('GET', '/api/v1/namespaces/default/configmaps')).body) as { metadata: { resourceVersion: string }; items: Obj[] };
  const stored = new Map(list.items.map((o) => [o.metadata.name, o]));
  for (const [name, i] of acked) {
    assert.ok(stored.has(name), `acknowledged ${name} is stored`);
    assert.equal(stored.get(name)!.data!.i, i);
  }
  const counter = Number(stored.get('counter')!.data!.i);
  assert.ok(counter === counterAcked || counter === counterAcked + 1, `counter ${counter} vs last acknowledged ${counterAcked}`);
  // Consistent: resourceVersions unique and not beyond the list's revision; new writes get newer ones.
  const rvs = list.items.map((o) => Number(o.metadata.resourceVersion));
  assert.equal(new Set(rvs).size, rvs.length);
  assert.ok(Math.max(...rvs) <= Number(list.metadata.resourceVersion));
  const fresh = JSON.parse((await c.raw('POST', '/api/v1/namespaces/default/configmaps', body('after-restart', 1), { 'content-type': 'application/json' })).body) as Obj;
  assert.ok(Number(fresh.metadata.resourceVersion) > Number(list.metadata.resourceVersion));
  assert.match(await c.ok(['get', 'cm', 'after-restart', '-o', 'name']), /configmap\/after-restart/);
});

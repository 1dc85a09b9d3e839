// Conformance rows 81 and 82 (API chunking): paged PodTemplate lists with limit/continue and
// remainingItemCount, and continuing after the first page's revision was compacted away (410
// Expired carrying an inconsistent continue token that resumes at the latest revision), on SQLite.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { testServer } from '../testing.js';
import { podTemplate } from './fixtures.js';
import { client, type List, type StatusBody } from './helpers.js';

const NS = 'chunking';
const TOTAL = 400;
const tname = (i: number) => `template-${String(i).padStart(4, '0')}`;

describe('conformance: API chunking', () => {
  let dir: string;
  let store: SqliteStore;
  let c: ReturnType<typeof client>;
  const base = `/api/v1/namespaces/${NS}/podtemplates`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-chunking-'));
    store = SqliteStore.open(join(dir, 'state.db'));
    c = client(await testServer(store));
    await c.namespace(NS);
    // Created concurrently, as upstream does with 20 workers.
    for (let i = 0; i < TOTAL; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => c.create(base, podTemplate(tname(i + j)))));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('[81] lists come back in chunks honouring limit, continue and remainingItemCount', async () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 3; round++) {
      let found = 0;
      let lastRV = '';
      let token = '';
      for (;;) {
        const limit = rand(TOTAL / 10) + 1;
        const list = await c.list(`${base}?limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
        assert.ok(list.items.length <= limit);
        if (!lastRV) lastRV = list.metadata.resourceVersion;
        assert.equal(list.metadata.resourceVersion, lastRV, 'every page is read at the first page\'s revision');
        if (!list.metadata.continue) assert.equal(list.metadata.remainingItemCount, undefined);
        else assert.equal(list.metadata.remainingItemCount! + list.items.length + found, TOTAL);
        for (const item of list.items) assert.equal(item.metadata.name, tname(found++));
        if (!list.metadata.continue) break;
        token = list.metadata.continue;
      }
      assert.equal(found, TOTAL);
    }
    const all = await c.list(`${base}?limit=${TOTAL + 1}`);
    assert.equal(all.items.length, TOTAL);
    assert.equal(all.metadata.continue, undefined);
  });

  test('[82] after compaction the old token is 410 Expired with an inconsistent continue token that resumes the list', async () => {
    const oneTenth = TOTAL / 10;
    const first = await c.list(`${base}?limit=${oneTenth}`);
    assert.equal(first.metadata.remainingItemCount! + first.items.length, TOTAL);
    const firstToken = first.metadata.continue!;
    const firstRV = first.metadata.resourceVersion;
    // The cluster moves on, and its history up to now is compacted away.
    await c.create(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'moves-on' } });
    await store.compact(await store.currentRevision());
    const expired = await c.fail('GET', `${base}?limit=${oneTenth}&continue=${encodeURIComponent(firstToken)}`, undefined, 410);
    assert.equal(expired.reason, 'Expired');
    const inconsistent = (expired as StatusBody).metadata.continue;
    assert.ok(inconsistent, `a continue token in the 410 Status: ${JSON.stringify(expired)}`);
    const second = await c.list(`${base}?limit=${oneTenth}&continue=${encodeURIComponent(inconsistent)}`);
    assert.notEqual(second.metadata.resourceVersion, firstRV);
    assert.equal(second.items.length, oneTenth);
    let found = oneTenth;
    if (second.metadata.continue) assert.equal(second.metadata.remainingItemCount! + second.items.length + found, TOTAL);
    for (const item of second.items) assert.equal(item.metadata.name, tname(found++));
    let token = second.metadata.continue;
    const lastRV = second.metadata.resourceVersion;
    while (token) {
      const page: List = await c.list(`${base}?limit=${oneTenth}&continue=${encodeURIComponent(token)}`);
      assert.equal(page.metadata.resourceVersion, lastRV);
      if (page.metadata.continue) assert.equal(page.metadata.remainingItemCount! + page.items.length + found, TOTAL);
      else assert.equal(page.metadata.remainingItemCount, undefined);
      for (const item of page.items) assert.equal(item.metadata.name, tname(found++));
      token = page.metadata.continue;
    }
    assert.equal(found, TOTAL);
  });
});

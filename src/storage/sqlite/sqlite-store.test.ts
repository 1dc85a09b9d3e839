import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeSuite } from '../store-suite.js';
import { SqliteStore } from './sqlite-store.js';

storeSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
  // Small pages and batches so history paging and batched compaction are exercised.
  const store = SqliteStore.open(join(dir, 'state.db'), { historyPageSize: 3, compactBatch: 4 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

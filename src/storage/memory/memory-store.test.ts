import { storeSuite } from '../store-suite.js';
import { MemoryStore } from './memory-store.js';

storeSuite('memory', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

// Test fixture for the crash-safety test: writes (creates, then some updates) as fast as it can and
// prints "<key> <revision>" only after the write resolved, until the test SIGKILLs it.
import { SqliteStore } from './sqlite-store.js';

const store = SqliteStore.open(process.argv[2]);
const enc = new TextEncoder();
const filler = 'x'.repeat(2000);
const ack = (key: string, rev: number): void => {
  // stdout to a pipe is synchronous on Linux: once written, the test will see the line.
  process.stdout.write(`${key} ${rev}\n`);
};

for (let i = 0; ; i++) {
  const key = `/registry/crash/k${String(i).padStart(7, '0')}`;
  ack(key, await store.create(key, enc.encode(JSON.stringify({ key, rev: 'create', filler }))));
  if (i % 4 === 3) {
    const prev = `/registry/crash/k${String(i - 1).padStart(7, '0')}`;
    const cur = await store.get(prev);
    if (cur) ack(prev, await store.update(prev, enc.encode(JSON.stringify({ key: prev, rev: 'update', filler })), cur.modRevision));
  }
}

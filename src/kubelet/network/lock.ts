// In-process keyed mutex: serialises read-modify-write of the IPAM file and work on one sandbox,
// while different sandboxes are set up in parallel.

const tails = new Map<string, Promise<unknown>>();

export async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = tails.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    // Drop the entry when nobody queued behind us, so the map does not grow with every sandbox id.
    if (tails.get(key) === tail) tails.delete(key);
  }
}

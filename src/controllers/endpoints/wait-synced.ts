// Waits until informers have synced (or the controller is stopped), so that a first reconcile
// never mistakes a cache still filling for an empty cluster.

import type { Informer } from '../../client/informer.js';

export async function waitSynced(signal: AbortSignal, ...informers: Informer[]): Promise<void> {
  const aborted = new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
  await Promise.race([Promise.all(informers.map((i) => i.synced)), aborted]);
}

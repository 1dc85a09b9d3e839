// ServiceAccount controller (upstream's serviceaccounts-controller): every active namespace has
// the `default` ServiceAccount; one deleted is created again.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { ensureServiceAccounts } from './reconcile.js';

/** The accounts every namespace gets, as upstream's default controller options. */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];

export function serviceAccountController(ctx: ControllerContext, opts: { names?: string[]; workers?: number } = {}): Controller {
  const names = opts.names ?? DEFAULT_SERVICE_ACCOUNTS;
  const namespaces = ctx.informers.informer('namespaces');
  const accounts = ctx.informers.informer('serviceaccounts');
  const queue = new WorkQueue(ctx.clock);
  namespaces.addHandler({
    add: (ns) => queue.add(objectKey(ns)),
    update: (_old, ns) => queue.add(objectKey(ns)),
  });
  // Only a deletion can take an account away; the namespace is then checked again.
  accounts.addHandler({
    delete: (sa: KubeObject) => {
      if (sa.metadata?.namespace && names.includes(sa.metadata.name ?? '')) queue.add(sa.metadata.namespace);
    },
  });
  return {
    name: 'serviceaccount',
    async run(signal) {
      await Promise.all([namespaces.synced, accounts.synced]);
      await runWorkers(
        { name: 'serviceaccount', queue, workers: opts.workers ?? 1, log: ctx.log, reconcile: (key) => ensureServiceAccounts(ctx, names, key) },
        signal,
      );
    },
  };
}

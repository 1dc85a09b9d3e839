// Root CA publisher (upstream's root-ca-cert-publisher): every namespace holds the ConfigMap
// kube-root-ca.crt with the cluster CA under ca.crt, put back whenever it is edited or deleted.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { publishRootCA, ROOT_CA_CONFIGMAP } from './reconcile.js';

export { ROOT_CA_CONFIGMAP, DESCRIPTION, DESCRIPTION_ANNOTATION } from './reconcile.js';

export function rootCACertPublisher(ctx: ControllerContext, opts: { caCert: string; workers?: number }): Controller {
  const namespaces = ctx.informers.informer('namespaces');
  const configmaps = ctx.informers.informer('configmaps');
  const queue = new WorkQueue(ctx.clock);
  namespaces.addHandler({
    add: (ns) => queue.add(objectKey(ns)),
    update: (_old, ns) => {
      if ((ns.status as { phase?: string } | undefined)?.phase === 'Active') queue.add(objectKey(ns));
    },
  });
  const onConfigMap = (cm: KubeObject) => {
    if (cm.metadata?.name === ROOT_CA_CONFIGMAP && cm.metadata.namespace) queue.add(cm.metadata.namespace);
  };
  configmaps.addHandler({ update: (_old, cm) => onConfigMap(cm), delete: onConfigMap });
  return {
    name: 'root-ca-cert-publisher',
    async run(signal) {
      await Promise.all([namespaces.synced, configmaps.synced]);
      await runWorkers(
        { name: 'root-ca-cert-publisher', queue, workers: opts.workers ?? 1, log: ctx.log, reconcile: (ns) => publishRootCA(ctx, opts.caCert, ns) },
        signal,
      );
    },
  };
}

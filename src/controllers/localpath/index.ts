// The built-in local-path provisioner (Rancher's local-path-provisioner as k3s bundles it, with
// the PV controller's binding for its volumes): claims of a `rancher.io/local-path` class get a
// host directory under `<dataDir>/storage/` on the node their pod runs on.

import type { KubeObject } from '../../api/object.js';
import { objectKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../framework/controller.js';
import { claimSpec, PROVISIONER, volumeSpec } from './provision.js';
import { CLAIM_INDEX, claimsOfPod, syncClaim, syncVolume, type LocalPathState } from './reconcile.js';

export { cleanupReleasedVolumes } from './cleanup.js';
export { PROVISIONER } from './provision.js';

export interface LocalPathOptions {
  /** The data dir volumes live under (`<dataDir>/storage/pvc-<uid>_<ns>_<name>`). */
  dataDir: string;
  /**
   * Nodes whose disk this process reaches (it makes and removes their directories). Default: all,
   * which is right for `k8ts server` with its in-process agent; remote agents call
   * cleanupReleasedVolumes for theirs.
   */
  ownsNode?: (nodeName: string) => boolean;
  workers?: number;
}

export function localPathController(ctx: ControllerContext, opts: LocalPathOptions): Controller {
  const claims = ctx.informers.informer('persistentvolumeclaims');
  const volumes = ctx.informers.informer('persistentvolumes');
  const pods = ctx.informers.informer('pods');
  const nodes = ctx.informers.informer('nodes');
  const classes = ctx.informers.informer('storageclasses');
  const claimQueue = new WorkQueue(ctx.clock);
  const volumeQueue = new WorkQueue(ctx.clock);
  pods.addIndexer(CLAIM_INDEX, claimsOfPod);

  const state: LocalPathState = {
    ctx,
    dataDir: opts.dataDir,
    ownsNode: opts.ownsNode ?? (() => true),
    classes,
    pvController: ctx.recorder('persistentvolume-controller'),
    provisioner: ctx.recorder(`${PROVISIONER}_k8ts`),
    waiting: new Set(),
  };

  const claimChanged = (c: KubeObject) => {
    claimQueue.add(objectKey(c));
    const v = claimSpec(c).volumeName;
    if (v) volumeQueue.add(v);
  };
  claims.addHandler({
    add: claimChanged,
    update: (_o, c) => claimChanged(c),
    // A deleted claim releases the volume it was bound to (or the one made for it).
    delete: (c) => {
      state.waiting.delete(c.metadata?.uid ?? '');
      volumeQueue.add(claimSpec(c).volumeName || `pvc-${c.metadata?.uid}`);
    },
  });
  const volumeChanged = (v: KubeObject) => {
    volumeQueue.add(objectKey(v));
    const ref = volumeSpec(v).claimRef;
    if (ref?.namespace && ref.name) claimQueue.add(`${ref.namespace}/${ref.name}`);
  };
  volumes.addHandler({ add: volumeChanged, update: (_o, v) => volumeChanged(v), delete: volumeChanged });
  // A pod scheduled with a waiting claim is the consumer that lets it be provisioned.
  const podChanged = (p: KubeObject) => {
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    if ((p.spec as { nodeName?: string } | undefined)?.nodeName || phase === 'Succeeded' || phase === 'Failed') for (const k of claimsOfPod(p)) claimQueue.add(k);
  };
  pods.addHandler({
    add: podChanged,
    update: (_o, p) => podChanged(p),
    // A pod gone may free a deleted claim held by its protection finalizer.
    delete: (p) => claimsOfPod(p).forEach((k) => claimQueue.add(k)),
  });
  classes.addHandler({ add: () => claims.list().forEach((c) => claimQueue.add(objectKey(c))) });

  return {
    name: 'local-path-provisioner',
    async run(signal) {
      await Promise.all([claims.synced, volumes.synced, pods.synced, nodes.synced, classes.synced]);
      const workers = opts.workers ?? 1;
      await Promise.all([
        runWorkers({ name: 'local-path-claims', queue: claimQueue, workers, log: ctx.log, reconcile: (k) => syncClaim(state, k) }, signal),
        runWorkers({ name: 'local-path-volumes', queue: volumeQueue, workers, log: ctx.log, reconcile: (k) => syncVolume(state, k) }, signal),
      ]);
    },
  };
}

// The provisioner's two syncs. A claim: provision its PV on the selected node, then bind (claim
// spec.volumeName and annotations, claim status Bound, PV status Bound). A volume: keep it Bound
// while its claim lives; once the claim is gone, Released, and with reclaim Delete its directory
// and the PV are removed.

import { cloneJson, type KubeObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isNotFound, splitKey } from '../../client/informer.js';
import type { ControllerContext } from '../framework/controller.js';
import { createVolumeDir, removeVolumeDir } from './cleanup.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  boundClaimStatus,
  claimSpec,
  classForClaim,
  isProvisionedHere,
  phaseOf,
  podUsesClaim,
  PROVISIONER,
  provisionedVolume,
  PVC_PROTECTION,
  selectedNodeFor,
  unsupportedAccessModes,
  volumeNameFor,
  volumeNode,
  volumeSpec,
} from './provision.js';
import type { Informer } from '../../client/informer.js';

export interface LocalPathState {
  ctx: ControllerContext;
  dataDir: string;
  ownsNode(node: string): boolean;
  classes: Informer;
  /** Events from the PV controller's name and from the provisioner's. */
  pvController: EventRecorder;
  provisioner: EventRecorder;
  /** Claims already told they wait for a consumer (one event per claim, not one per sync). */
  waiting: Set<string>;
}

/** Index of pods by the claims they mount: `namespace/claimName`. */
export const CLAIM_INDEX = 'localpath-claims';

export function claimsOfPod(pod: KubeObject): string[] {
  const vols = ((pod.spec as { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined)?.volumes ?? []);
  return vols.flatMap((v) => (v.persistentVolumeClaim?.claimName ? [`${pod.metadata?.namespace}/${v.persistentVolumeClaim.claimName}`] : []));
}

export async function syncClaim(s: LocalPathState, key: string): Promise<void> {
  const { ctx } = s;
  const pvc = ctx.informers.informer('persistentvolumeclaims').get(key);
  if (!pvc) return;
  if (pvc.metadata?.deletionTimestamp) {
    await releaseProtection(s, pvc);
    return;
  }
  const spec = claimSpec(pvc);
  const pvs = ctx.clients.resource('persistentvolumes');
  if (spec.volumeName) {
    await finishBinding(s, pvc, spec.volumeName);
    return;
  }
  const sc = classForClaim(pvc, s.classes.list());
  if (!sc) return;
  const { namespace, name } = splitKey(key);
  const consumers = ctx.informers.informer('pods').byIndex(CLAIM_INDEX, key).filter((p) => podUsesClaim(p, name));
  const nodes = ctx.informers.informer('nodes').list().map((n) => n.metadata?.name ?? '');
  const node = selectedNodeFor(pvc, sc, consumers, nodes);
  const uid = pvc.metadata?.uid ?? '';
  if (!node) {
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !s.waiting.has(uid)) {
      s.waiting.add(uid);
      s.pvController.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    }
    return;
  }
  s.waiting.delete(uid);
  const bad = unsupportedAccessModes(spec.accessModes);
  if (bad) {
    s.provisioner.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": ${bad}`);
    return;
  }
  let pv = ctx.informers.informer('persistentvolumes').getByName(undefined, volumeNameFor(pvc));
  if (!pv) {
    s.provisioner.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${namespace}/${name}"`);
    const want = provisionedVolume(pvc, sc, node, s.dataDir);
    if (s.ownsNode(node)) await createVolumeDir(s.dataDir, want);
    try {
      pv = await pvs.create(want);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      pv = await pvs.get(undefined, volumeNameFor(pvc));
    }
    s.provisioner.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata?.name}`);
  }
  // The claim names its volume (and the node, as the scheduler would have) before its status says Bound.
  const next = cloneJson(pvc);
  const ann = (next.metadata!.annotations ??= {});
  ann[ANN_BIND_COMPLETED] = 'yes';
  ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
  ann[ANN_STORAGE_PROVISIONER] = PROVISIONER;
  ann[ANN_BETA_STORAGE_PROVISIONER] = PROVISIONER;
  ann[ANN_SELECTED_NODE] ??= node;
  (next.spec as Record<string, unknown>).volumeName = pv.metadata?.name;
  // The pvc-protection finalizer keeps a claim (and so its data) while a pod still mounts it.
  const finalizers = (next.metadata!.finalizers ??= []);
  if (!finalizers.includes(PVC_PROTECTION)) finalizers.push(PVC_PROTECTION);
  const updated = await ctx.clients.resource('persistentvolumeclaims').update(next);
  await finishBinding(s, updated, pv.metadata!.name!);
}

/** Scheduled pods (not finished) that mount the claim, as upstream's pvc-protection controller counts them. */
function claimInUse(s: LocalPathState, pvc: KubeObject): boolean {
  const key = `${pvc.metadata?.namespace}/${pvc.metadata?.name}`;
  return s.ctx.informers
    .informer('pods')
    .byIndex(CLAIM_INDEX, key)
    .some((p) => !!(p.spec as { nodeName?: string } | undefined)?.nodeName && podUsesClaim(p, pvc.metadata?.name ?? ''));
}

/** A deleted claim loses its pvc-protection finalizer once no pod uses it. */
async function releaseProtection(s: LocalPathState, pvc: KubeObject): Promise<void> {
  const finalizers = pvc.metadata?.finalizers ?? [];
  if (!finalizers.includes(PVC_PROTECTION) || claimInUse(s, pvc)) return;
  const next = cloneJson(pvc);
  next.metadata!.finalizers = finalizers.filter((f) => f !== PVC_PROTECTION);
  try {
    await s.ctx.clients.resource('persistentvolumeclaims').update(next);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Claim status Bound and PV status Bound, for a claim that names its PV. */
async function finishBinding(s: LocalPathState, pvc: KubeObject, pvName: string): Promise<void> {
  const { ctx } = s;
  const pvs = ctx.clients.resource('persistentvolumes');
  const pv = ctx.informers.informer('persistentvolumes').getByName(undefined, pvName) ?? (await pvs.get(undefined, pvName).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))));
  if (!pv) {
    if (phaseOf(pvc) === 'Bound') {
      await ctx.clients.resource('persistentvolumeclaims').updateStatus({ ...cloneJson(pvc), status: { ...(pvc.status as object), phase: 'Lost' } });
      s.pvController.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    }
    return;
  }
  // Only volumes this provisioner made for this very claim are bound here.
  if (!isProvisionedHere(pv) || volumeSpec(pv).claimRef?.uid !== pvc.metadata?.uid) return;
  if (phaseOf(pvc) !== 'Bound') {
    await ctx.clients.resource('persistentvolumeclaims').updateStatus({ ...cloneJson(pvc), status: { ...((pvc.status as object) ?? {}), ...boundClaimStatus(pv) } });
  }
  if (phaseOf(pv) !== 'Bound') await pvs.updateStatus({ ...cloneJson(pv), status: { phase: 'Bound' } });
}

export async function syncVolume(s: LocalPathState, name: string): Promise<void> {
  const { ctx } = s;
  const pv = ctx.informers.informer('persistentvolumes').getByName(undefined, name);
  if (!pv || pv.metadata?.deletionTimestamp || !isProvisionedHere(pv)) return;
  const ref = volumeSpec(pv).claimRef;
  if (!ref?.name || !ref.namespace) return;
  const claimKey = `${ref.namespace}/${ref.name}`;
  let pvc = ctx.informers.informer('persistentvolumeclaims').get(claimKey);
  if (!pvc || pvc.metadata?.uid !== ref.uid) {
    // The cache may lag a just-created claim: ask the server before releasing anything.
    pvc = await ctx.clients.resource('persistentvolumeclaims').get(ref.namespace, ref.name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }
  const pvs = ctx.clients.resource('persistentvolumes');
  if (pvc && pvc.metadata?.uid === ref.uid) {
    if (claimSpec(pvc).volumeName === name && phaseOf(pv) !== 'Bound') await pvs.updateStatus({ ...cloneJson(pv), status: { phase: 'Bound' } });
    return;
  }
  let current = pv;
  if (phaseOf(pv) !== 'Released' && phaseOf(pv) !== 'Failed') current = await pvs.updateStatus({ ...cloneJson(pv), status: { phase: 'Released' } });
  if (volumeSpec(pv).persistentVolumeReclaimPolicy !== 'Delete') return;
  const node = volumeNode(pv);
  // Another machine's agent removes its own directories (cleanupReleasedVolumes) and the PV.
  if (node && !s.ownsNode(node)) return;
  await removeVolumeDir(s.dataDir, current);
  try {
    await pvs.delete(undefined, name, { preconditions: { uid: pv.metadata?.uid } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

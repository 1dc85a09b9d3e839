// Removing a released volume's directory. Only directories the provisioner made (under
// `<dataDir>/storage/`, named pvc-...) are ever removed. cleanupReleasedVolumes is for an agent
// on another machine: the server's controller cannot reach that node's disk.

import { chmod, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import type { ClientSet } from '../../client/clientset.js';
import { isNotFound } from '../../client/informer.js';
import { isProvisionedHere, phaseOf, volumeNode, volumeSpec } from './provision.js';

/** The PV's directory when it is one of ours under dataDir/storage; undefined otherwise. */
export function ownedVolumeDir(dataDir: string, pv: KubeObject): string | undefined {
  const spec = volumeSpec(pv);
  const path = spec.hostPath?.path ?? spec.local?.path;
  if (!path || !isProvisionedHere(pv)) return undefined;
  const p = resolve(path);
  return dirname(p) === resolve(join(dataDir, 'storage')) && basename(p).startsWith('pvc-') ? p : undefined;
}

/** Makes the volume's directory, world-writable as Rancher's helper pod makes it (`mkdir -m 0777 -p`). */
export async function createVolumeDir(dataDir: string, pv: KubeObject): Promise<void> {
  const dir = ownedVolumeDir(dataDir, pv);
  if (!dir) return;
  if ((await mkdir(dir, { recursive: true })) !== undefined) await chmod(dir, 0o777);
}

export async function removeVolumeDir(dataDir: string, pv: KubeObject): Promise<void> {
  const dir = ownedVolumeDir(dataDir, pv);
  if (dir) await rm(dir, { recursive: true, force: true });
}

/**
 * For an agent on its own machine: removes the directories of this node's released local-path
 * volumes whose reclaim policy is Delete, then deletes those PVs. Returns the PV names deleted.
 */
export async function cleanupReleasedVolumes(clients: ClientSet, opts: { dataDir: string; nodeName: string }): Promise<string[]> {
  const pvs = clients.resource('persistentvolumes');
  const done: string[] = [];
  for (const pv of (await pvs.list()).items) {
    if (!isProvisionedHere(pv) || volumeNode(pv) !== opts.nodeName) continue;
    if (phaseOf(pv) !== 'Released' || volumeSpec(pv).persistentVolumeReclaimPolicy !== 'Delete') continue;
    await removeVolumeDir(opts.dataDir, pv);
    try {
      await pvs.delete(undefined, pv.metadata!.name!, { preconditions: { uid: pv.metadata!.uid } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    done.push(pv.metadata!.name!);
  }
  return done;
}

// persistentVolumeClaim volumes: claim → bound PV → a host directory (hostPath and local PVs, which
// is what the local-path provisioner makes). Errors are the kubelet's, so the pod worker retries.

import { chmod, mkdir } from 'node:fs/promises';
import type { KubeObject } from '../../api/object.js';
import type { VolumeDeps, VolumeMount } from './types.js';

/** The annotation the local-path provisioner puts on its PVs. */
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

interface PvcShape {
  spec?: { volumeName?: string };
  status?: { phase?: string };
}

interface PvShape {
  spec?: { hostPath?: { path: string }; local?: { path: string }; claimRef?: { name?: string; namespace?: string; uid?: string } };
}

/** Upstream's getPVCExtractPV checks, as one pure step: the PV name or the error. */
export function claimedVolumeName(namespace: string, claimName: string, pvc: KubeObject | undefined): string {
  const wrap = (why: string) => new Error(`error processing PVC ${namespace}/${claimName}: ${why}`);
  if (!pvc) throw wrap(`failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
  if (pvc.metadata?.deletionTimestamp) throw wrap('PVC is being deleted');
  const p = pvc as PvcShape;
  if (p.status?.phase !== 'Bound') throw wrap('PVC is not bound');
  if (!p.spec?.volumeName) throw wrap('PVC has empty pvc.Spec.VolumeName');
  return p.spec.volumeName;
}

export async function resolveClaim(pod: KubeObject, volName: string, claimName: string, readOnly: boolean, deps: VolumeDeps): Promise<VolumeMount> {
  const ns = pod.metadata?.namespace ?? 'default';
  if (!deps.getPersistentVolumeClaim || !deps.getPersistentVolume) throw new Error('persistentVolumeClaim volumes need getPersistentVolumeClaim and getPersistentVolume');
  const pvc = await deps.getPersistentVolumeClaim(ns, claimName);
  const pvName = claimedVolumeName(ns, claimName, pvc);
  const pv = await deps.getPersistentVolume(pvName);
  if (!pv) throw new Error(`error processing PVC ${ns}/${claimName}: failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
  const spec = (pv as PvShape).spec ?? {};
  const ref = spec.claimRef;
  if (!ref) throw new Error(`error processing PVC ${ns}/${claimName}: found PV object ${pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
  if (ref.name !== claimName || ref.namespace !== ns || (ref.uid && ref.uid !== pvc!.metadata?.uid)) {
    throw new Error(`error processing PVC ${ns}/${claimName}: found PV object ${pvName} but its pv.Spec.ClaimRef does not point to claim`);
  }
  const path = spec.local?.path ?? spec.hostPath?.path;
  if (!path) throw new Error(`error processing PVC ${ns}/${claimName}: no volume plugin matched`);
  // The provisioner's helper pod made the directory (world-writable) on first use; here the agent does.
  if (pv.metadata?.annotations?.[PROVISIONED_BY] === 'rancher.io/local-path') {
    if ((await mkdir(path, { recursive: true })) !== undefined) await chmod(path, 0o777);
  }
  return { name: volName, plugin: spec.local ? 'kubernetes.io~local-volume' : 'kubernetes.io~host-path', hostPath: path, readOnly };
}

// PersistentVolume, PersistentVolumeClaim and StorageClass rows.

import type { KubeObject } from '../object.js';
import { arr, get, has, quantity, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import type { Printer } from './types.js';

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetAccessModesAsString: fixed order, duplicates dropped. */
export function accessModes(modes: unknown[]): string {
  const has_ = (m: string) => modes.includes(m);
  const out: string[] = [];
  if (has_('ReadWriteOnce')) out.push('RWO');
  if (has_('ReadOnlyMany')) out.push('ROX');
  if (has_('ReadWriteMany')) out.push('RWX');
  if (has_('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

function storageClassOf(o: KubeObject): string {
  const ann = o.metadata?.annotations?.[betaStorageClassAnnotation];
  if (ann !== undefined) return ann;
  return str(o, 'spec', 'storageClassName');
}

const phaseOf = (o: KubeObject): string => (o.metadata?.deletionTimestamp ? 'Terminating' : str(o, 'status', 'phase'));
const unset = (o: unknown, ...path: string[]): string => (has(o, ...path) ? str(o, ...path) : '<unset>');

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Capacity', 'string', 'Storage capacity of the volume.'),
    col('Access Modes', 'string', 'Ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'Lifecycle phase of the volume.'),
    col('Claim', 'string', 'Claim bound to the volume, as namespace/name.'),
    col('StorageClass', 'string', 'Storage class of the volume.'),
    col('VolumeAttributesClass', 'string', 'Volume attributes class of the volume.'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn(),
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells(pv, now) {
    const claim = has(pv, 'spec', 'claimRef') ? `${str(pv, 'spec', 'claimRef', 'namespace')}/${str(pv, 'spec', 'claimRef', 'name')}` : '';
    return [
      nameOf(pv),
      quantity(get(pv, 'spec', 'capacity', 'storage')),
      accessModes(arr(pv, 'spec', 'accessModes')),
      str(pv, 'spec', 'persistentVolumeReclaimPolicy'),
      phaseOf(pv),
      claim,
      storageClassOf(pv),
      unset(pv, 'spec', 'volumeAttributesClassName'),
      str(pv, 'status', 'reason'),
      ageOf(pv, now),
      unset(pv, 'spec', 'volumeMode'),
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Lifecycle phase of the claim.'),
    col('Volume', 'string', 'Volume bound to the claim.'),
    col('Capacity', 'string', 'Capacity of the bound volume.'),
    col('Access Modes', 'string', 'Access modes of the bound volume.'),
    col('StorageClass', 'string', 'Storage class requested by the claim.'),
    col('VolumeAttributesClass', 'string', 'Volume attributes class requested by the claim.'),
    ageColumn(),
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells(pvc, now) {
    const volumeName = str(pvc, 'spec', 'volumeName');
    let capacity = '';
    let modes = '';
    if (volumeName !== '') {
      modes = accessModes(arr(pvc, 'status', 'accessModes'));
      capacity = quantity(get(pvc, 'status', 'capacity', 'storage'));
    }
    return [
      nameOf(pvc),
      phaseOf(pvc),
      volumeName,
      capacity,
      modes,
      storageClassOf(pvc),
      unset(pvc, 'spec', 'volumeAttributesClassName'),
      ageOf(pvc, now),
      unset(pvc, 'spec', 'volumeMode'),
    ];
  },
};

/** storageutil.IsDefaultAnnotation: the GA or beta is-default-class annotation set to "true". */
export function isDefaultStorageClass(o: KubeObject): boolean {
  const a = o.metadata?.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Provisioner', 'string', 'Volume plugin that provisions volumes of this class.'),
    col('ReclaimPolicy', 'string', 'Reclaim policy of provisioned volumes.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    col('AllowVolumeExpansion', 'string', 'Whether claims of this class can grow.'),
    ageColumn(),
  ],
  cells(sc, now) {
    const name = nameOf(sc) + (isDefaultStorageClass(sc) ? ' (default)' : '');
    return [
      name,
      str(sc, 'provisioner'),
      str(sc, 'reclaimPolicy') || 'Delete',
      str(sc, 'volumeBindingMode') || 'Immediate',
      get(sc, 'allowVolumeExpansion') === true,
      ageOf(sc, now),
    ];
  },
};

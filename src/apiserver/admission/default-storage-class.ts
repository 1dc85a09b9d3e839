// DefaultStorageClass: a claim created without spec.storageClassName gets the default class (the
// one annotated storageclass.kubernetes.io/is-default-class=true; the newest when several are),
// as upstream's admission plugin does. An explicit "" keeps a claim classless.

import { defaultClass } from '../../api/storage-class.js';
import type { AdmissionPlugin } from '../context.js';
import { watchedCache } from './watched-cache.js';

export const defaultStorageClass: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  async admit(a, server) {
    if (a.operation !== 'CREATE' || a.subresource || a.type.group !== '' || a.type.resource !== 'persistentvolumeclaims' || !a.object) return;
    const spec = (a.object.spec ??= {}) as { storageClassName?: string | null };
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    const sc = defaultClass(await watchedCache(server, 'storage.k8s.io', 'storageclasses').list(''));
    if (sc?.metadata?.name) spec.storageClassName = sc.metadata.name;
  },
};

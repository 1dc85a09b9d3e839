// Which StorageClass is the default: upstream's GetDefaultClass, shared by the DefaultStorageClass
// admission plugin and the provisioners that serve class-less claims.

import type { KubeObject } from './object.js';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata?.annotations ?? {};
  return DEFAULT_ANNOTATIONS.some((k) => a[k] === 'true');
}

/** Among several defaults the newest wins (then the name), as upstream since 1.28. */
export function defaultClass(classes: KubeObject[]): KubeObject | undefined {
  return classes
    .filter(isDefaultClass)
    .sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)))[0];
}

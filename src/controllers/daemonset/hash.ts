// The DaemonSet's template hash (controller-revision-hash), from the shared controller.ComputeHash.

import type { KubeObject } from '../../api/object.js';
import { computeHash } from '../util/hash.js';

export function daemonSetTemplateHash(ds: KubeObject): string {
  const spec = (ds.spec ?? {}) as Record<string, unknown>;
  const cc = ((ds.status ?? {}) as Record<string, unknown>).collisionCount;
  return computeHash(spec.template, typeof cc === 'number' ? cc : undefined);
}

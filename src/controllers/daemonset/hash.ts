// The DaemonSet revision hash (upstream's controller.ComputeHash): FNV-32a over the pod
// template, then the collision count as 8 little-endian bytes, safe-encoded. Upstream feeds the
// hasher a spew dump of the Go struct; here the template's canonical JSON stands in for it, so the
// values differ from upstream's while keeping its properties (stable, collision-count aware).

import type { KubeObject } from '../../api/object.js';
import { goJsonMarshal } from '../history/go-json.js';
import { fnv32a, safeEncodeString } from '../history/hash.js';

export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(goJsonMarshal(template ?? {}), 'utf8'));
  if (collisionCount !== undefined) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

export function daemonSetTemplateHash(ds: KubeObject): string {
  const spec = (ds.spec ?? {}) as Record<string, unknown>;
  const cc = ((ds.status ?? {}) as Record<string, unknown>).collisionCount;
  return computeTemplateHash(spec.template, typeof cc === 'number' ? cc : undefined);
}

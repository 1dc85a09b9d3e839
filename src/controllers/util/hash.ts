// controller.ComputeHash, shared by the Deployment (pod-template-hash) and DaemonSet
// (controller-revision-hash) controllers: FNV-32a over the pod template, then the collision
// count as 8 little-endian bytes, safe-encoded. Upstream feeds the hasher Go's printed form of
// the struct, which cannot be reproduced here; Go-style sorted JSON keeps its properties (stable
// whatever the key order, changed by any edit and by collisionCount), not its values.

import { goJsonMarshal } from '../history/go-json.js';
import { fnv32a, safeEncodeString } from '../history/hash.js';

export function computeHash(template: unknown, collisionCount?: number | null): string {
  let h = fnv32a(Buffer.from(goJsonMarshal(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

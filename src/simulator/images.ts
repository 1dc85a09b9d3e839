// What a simulated runtime reports for an image: IDs are stable hex digests of the name, normalized
// as the real kubelet normalizes it (kubelet/kuberuntime/image-ref.ts), and pulls fail as containerd's do.

import { createHash } from 'node:crypto';
import { normalizeImage } from '../kubelet/kuberuntime/image-ref.js';

export function hex64(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** The imageID a runtime reports: repository@sha256:digest. */
export function imageId(image: string): string {
  const n = normalizeImage(image);
  if (n.includes('@')) return n;
  const repo = n.slice(0, n.lastIndexOf(':'));
  return `${repo}@sha256:${hex64(`image:${n}`)}`;
}

/** containerd's pull failure for an image that does not exist, as the kubelet reports it. */
export function pullErrorMessage(image: string): string {
  const n = normalizeImage(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${n}": failed to resolve reference "${n}": ${n}: not found`;
}

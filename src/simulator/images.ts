// Image names as a container runtime reports them: "nginx" is docker.io/library/nginx:latest, and
// image and container IDs are stable hex digests derived from the name.

import { createHash } from 'node:crypto';

/** containerd's normalized reference: registry, repository path and tag (or digest). */
export function normalizeImage(image: string): string {
  let name = image;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = `docker.io/${slash < 0 ? 'library/' : ''}${name}`;
  const lastSlash = name.lastIndexOf('/');
  const tail = name.slice(lastSlash + 1);
  if (!tail.includes(':') && !tail.includes('@')) name += ':latest';
  return name;
}

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

/** The kubelet pulls again on every start when the tag is :latest or missing, unless told otherwise. */
export function pullPolicy(image: string, policy: string | undefined): string {
  if (policy) return policy;
  const tail = image.slice(image.lastIndexOf('/') + 1);
  if (tail.includes('@')) return 'IfNotPresent';
  const colon = tail.indexOf(':');
  return colon < 0 || tail.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

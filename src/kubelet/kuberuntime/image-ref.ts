// Image references as a containerd-based node reports them: "nginx" is
// docker.io/library/nginx:latest; the default pull policy follows the tag.

/** containerd's normalized reference: registry, repository path and tag (or digest). */
export function normalizeImage(image: string): string {
  if (!image) return image;
  let name = image;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = `docker.io/${slash < 0 ? 'library/' : ''}${name}`;
  const tail = name.slice(name.lastIndexOf('/') + 1);
  if (!tail.includes(':') && !tail.includes('@')) name += ':latest';
  return name;
}

/** The pull policy a container gets when the pod does not say (the API server defaults it the same way). */
export function pullPolicyOf(image: string, policy: string | undefined): 'Always' | 'IfNotPresent' | 'Never' {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  const tail = image.slice(image.lastIndexOf('/') + 1);
  if (tail.includes('@')) return 'IfNotPresent';
  const colon = tail.indexOf(':');
  return colon < 0 || tail.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

// Parses a request path into what it addresses (upstream's RequestInfoFactory): API group,
// version, namespace, resource, name, subresource and the verb, so every later stage (authz,
// admission, metrics, the verb handlers) reads one structure instead of the URL.

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource paths the lower-cased HTTP method. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the resource name beyond the subresource (e.g. pods/x/proxy/a/b). */
  parts: string[];
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const info: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] };
  let segs = path.split('/').filter((s) => s !== '').map(decodeURIComponentSafe);
  if (segs.length === 0) return info;
  if (segs[0] !== 'api' && segs[0] !== 'apis') return info;
  info.apiPrefix = segs[0];
  segs = segs.slice(1);
  if (info.apiPrefix === 'apis') {
    if (segs.length < 2) return info; // /apis, /apis/<group>: discovery
    info.apiGroup = segs[0];
    segs = segs.slice(1);
  }
  if (segs.length < 2) {
    if (segs.length === 1) info.apiVersion = segs[0];
    return info; // /api, /api/v1: discovery
  }
  info.apiVersion = segs[0];
  segs = segs.slice(1);
  info.isResourceRequest = true;
  let verb = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();

  // Deprecated /watch/ prefix: /api/v1/watch/namespaces/x/pods
  if (segs[0] === 'watch') {
    verb = 'watch';
    segs = segs.slice(1);
  }
  if (segs[0] === 'namespaces') {
    if (segs.length > 1) {
      info.namespace = segs[1];
      // /namespaces/<ns> is the namespace object itself; /namespaces/<ns>/<resource>... is namespaced.
      if (segs.length > 2 && segs[2] !== 'finalize' && segs[2] !== 'status') segs = segs.slice(2);
    }
  }
  info.parts = segs;
  if (info.parts.length >= 3) info.subresource = info.parts[2];
  if (info.parts.length >= 2) info.name = info.parts[1];
  info.resource = info.parts[0] ?? '';
  if (info.resource === 'namespaces' && info.parts.length >= 2) info.namespace = info.parts[1];

  const watchParam = url.searchParams.get('watch');
  if (verb === 'get' && !info.name) verb = watchParam === 'true' || watchParam === '1' ? 'watch' : 'list';
  else if (verb === 'watch' && info.name) {
    // /watch/.../pods/name is a watch on one object, kept as watch
  }
  if (verb === 'delete' && !info.name) verb = 'deletecollection';
  info.verb = verb;
  return info;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// A seeded request fuzzer for the API server: random methods, paths made of real and mutated
// segments, random query parameters, content types and bodies mutated from valid objects. The
// same seed always yields the same requests, so a failure names the seed and index to replay.

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** mulberry32: tiny, fast and good enough to spread inputs; reproducible from one number. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rand {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'PUT', 'PATCH', 'PATCH', 'PATCH', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND'];

/** Collections the fuzzer aims at (prefix, namespaced), chosen to cover core, grouped and cluster-scoped kinds. */
const COLLECTIONS: { prefix: string; resource: string; namespaced: boolean; kind: string; apiVersion: string }[] = [
  { prefix: '/api/v1', resource: 'pods', namespaced: true, kind: 'Pod', apiVersion: 'v1' },
  { prefix: '/api/v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap', apiVersion: 'v1' },
  { prefix: '/api/v1', resource: 'services', namespaced: true, kind: 'Service', apiVersion: 'v1' },
  { prefix: '/api/v1', resource: 'secrets', namespaced: true, kind: 'Secret', apiVersion: 'v1' },
  { prefix: '/api/v1', resource: 'namespaces', namespaced: false, kind: 'Namespace', apiVersion: 'v1' },
  { prefix: '/api/v1', resource: 'nodes', namespaced: false, kind: 'Node', apiVersion: 'v1' },
  { prefix: '/apis/apps/v1', resource: 'deployments', namespaced: true, kind: 'Deployment', apiVersion: 'apps/v1' },
  { prefix: '/apis/batch/v1', resource: 'jobs', namespaced: true, kind: 'Job', apiVersion: 'batch/v1' },
  { prefix: '/apis/rbac.authorization.k8s.io/v1', resource: 'clusterroles', namespaced: false, kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1' },
  { prefix: '/apis/networking.k8s.io/v1', resource: 'ingresses', namespaced: true, kind: 'Ingress', apiVersion: 'networking.k8s.io/v1' },
];

const SUBRESOURCES = ['status', 'scale', 'log', 'exec', 'binding', 'eviction', 'finalize', 'token', 'ephemeralcontainers', 'proxy', 'attach', 'portforward', 'nope'];

/** Valid bodies of each kind, the raw material the mutators start from. */
export function validObject(kind: string, apiVersion: string, name: string): Record<string, unknown> {
  const meta = { name, labels: { fuzz: 'true' }, annotations: { note: 'fuzz' } };
  const podSpec = { containers: [{ name: 'c', image: 'nginx:alpine', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] }] };
  const base = { apiVersion, kind, metadata: meta };
  switch (kind) {
    case 'Pod':
      return { ...base, spec: podSpec };
    case 'ConfigMap':
      return { ...base, data: { a: 'b', 'c.txt': 'line\n' } };
    case 'Secret':
      return { ...base, type: 'Opaque', stringData: { password: 'x' } };
    case 'Service':
      return { ...base, spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } };
    case 'Deployment':
      return { ...base, spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: podSpec } } };
    case 'Job':
      return { ...base, spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } };
    case 'ClusterRole':
      return { ...base, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
    case 'Ingress':
      return { ...base, spec: { rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } };
    default:
      return { ...base };
  }
}

const WEIRD_STRINGS = ['', ' ', 'A', '-', '..', '.', 'a'.repeat(300), 'ü', '\u0000', '\ud800', '日本語', '😀', '${x}', '%00', '../../etc', 'a/b', 'x'.repeat(70_000), '\n', '"', '\\', 'null', 'true', '0', '-1', '1e309'];
const WEIRD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, '', 'x', [], {}, [null], { '': '' }, { $patch: 'delete' }, ['a', 1, null, {}]];

function weirdValue(r: Rand): unknown {
  return r.chance(0.5) ? r.pick(WEIRD_STRINGS) : r.pick(WEIRD_VALUES);
}

/** Every (container, key) pair inside a JSON value, for picking a random spot to mutate. */
function spots(v: unknown, out: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [], depth = 0): typeof out {
  if (depth > 12) return out;
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ holder: v, key: i });
      spots(x, out, depth + 1);
    });
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push({ holder: v as Record<string, unknown>, key: k });
      spots(x, out, depth + 1);
    }
  }
  return out;
}

// Deep nesting is spliced in as text after encoding: nesting real objects would overflow the
// fuzzer's own stack before the server's.
const DEEP = '\u0001deep:';

function expandDeep(text: string): string {
  return text.replace(/"\\u0001deep:(\d+)"/g, (_m, n: string) => {
    const d = Number(n);
    return `${'{"a":['.repeat(d)}1${']}'.repeat(d)}`;
  });
}

/** Structural mutations: type swaps, deletions, insertions of unknown fields, deep nesting, huge values. */
export function mutateValue(r: Rand, obj: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const all = spots(copy);
    if (all.length === 0) break;
    const s = r.pick(all);
    const set = (v: unknown) => {
      if (Array.isArray(s.holder)) s.holder[s.key as number] = v;
      else s.holder[s.key as string] = v;
    };
    switch (r.int(8)) {
      case 0:
        set(weirdValue(r));
        break;
      case 1:
        if (Array.isArray(s.holder)) s.holder.splice(s.key as number, 1);
        else delete s.holder[s.key as string];
        break;
      case 2:
        if (!Array.isArray(s.holder)) s.holder[r.pick(['unknownField', 'x-y', '', '$patch', '$retainKeys', 'apiVersion', 'metadata', 'status', '__proto__', 'constructor'])] = weirdValue(r);
        break;
      case 3:
        set(`${DEEP}${r.pick([10, 100, 1000, 20_000, 200_000])}`);
        break;
      case 4:
        set(r.pick(WEIRD_STRINGS).repeat(1 + r.int(50)));
        break;
      case 5: {
        const v = Array.isArray(s.holder) ? s.holder[s.key as number] : s.holder[s.key as string];
        set(Array.isArray(v) ? { 0: v[0] } : typeof v === 'object' && v !== null ? [v] : typeof v === 'string' ? Number(v.length) : String(v));
        break;
      }
      case 6:
        set(Array.from({ length: 1 + r.int(200) }, (_, j) => ({ name: `n${j % 7}`, value: j })));
        break;
      default:
        if (!Array.isArray(s.holder)) s.holder[s.key as string] = { ...(typeof s.holder[s.key as string] === 'object' ? (s.holder[s.key as string] as object) : {}), [r.pick(WEIRD_STRINGS).slice(0, 40)]: weirdValue(r) };
    }
  }
  return copy;
}

/** Byte-level mutations of an encoded body: bit flips, truncation, splices, invalid UTF-8. */
export function mutateBytes(r: Rand, buf: Buffer): Buffer {
  const b = Buffer.from(buf);
  switch (r.int(6)) {
    case 0: {
      for (let i = 0, n = 1 + r.int(8); i < n && b.length; i++) b[r.int(b.length)] ^= 1 << r.int(8);
      return b;
    }
    case 1:
      return b.subarray(0, r.int(b.length + 1));
    case 2: {
      const at = r.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.from(r.pick(['{', '}', '[', ']', '"', ',', ':', '\\u', '\xff\xfe', '\u0000', '---\n', '&a', '*a', '!!binary', '\t']), 'latin1'), b.subarray(at)]);
    }
    case 3:
      return Buffer.concat([b, b]);
    case 4: {
      const at = r.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(10)))]);
    }
    default:
      return Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256)));
  }
}

function toYaml(v: unknown, indent = ''): string {
  // A deliberately simple emitter: JSON is valid YAML, but block style exercises the YAML parser more.
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : v.map((x) => `\n${indent}- ${toYaml(x, `${indent}  `).trimStart()}`).join('');
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  return entries.map(([k, x]) => `\n${indent}${JSON.stringify(k)}: ${toYaml(x, `${indent}  `)}`).join('');
}

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  ';;;',
  '',
];

const ACCEPTS = [
  undefined,
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/vnd.kubernetes.protobuf,application/json',
  'text/html',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  '*/*',
  'garbage;;=',
  'application/json;as=Table;v=v9;g=meta.k8s.io',
];

const QUERY_KEYS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'fieldValidation', 'fieldManager', 'dryRun', 'force', 'propagationPolicy', 'gracePeriodSeconds', 'includeObject', 'watch', 'pretty', 'orphanDependents', 'sendInitialEvents', 'allowWatchBookmarks', 'container', 'follow', 'tailLines', 'x'];
const QUERY_VALUES = ['', 'true', 'false', '0', '-1', '1', '99999999999999999999', 'abc', 'All', 'Strict', 'Warn', 'Ignore', 'Bogus', 'Exact', 'NotOlderThan', 'a=b', 'a!=b,c', 'a in (b', 'metadata.name=x', 'spec.nodeName', '!', '=', '==', 'a=b=c', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', '%ZZ', 'Object', 'None', 'Foreground', 'x'.repeat(300), '1.5', 'ü'];

/** Percent-encodes every byte; unlike encodeURIComponent it accepts lone surrogates. */
function pctEncode(s: string): string {
  return [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

function segment(r: Rand, real: string): string {
  switch (r.int(10)) {
    case 0:
      return real.toUpperCase();
    case 1:
      return real + r.pick(['x', '.', '-', '%2F', '%00', '..']);
    case 2:
      return pctEncode(r.pick(WEIRD_STRINGS).slice(0, 80)) || '%20';
    case 3:
      return real.slice(0, Math.max(1, real.length - 1));
    default:
      return real;
  }
}

export interface FuzzTarget {
  /** A name that exists in `namespace` for each collection, so some requests reach real objects. */
  existing: Record<string, string>;
  namespace: string;
}

/** The i-th request of a run: deterministic in (seed, i) alone, so one case replays on its own. */
export function fuzzRequest(seed: number, i: number, target: FuzzTarget): FuzzRequest {
  const r = new Rand(prng((seed * 1_000_003 + i) >>> 0));
  const c = r.pick(COLLECTIONS);
  const method = r.pick(METHODS);
  const ns = r.chance(0.8) ? target.namespace : r.pick(['kube-system', 'nope', 'UPPER', 'default']);
  const existing = target.existing[c.resource];
  const name = r.chance(0.7) && existing ? existing : r.pick(['fuzz-new', 'x', existing ?? 'y', 'UPPER', 'a'.repeat(260), '.', '..']);
  const segs: string[] = [...c.prefix.split('/').filter(Boolean)];
  if (c.namespaced && r.chance(0.9)) segs.push('namespaces', ns);
  else if (!c.namespaced && r.chance(0.1)) segs.push('namespaces', ns);
  segs.push(c.resource);
  const withName = method !== 'POST' || r.chance(0.1) ? r.chance(0.75) : false;
  if (withName) segs.push(name);
  if (withName && r.chance(0.1)) segs.push(r.pick(SUBRESOURCES));
  if (r.chance(0.05)) segs.push('extra');
  const mutated = segs.map((s) => (r.chance(0.06) ? segment(r, s) : s));
  // The /watch/ prefix only with GET: k8ts treats other methods there as watches too (reported).
  if (method === 'GET' && r.chance(0.04)) mutated.splice(2, 0, 'watch');
  let path = `/${mutated.join('/')}`;
  if (r.chance(0.03)) path = r.pick(['/', '//', '/api', '/apis', '/apis/apps', '/api/v1/', '/apis/x/v1/y', '/openapi/v3/api/v1', '/openapi/v3/nope', '/version', '/metrics', '/livez', `${path}//`, `${path}/.`, '/api/v1/namespaces//pods']);
  const q = new URLSearchParams();
  const nq = r.chance(0.5) ? r.int(4) : 0;
  for (let k = 0; k < nq; k++) q.append(r.pick(QUERY_KEYS), r.pick(QUERY_VALUES));
  if (method === 'GET') q.set('timeoutSeconds', '1'); // no watch may hang the run
  if (method === 'GET' && q.get('follow') !== null) q.delete('follow');
  const qs = q.toString();
  if (qs) path += `?${qs}`;
  if (path.includes('/watch/')) path += `${qs ? '&' : '?'}timeoutSeconds=1`;

  const headers: Record<string, string> = {};
  const accept = r.chance(0.3) ? r.pick(ACCEPTS) : undefined;
  if (accept) headers.accept = accept;
  let body: Buffer | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || (method === 'DELETE' && r.chance(0.3))) {
    const obj = validObject(r.chance(0.9) ? c.kind : 'Service', r.chance(0.95) ? c.apiVersion : r.pick(['v2', 'apps/v2', '', 'x/y/z']), withName ? name : 'fuzz-new');
    let ct = r.pick(CONTENT_TYPES);
    if (method === 'PATCH' && r.chance(0.7)) ct = r.pick(CONTENT_TYPES.slice(4, 8));
    let value: unknown = r.chance(0.7) ? mutateValue(r, obj) : obj;
    if (ct === 'application/json-patch+json' && r.chance(0.7)) {
      value = [{ op: r.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', '']), path: r.pick(['/metadata/labels/a', '/spec/replicas', '/x/y/z', '', '/', '/metadata/name', '/spec/containers/-', '/spec/containers/99', '/data/~2', 'no-slash']), value: weirdValue(r), from: r.pick(['/metadata/labels', '/nope', '']) }];
    }
    let bytes: Buffer = Buffer.from(expandDeep(ct.includes('yaml') && r.chance(0.7) ? toYaml(value) : JSON.stringify(value) ?? ''));
    if (ct === 'application/vnd.kubernetes.protobuf') bytes = Buffer.concat([r.chance(0.6) ? Buffer.from('k8s\0', 'latin1') : Buffer.alloc(0), mutateBytes(r, bytes)]);
    else if (r.chance(0.35)) bytes = mutateBytes(r, bytes);
    if (r.chance(0.03)) bytes = Buffer.alloc(0);
    body = bytes;
    if (ct) headers['content-type'] = ct;
  }
  return { method, path, headers, body };
}

// Image references as the docker/distribution reference grammar defines them, normalized the way
// containerd's CRI does before it pulls (`nginx` → `docker.io/library/nginx:latest`).

export class InvalidReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReferenceError';
  }
}

export interface ImageReference {
  /** Registry host as written (`docker.io`, `k8s.gcr.io`, `127.0.0.1:5000`). */
  domain: string;
  /** Repository path inside the registry (`library/nginx`). */
  path: string;
  tag?: string;
  /** "sha256:<hex>" when pinned. */
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_MAX = 255;

// Grammar pieces, in the order distribution/reference composes them.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)`;
const REFERENCE_RE = new RegExp(`^${NAME}(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
export const TAG_RE = new RegExp(`^${TAG}$`);

function validateDigest(d: string): void {
  const [alg, hex] = d.split(':', 2) as [string, string];
  if (alg !== 'sha256' && alg !== 'sha384' && alg !== 'sha512') throw new InvalidReferenceError('unsupported digest algorithm');
  const want = alg === 'sha256' ? 64 : alg === 'sha384' ? 96 : 128;
  if (!/^[a-f0-9]+$/.test(hex)) throw new InvalidReferenceError('invalid checksum digest format');
  if (hex.length !== want) throw new InvalidReferenceError('invalid checksum digest length');
}

/** Parses a reference exactly as written (no docker.io defaulting); throws InvalidReferenceError. */
export function parseReference(s: string): ImageReference {
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    if (s === '') throw new InvalidReferenceError('repository name must have at least one component');
    if (REFERENCE_RE.test(s.toLowerCase())) throw new InvalidReferenceError('repository name must be lowercase');
    throw new InvalidReferenceError('invalid reference format');
  }
  const [, domain = '', path = '', tag, digest] = m;
  if ((domain ? domain.length + 1 : 0) + path.length > NAME_MAX) {
    throw new InvalidReferenceError(`repository name must not be more than ${NAME_MAX} characters`);
  }
  if (digest) validateDigest(digest);
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Docker Hub naming: a first component without '.', ':' or uppercase that is not `localhost` is a
 * path, not a host; single-component Hub names live under `library/`. A reference without tag or
 * digest gets `:latest`.
 */
export function parseNormalizedReference(s: string): ImageReference {
  if (IDENTIFIER_RE.test(s)) {
    throw new InvalidReferenceError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  let domain: string;
  let remainder: string;
  const i = s.indexOf('/');
  const first = i === -1 ? '' : s.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = s;
  } else {
    domain = first;
    remainder = s.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  const at = remainder.indexOf('@');
  const nameAndTag = at === -1 ? remainder : remainder.slice(0, at);
  const colon = nameAndTag.indexOf(':');
  const remoteName = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const ref = parseReference(`${domain}/${remainder}`);
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = 'latest';
  return ref;
}

/** "docker.io/library/nginx" */
export function repositoryName(r: ImageReference): string {
  return r.domain ? `${r.domain}/${r.path}` : r.path;
}

/** "docker.io/library/nginx:latest", "x/y@sha256:…", "x/y:tag@sha256:…" */
export function formatReference(r: ImageReference): string {
  return `${repositoryName(r)}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** The short form `docker images` shows: `nginx:latest`, `akalipetis/headers:latest`. */
export function familiarName(r: ImageReference): string {
  let name = repositoryName(r);
  if (r.domain === DEFAULT_DOMAIN) {
    name = r.path.startsWith(OFFICIAL_REPO_PREFIX) ? r.path.slice(OFFICIAL_REPO_PREFIX.length) : r.path;
  }
  return `${name}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/** The host that serves a registry's API: Docker Hub's name differs from its reference domain. */
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
}

/** Normalizes, or returns the error message upstream would print for a bad reference. */
export function normalizeReference(s: string): string {
  return formatReference(parseNormalizedReference(s));
}

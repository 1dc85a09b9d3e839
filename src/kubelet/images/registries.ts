// Registry mirrors, insecure registries and credentials from a file shaped like k3s's
// registries.yaml, and the pure resolution of which endpoints a pull tries, in order.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { AuthConfig } from '../cri/types.js';
import { registryHost } from './reference.js';

export interface RegistryMirror {
  /** Endpoint URLs tried in order before the registry's own endpoint. */
  endpoints: string[];
  /** Regex → replacement on the repository path, for this mirror's endpoints (k3s `rewrite`). */
  rewrite?: Record<string, string>;
}

export interface RegistryTlsConfig {
  insecureSkipVerify?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface RegistryHostConfig {
  auth?: AuthConfig;
  tls?: RegistryTlsConfig;
}

export interface RegistriesConfig {
  /** Keyed by the reference's registry domain (`docker.io`) or `*`. */
  mirrors: Record<string, RegistryMirror>;
  /** Keyed by endpoint host (`127.0.0.1:5000`, `registry-1.docker.io`) or `*`. */
  configs: Record<string, RegistryHostConfig>;
  /**
   * Never fall back to the registry itself when a mirror is configured for it (k3s's
   * --disable-default-registry-endpoint): keeps pulls of test clusters on their loopback mirror.
   * Not a file key; set by the caller.
   */
  disableDefaultEndpoint?: boolean;
}

export interface RegistryEndpoint {
  /** API root without trailing slash, ending in /v2: `http://127.0.0.1:5000/v2`. */
  url: string;
  /** host[:port] of the endpoint, as used for configs and token caches. */
  host: string;
  /** http:// endpoints speak plain HTTP. */
  plainHttp: boolean;
  insecureSkipVerify: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Credentials configured for this host in the file. */
  auth?: AuthConfig;
  /** Repository path to ask this endpoint for (after mirror rewrites). */
  repository: string;
  /** False for the registry's own (default) endpoint. */
  mirror: boolean;
}

export function emptyRegistriesConfig(): RegistriesConfig {
  return { mirrors: {}, configs: {} };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${where}: expected a string`);
  return v;
}

/** Parses registries.yaml text; `source` names the file in errors. */
export function parseRegistriesConfig(text: string, source = 'registries.yaml'): RegistriesConfig {
  const doc: unknown = parseYaml(text);
  const out = emptyRegistriesConfig();
  if (doc === null || doc === undefined) return out;
  if (!isRecord(doc)) throw new Error(`${source}: expected a mapping with "mirrors" and "configs"`);
  for (const k of Object.keys(doc)) if (k !== 'mirrors' && k !== 'configs') throw new Error(`${source}: unknown key "${k}"`);
  if (doc.mirrors !== undefined && doc.mirrors !== null) {
    if (!isRecord(doc.mirrors)) throw new Error(`${source}: mirrors: expected a mapping`);
    for (const [name, m] of Object.entries(doc.mirrors)) {
      const where = `${source}: mirrors.${name}`;
      if (!isRecord(m)) throw new Error(`${where}: expected a mapping`);
      const raw = m.endpoint ?? m.endpoints ?? [];
      const list = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(list) || list.some((e) => typeof e !== 'string')) throw new Error(`${where}.endpoint: expected a list of URLs`);
      for (const e of list as string[]) {
        let u: URL;
        try { u = new URL(e); } catch { throw new Error(`${where}.endpoint: invalid URL "${e}"`); }
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${where}.endpoint: "${e}" must be http:// or https://`);
      }
      const mirror: RegistryMirror = { endpoints: list as string[] };
      if (m.rewrite !== undefined && m.rewrite !== null) {
        if (!isRecord(m.rewrite)) throw new Error(`${where}.rewrite: expected a mapping`);
        mirror.rewrite = {};
        for (const [re, rep] of Object.entries(m.rewrite)) {
          try { new RegExp(re); } catch { throw new Error(`${where}.rewrite: invalid regular expression "${re}"`); }
          mirror.rewrite[re] = str(rep, `${where}.rewrite.${re}`) ?? '';
        }
      }
      out.mirrors[name] = mirror;
    }
  }
  if (doc.configs !== undefined && doc.configs !== null) {
    if (!isRecord(doc.configs)) throw new Error(`${source}: configs: expected a mapping`);
    for (const [host, c] of Object.entries(doc.configs)) {
      const where = `${source}: configs.${host}`;
      if (!isRecord(c)) throw new Error(`${where}: expected a mapping`);
      const hc: RegistryHostConfig = {};
      if (isRecord(c.auth)) {
        const a = c.auth;
        hc.auth = {};
        const username = str(a.username, `${where}.auth.username`);
        const password = str(a.password, `${where}.auth.password`);
        const auth = str(a.auth, `${where}.auth.auth`);
        const identityToken = str(a.identity_token ?? a.identitytoken, `${where}.auth.identity_token`);
        if (username !== undefined) hc.auth.username = username;
        if (password !== undefined) hc.auth.password = password;
        if (auth !== undefined) hc.auth.auth = auth;
        if (identityToken !== undefined) hc.auth.identityToken = identityToken;
      } else if (c.auth !== undefined && c.auth !== null) throw new Error(`${where}.auth: expected a mapping`);
      if (isRecord(c.tls)) {
        const t = c.tls;
        hc.tls = {};
        if (t.insecure_skip_verify !== undefined) {
          if (typeof t.insecure_skip_verify !== 'boolean') throw new Error(`${where}.tls.insecure_skip_verify: expected true or false`);
          hc.tls.insecureSkipVerify = t.insecure_skip_verify;
        }
        const ca = str(t.ca_file, `${where}.tls.ca_file`);
        const cert = str(t.cert_file, `${where}.tls.cert_file`);
        const key = str(t.key_file, `${where}.tls.key_file`);
        if (ca !== undefined) hc.tls.caFile = ca;
        if (cert !== undefined) hc.tls.certFile = cert;
        if (key !== undefined) hc.tls.keyFile = key;
      } else if (c.tls !== undefined && c.tls !== null) throw new Error(`${where}.tls: expected a mapping`);
      out.configs[host] = hc;
    }
  }
  return out;
}

/** Reads a registries file; a missing file means no mirrors and no credentials. */
export function loadRegistriesConfig(path: string): RegistriesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegistriesConfig();
    throw e;
  }
  return parseRegistriesConfig(text, path);
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function apiRoot(u: URL): string {
  let path = u.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v2')) path += '/v2';
  return `${u.protocol}//${u.host}${path}`;
}

function applyRewrite(repository: string, rewrite: Record<string, string> | undefined): string {
  for (const [re, rep] of Object.entries(rewrite ?? {})) {
    const r = new RegExp(re);
    if (r.test(repository)) return repository.replace(r, rep);
  }
  return repository;
}

function hostConfig(config: RegistriesConfig, ...hosts: string[]): RegistryHostConfig | undefined {
  for (const h of hosts) if (config.configs[h]) return config.configs[h];
  return config.configs['*'];
}

function endpointFor(config: RegistriesConfig, u: URL, repository: string, mirror: boolean, extraHosts: string[] = []): RegistryEndpoint {
  const hc = hostConfig(config, u.host, ...extraHosts);
  const ep: RegistryEndpoint = {
    url: apiRoot(u),
    host: u.host,
    plainHttp: u.protocol === 'http:',
    insecureSkipVerify: hc?.tls?.insecureSkipVerify ?? false,
    repository,
    mirror,
  };
  if (hc?.tls?.caFile) ep.caFile = hc.tls.caFile;
  if (hc?.tls?.certFile) ep.certFile = hc.tls.certFile;
  if (hc?.tls?.keyFile) ep.keyFile = hc.tls.keyFile;
  if (hc?.auth && Object.keys(hc.auth).length > 0) ep.auth = hc.auth;
  return ep;
}

/**
 * The endpoints a pull of domain/repository tries, in order: the mirrors configured for the
 * domain (or for `*`), then the registry itself. Loopback registries default to plain HTTP, as
 * containerd's resolver does for localhost.
 */
export function resolveEndpoints(config: RegistriesConfig, domain: string, repository: string): RegistryEndpoint[] {
  const out: RegistryEndpoint[] = [];
  const mirror = config.mirrors[domain] ?? config.mirrors['*'];
  for (const e of mirror?.endpoints ?? []) {
    out.push(endpointFor(config, new URL(e), applyRewrite(repository, mirror?.rewrite), true));
  }
  if (config.disableDefaultEndpoint && mirror && mirror.endpoints.length > 0) return out;
  const host = registryHost(domain);
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? host;
  const scheme = isLoopbackHost(hostname) ? 'http' : 'https';
  const def = endpointFor(config, new URL(`${scheme}://${host}`), repository, false, host !== domain ? [domain] : []);
  if (!out.some((e) => e.url === def.url && e.repository === def.repository)) out.push(def);
  return out;
}

// Kubeconfigs: the admin one the server writes (CA, URL, admin client certificate), and reading
// one back for components that run in their own process.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';
import type { HttpsCredentials } from '../client/transport.js';

export interface KubeconfigParams {
  server: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  name?: string;
}

export function renderKubeconfig(p: KubeconfigParams): string {
  const name = p.name ?? 'default';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: p.server, 'certificate-authority-data': b64(p.caCert) } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user: { 'client-certificate-data': b64(p.clientCert), 'client-key-data': b64(p.clientKey) } }],
  });
}

export function writeKubeconfig(path: string, p: KubeconfigParams): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, renderKubeconfig(p), { mode: 0o600 });
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string; 'client-certificate'?: string; 'client-key'?: string; token?: string } }[];
}

/** The current context's server and credentials, for components that run outside the server. */
export function readKubeconfig(path: string): HttpsCredentials {
  const kc = parse(readFileSync(path, 'utf8')) as KubeconfigFile;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.context.user)?.user ?? {};
  if (!cluster) throw new Error(`${path}: no cluster for the current context`);
  const data = (inline: string | undefined, file: string | undefined) => (inline ? Buffer.from(inline, 'base64').toString() : file ? readFileSync(file, 'utf8') : undefined);
  return {
    server: cluster.server,
    ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']) ?? '',
    cert: data(user['client-certificate-data'], user['client-certificate']),
    key: data(user['client-key-data'], user['client-key']),
    token: user.token,
  };
}

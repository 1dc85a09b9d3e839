// The admin kubeconfig: the cluster's CA, the server URL, and the admin client certificate.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

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

// How `k8ts agent` on another machine joins a server, as k3s does it: the server keeps a node
// token at <dataDir>/server/node-token, `K10<sha256 of the cluster CA>::<credential>`. The agent
// trusts the CA the server presents only if its hash matches, then authenticates with the
// credential: a long-lived token of the kube-system/k8ts-node service account, which the
// k8ts:node ClusterRole gives what a kubelet needs (upstream uses node certificates and the Node
// authorizer; k8ts has neither yet).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatusError } from '../api/errors.js';
import type { Transport } from '../client/transport.js';

const NAMESPACE = 'kube-system';
const ACCOUNT = 'k8ts-node';
const ROLE = 'k8ts:node';
const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;

const RULES = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
  { apiGroups: [''], resources: ['nodes/status', 'pods/status'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['get', 'create', 'update', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
];

export function caHash(caCertPem: string): string {
  return createHash('sha256').update(caCertPem).digest('hex');
}

export function formatNodeToken(caCertPem: string, credential: string): string {
  return `K10${caHash(caCertPem)}::${credential}`;
}

/** The CA hash and credential of a node token; a bare credential has no hash. */
export function parseNodeToken(token: string): { caHash?: string; credential: string } {
  const m = /^K10([0-9a-f]{64})::(.+)$/.exec(token.trim());
  return m ? { caHash: m[1], credential: m[2] } : { credential: token.trim() };
}

async function ensure(t: Transport, collection: string, obj: { metadata: { name: string } } & Record<string, unknown>): Promise<void> {
  try {
    await t.request('POST', collection, obj);
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
  }
}

/** Makes the node account, its role and the token file when missing; returns the token. */
export async function ensureNodeToken(t: Transport, dataDir: string, caCertPem: string): Promise<string> {
  // A saved token for this CA means its account and role were made then: nothing to do at start-up.
  const file = join(dataDir, 'server', 'node-token');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (parseNodeToken(saved).caHash === caHash(caCertPem)) return saved;
  }
  await ensure(t, `/api/v1/namespaces/${NAMESPACE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ACCOUNT } });
  await ensure(t, '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: ROLE }, rules: RULES });
  await ensure(t, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: ROLE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ROLE },
    subjects: [{ kind: 'ServiceAccount', name: ACCOUNT, namespace: NAMESPACE }],
  });
  const review = await t.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${ACCOUNT}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { audiences: [], expirationSeconds: TEN_YEARS_SECONDS },
  });
  const token = formatNodeToken(caCertPem, review.status.token);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

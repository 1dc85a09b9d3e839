// User impersonation (Impersonate-User, -Group, -Uid, -Extra-* headers, kubectl --as/--as-group):
// each requested identity is checked as an `impersonate` permission of the real user, then the
// request proceeds as the impersonated user, as upstream's impersonation filter does.

import { errors } from '../../api/errors.js';
import { forbiddenReason } from '../authz/rbac.js';
import type { AuthorizationAttributes, ServerContext } from '../context.js';
import type { UserInfo } from '../types.js';

const SA_PREFIX = 'system:serviceaccount:';

/** Node joins repeated headers with ", "; each value is one requested identity. */
function values(v: string | undefined): string[] {
  return v === undefined ? [] : v.split(/,\s*/).map((s) => s.trim()).filter((s) => s !== '');
}

function decodeKey(k: string): string {
  try {
    return decodeURIComponent(k).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
}

/** Returns the user the request acts as: `user` itself when no Impersonate-* header is present. */
export async function impersonate(headers: Record<string, string | undefined>, user: UserInfo, server: ServerContext): Promise<UserInfo> {
  const username = headers['impersonate-user'];
  const groups = values(headers['impersonate-group']);
  const uid = headers['impersonate-uid'];
  const extra: Record<string, string[]> = {};
  for (const [h, v] of Object.entries(headers)) {
    if (h.startsWith('impersonate-extra-')) extra[decodeKey(h.slice('impersonate-extra-'.length))] = values(v);
  }
  const hasOthers = groups.length > 0 || uid !== undefined || Object.keys(extra).length > 0;
  if (username === undefined) {
    if (hasOthers) throw errors.badRequest('requested impersonation of groups, extra or uid without impersonating a user');
    return user;
  }

  const checks: AuthorizationAttributes[] = [];
  const base = { user, verb: 'impersonate', isResourceRequest: true, subresource: '' };
  let saNamespace: string | undefined;
  if (username.startsWith(SA_PREFIX)) {
    const [ns, name] = username.slice(SA_PREFIX.length).split(':');
    if (!ns || !name) throw errors.badRequest(`invalid service account username: "${username}"`);
    saNamespace = ns;
    checks.push({ ...base, apiGroup: '', resource: 'serviceaccounts', namespace: ns, name });
  } else {
    checks.push({ ...base, apiGroup: '', resource: 'users', namespace: '', name: username });
  }
  for (const g of groups) checks.push({ ...base, apiGroup: '', resource: 'groups', namespace: '', name: g });
  if (uid !== undefined) checks.push({ ...base, apiGroup: 'authentication.k8s.io', resource: 'uids', namespace: '', name: uid });
  for (const [k, vs] of Object.entries(extra)) for (const v of vs) checks.push({ ...base, apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: k, namespace: '', name: v });

  for (const a of checks) {
    const d = await server.authorizer.authorize(a, server);
    if (d.allowed) continue;
    const reason = forbiddenReason(a) + (d.reason ? `: ${d.reason}` : '');
    throw errors.forbidden({ group: a.apiGroup ?? '', resource: a.resource ?? '' }, a.name ?? '', reason);
  }

  const out = [...groups];
  // A service account's groups are fixed by its namespace; they come with it unless groups were named.
  if (saNamespace !== undefined && groups.length === 0) out.push('system:serviceaccounts', `system:serviceaccounts:${saNamespace}`);
  if (username === 'system:anonymous') {
    if (!out.includes('system:unauthenticated')) out.push('system:unauthenticated');
  } else if (!out.includes('system:authenticated') && !out.includes('system:unauthenticated')) {
    out.push('system:authenticated');
  }
  return { username, groups: out, ...(uid !== undefined ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

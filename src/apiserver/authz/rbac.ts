// Authorization: system:masters may do anything; everyone else gets what RBAC Roles and
// ClusterRoles bound to them grant (additive, no deny rules), evaluated as upstream's
// RBAC authorizer does, from the stored objects.

import type { KubeObject } from '../../api/object.js';
import type { AuthorizationAttributes, Authorizer, Decision, ServerContext } from '../context.js';
import type { UserInfo } from '../types.js';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

export function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.username;
    case 'Group':
      return !!s.name && user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return user.username === `system:serviceaccount:${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

export function ruleAllows(rule: PolicyRule, a: AuthorizationAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.isResourceRequest) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && (a.path ?? '').startsWith(u.slice(0, -1))));
  }
  if (!has(rule.apiGroups, a.apiGroup ?? '')) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const resOk = (rule.resources ?? []).some((r) => r === '*' || r === res || (a.subresource && r === `*/${a.subresource}`) || (r.endsWith('/*') && r.slice(0, -2) === a.resource));
  if (!resOk) return false;
  if (rule.resourceNames && rule.resourceNames.length) return !!a.name && rule.resourceNames.includes(a.name);
  return true;
}

function rulesOf(role: KubeObject | undefined): PolicyRule[] {
  return ((role as { rules?: PolicyRule[] } | undefined)?.rules ?? []) as PolicyRule[];
}

async function applicableRules(user: UserInfo, namespace: string | undefined, server: ServerContext, visit: (rule: PolicyRule) => boolean): Promise<void> {
  const clusterRoles = server.objectsOf('rbac.authorization.k8s.io', 'clusterroles');
  const roles = server.objectsOf('rbac.authorization.k8s.io', 'roles');
  const crbs = await server.objectsOf('rbac.authorization.k8s.io', 'clusterrolebindings').list({});
  for (const b of crbs.items) {
    const subjects = ((b as { subjects?: Subject[] }).subjects ?? []);
    if (!subjects.some((s) => subjectMatches(s, user, ''))) continue;
    const ref = (b as { roleRef?: { kind?: string; name?: string } }).roleRef;
    if (ref?.kind !== 'ClusterRole' || !ref.name) continue;
    for (const r of rulesOf(await clusterRoles.tryGet(undefined, ref.name))) if (visit(r)) return;
  }
  if (!namespace) return;
  const rbs = await server.objectsOf('rbac.authorization.k8s.io', 'rolebindings').list({ namespace });
  for (const b of rbs.items) {
    const subjects = ((b as { subjects?: Subject[] }).subjects ?? []);
    if (!subjects.some((s) => subjectMatches(s, user, namespace))) continue;
    const ref = (b as { roleRef?: { kind?: string; name?: string } }).roleRef;
    if (!ref?.name) continue;
    const role = ref.kind === 'ClusterRole' ? await clusterRoles.tryGet(undefined, ref.name) : ref.kind === 'Role' ? await roles.tryGet(namespace, ref.name) : undefined;
    for (const r of rulesOf(role)) if (visit(r)) return;
  }
}

export function forbiddenReason(a: AuthorizationAttributes): string {
  const who = `User "${a.user.username}"`;
  if (!a.isResourceRequest) return `${who} cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" ${scope}`;
}

export class RbacAuthorizer implements Authorizer {
  async authorize(a: AuthorizationAttributes, server: ServerContext): Promise<Decision> {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    let allowed = false;
    await applicableRules(a.user, a.namespace, server, (rule) => (allowed = ruleAllows(rule, a)));
    return allowed ? { allowed: true, reason: 'RBAC: allowed by a binding' } : { allowed: false, reason: '' };
  }

  async rulesFor(user: UserInfo, namespace: string, server: ServerContext) {
    const resourceRules: unknown[] = [];
    const nonResourceRules: unknown[] = [];
    if (user.groups.includes('system:masters')) {
      resourceRules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
      nonResourceRules.push({ verbs: ['*'], nonResourceURLs: ['*'] });
    }
    await applicableRules(user, namespace, server, (rule) => {
      if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
      else resourceRules.push({ verbs: rule.verbs ?? [], apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [], ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}) });
      return false;
    });
    return { resourceRules, nonResourceRules, incomplete: false };
  }
}

// Authorization: system:masters may do anything; everyone else gets what RBAC Roles and
// ClusterRoles bound to them grant (additive, no deny rules), evaluated as upstream's
// RBAC authorizer does, from the stored objects, with its reason and error strings.

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

export interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Binding extends KubeObject {
  subjects?: Subject[];
  roleRef?: { kind?: string; name?: string };
}

/** Upstream's privileged group: its members pass every check without RBAC. */
export const PRIVILEGED_GROUP = 'system:masters';

export function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.username;
    case 'Group':
      return !!s.name && user.groups.includes(s.name);
    case 'ServiceAccount': {
      // A RoleBinding's ServiceAccount subject defaults to the binding's namespace.
      const ns = s.namespace || bindingNamespace;
      return !!ns && user.username === `system:serviceaccount:${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** Upstream's ResourceMatches: `*`, the exact resource[/subresource], or `*\/subresource`. */
function resourceMatches(resources: string[] | undefined, combined: string, subresource: string): boolean {
  return (resources ?? []).some((r) => r === '*' || r === combined || (!!subresource && r === `*/${subresource}`));
}

function nonResourceUrlMatches(urls: string[] | undefined, path: string): boolean {
  return (urls ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

export function ruleAllows(rule: PolicyRule, a: AuthorizationAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.isResourceRequest) return nonResourceUrlMatches(rule.nonResourceURLs, a.path ?? '');
  if (!has(rule.apiGroups, a.apiGroup ?? '')) return false;
  const sub = a.subresource ?? '';
  const combined = sub ? `${a.resource ?? ''}/${sub}` : (a.resource ?? '');
  if (!resourceMatches(rule.resources, combined, sub)) return false;
  if (rule.resourceNames && rule.resourceNames.length) return rule.resourceNames.includes(a.name ?? '');
  return true;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `ServiceAccount "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

/** Where an allowing rule came from, worded as upstream's binding describers. */
export function describeSource(b: Binding, s: Subject): string {
  const ns = b.metadata?.namespace;
  const ref = b.roleRef ?? {};
  if (ns) return `RoleBinding "${b.metadata?.name}/${ns}" of ${ref.kind} "${ref.name}" to ${describeSubject(s, ns)}`;
  return `ClusterRoleBinding "${b.metadata?.name}" of ${ref.kind} "${ref.name}" to ${describeSubject(s, '')}`;
}

/** Visits each rule a user holds in a namespace; returns true from visit to stop. Missing roles are reported, as upstream's resolver does. */
async function visitRules(user: UserInfo, namespace: string | undefined, server: ServerContext, visit: (source: string, rule: PolicyRule) => boolean): Promise<string[]> {
  const errs: string[] = [];
  const clusterRoles = server.objectsOf('rbac.authorization.k8s.io', 'clusterroles');
  const roles = server.objectsOf('rbac.authorization.k8s.io', 'roles');
  const crbs = await server.objectsOf('rbac.authorization.k8s.io', 'clusterrolebindings').list({});
  for (const b of crbs.items as Binding[]) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(x, user, ''));
    if (!s) continue;
    const ref = b.roleRef;
    if (ref?.kind !== 'ClusterRole' || !ref.name) continue;
    const role = await clusterRoles.tryGet(undefined, ref.name);
    if (!role) {
      errs.push(`clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`);
      continue;
    }
    for (const r of rulesOf(role)) if (visit(describeSource(b, s), r)) return errs;
  }
  if (!namespace) return errs;
  const rbs = await server.objectsOf('rbac.authorization.k8s.io', 'rolebindings').list({ namespace });
  for (const b of rbs.items as Binding[]) {
    const s = (b.subjects ?? []).find((x) => subjectMatches(x, user, namespace));
    if (!s) continue;
    const ref = b.roleRef;
    if (!ref?.name) continue;
    let role: KubeObject | undefined;
    if (ref.kind === 'ClusterRole') {
      role = await clusterRoles.tryGet(undefined, ref.name);
      if (!role) errs.push(`clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`);
    } else if (ref.kind === 'Role') {
      role = await roles.tryGet(namespace, ref.name);
      if (!role) errs.push(`role.rbac.authorization.k8s.io "${ref.name}" not found`);
    }
    if (!role) continue;
    for (const r of rulesOf(role)) if (visit(describeSource(b, s), r)) return errs;
  }
  return errs;
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return (role as { rules?: PolicyRule[] }).rules ?? [];
}

/** Go's utilerrors.NewAggregate(...).Error(): one error alone, several in brackets. */
export function aggregate(errs: string[]): string {
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

/** The first half of upstream's 403 message (responsewriters.forbiddenMessage). */
export function forbiddenReason(a: AuthorizationAttributes): string {
  const who = `User "${a.user.username}"`;
  if (!a.isResourceRequest) return `${who} cannot ${a.verb} path "${a.path}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" ${scope}`;
}

export class RbacAuthorizer implements Authorizer {
  async authorize(a: AuthorizationAttributes, server: ServerContext): Promise<Decision> {
    if (a.user.groups.includes(PRIVILEGED_GROUP)) return { allowed: true, reason: '' };
    let reason = '';
    const errs = await visitRules(a.user, a.namespace, server, (source, rule) => {
      if (!ruleAllows(rule, a)) return false;
      reason = `RBAC: allowed by ${source}`;
      return true;
    });
    if (reason) return { allowed: true, reason };
    // A denial names the bindings that could not be evaluated, as upstream does.
    return { allowed: false, reason: errs.length ? `RBAC: ${aggregate(errs)}` : '' };
  }

  async rulesFor(user: UserInfo, namespace: string, server: ServerContext) {
    const resourceRules: unknown[] = [];
    const nonResourceRules: unknown[] = [];
    const errs = await visitRules(user, namespace, server, (_source, rule) => {
      if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs });
      else resourceRules.push({ verbs: rule.verbs ?? [], apiGroups: rule.apiGroups ?? [], resources: rule.resources ?? [], ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}) });
      return false;
    });
    return { resourceRules, nonResourceRules, incomplete: errs.length > 0, ...(errs.length ? { evaluationError: aggregate(errs) } : {}) };
  }
}

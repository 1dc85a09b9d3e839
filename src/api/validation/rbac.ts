// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered, goStringSlice, goQuote } from './go-errors.js';
import { validateRBACName, validateServiceAccountName } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validateLabelSelector } from './label-selector.js';
import { child, index, asArr, asStr, objOf, isSet } from './util.js';

const group = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: Record<string, unknown>, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (asArr(rule.verbs).length === 0) errs.push(field.required(child(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = asArr(rule.nonResourceURLs).map(asStr);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRendered(child(path, 'nonResourceURLs'), goStringSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (asArr(rule.apiGroups).length || asArr(rule.resources).length || asArr(rule.resourceNames).length) {
      errs.push(invalidRendered(child(path, 'nonResourceURLs'), goStringSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (asArr(rule.apiGroups).length === 0) errs.push(field.required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (asArr(rule.resources).length === 0) errs.push(field.required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  asArr(obj.rules).forEach((r, i) => errs.push(...validatePolicyRule(objOf(r), namespaced, index('rules', i))));
  return errs;
}

export function validateRole(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: validateRBACName }), ...validateRules(obj, true)];
}

export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = [...validateObjectMeta(obj.metadata, { namespaced: false, nameFn: validateRBACName }), ...validateRules(obj, false)];
  const agg = objOf(obj.aggregationRule);
  if (isSet(obj.aggregationRule)) {
    if (asArr(agg.clusterRoleSelectors).length === 0) errs.push(field.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    asArr(agg.clusterRoleSelectors).forEach((s, i) => errs.push(...validateLabelSelector(s, index('aggregationRule.clusterRoleSelectors', i))));
  }
  return errs;
}

function validateSubject(s: Record<string, unknown>, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asStr(s.name);
  const apiGroup = asStr(s.apiGroup);
  if (!name) errs.push(field.required(child(path, 'name'), ''));
  switch (asStr(s.kind)) {
    case 'ServiceAccount':
      if (name) for (const m of validateServiceAccountName(name, false)) errs.push(field.invalid(child(path, 'name'), name, m));
      if (apiGroup) errs.push(field.notSupported(child(path, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && !asStr(s.namespace)) errs.push(field.required(child(path, 'namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== group) errs.push(field.notSupported(child(path, 'apiGroup'), apiGroup, [group]));
      break;
    default:
      errs.push(field.notSupported(child(path, 'kind'), asStr(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced, nameFn: validateRBACName });
  const ref = objOf(obj.roleRef);
  const apiGroup = asStr(ref.apiGroup);
  if (apiGroup !== group) errs.push(field.notSupported('roleRef.apiGroup', apiGroup, [group]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const kind = asStr(ref.kind);
  if (!kinds.includes(kind)) errs.push(field.notSupported('roleRef.kind', kind, kinds));
  const name = asStr(ref.name);
  if (!name) errs.push(field.required('roleRef.name', ''));
  else for (const m of validateRBACName(name, false)) errs.push(field.invalid('roleRef.name', name, m));
  asArr(obj.subjects).forEach((s, i) => errs.push(...validateSubject(objOf(s), namespaced, index('subjects', i))));
  return errs;
}

function roleRefUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = objOf(obj.roleRef);
  const o = objOf(old.roleRef);
  if (asStr(n.apiGroup) === asStr(o.apiGroup) && asStr(n.kind) === asStr(o.kind) && asStr(n.name) === asStr(o.name)) return [];
  return [invalidRendered('roleRef', `rbac.RoleRef{APIGroup:${goQuote(asStr(n.apiGroup))}, Kind:${goQuote(asStr(n.kind))}, Name:${goQuote(asStr(n.name))}}`, 'cannot change roleRef')];
}

export const validateRoleBinding = (obj: KubeObject): FieldError[] => validateBinding(obj, true);
export const validateClusterRoleBinding = (obj: KubeObject): FieldError[] => validateBinding(obj, false);

export function validateRoleBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...roleRefUpdate(obj, old), ...validateRoleBinding(obj).filter((e) => !e.field.startsWith('metadata'))];
}

export function validateClusterRoleBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...roleRefUpdate(obj, old), ...validateClusterRoleBinding(obj).filter((e) => !e.field.startsWith('metadata'))];
}

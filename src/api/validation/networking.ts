// networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered, goStringSlice } from './go-errors.js';
import { isValidPortNum, isValidPortName, isWildcardDNS1123Subdomain, isIP, nameIsDNSSubdomain, isDNS1123Subdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, fieldImmutableErrorMsg } from './object-meta.js';
import { validateLabelSelector } from './label-selector.js';
import { dns1123Label, dns1123Subdomain } from './pod-spec.js';
import { child, index, asArr, asObj, asStr, asNum, objOf, isSet } from './util.js';
import type { Obj } from './util.js';

function validateIngressBackend(b: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const svc = asObj(b.service);
  const res = asObj(b.resource);
  if (svc && res) return [invalidRendered(path, 'networking.IngressBackend{...}', 'cannot set both resource and service backends')];
  if (res) {
    if (!asStr(res.kind)) errs.push(field.required(child(child(path, 'resource'), 'kind'), ''));
    if (!asStr(res.name)) errs.push(field.required(child(child(path, 'resource'), 'name'), ''));
    return errs;
  }
  if (!svc) return [invalidRendered(path, 'networking.IngressBackend{...}', 'resource or service backend is required')];
  const sp = child(path, 'service');
  const name = asStr(svc.name);
  if (!name) errs.push(field.required(child(sp, 'name'), ''));
  else errs.push(...dns1123Label(name, child(sp, 'name')));
  const port = objOf(svc.port);
  const hasName = !!asStr(port.name);
  const hasNumber = (asNum(port.number) ?? 0) !== 0;
  if (hasName && hasNumber) errs.push(field.invalid(child(sp, 'port'), port.name, 'cannot set both port name & port number'));
  else if (hasName) for (const m of isValidPortName(asStr(port.name))) errs.push(field.invalid(child(child(sp, 'port'), 'name'), asStr(port.name), m));
  else if (hasNumber) for (const m of isValidPortNum(asNum(port.number) ?? 0)) errs.push(field.invalid(child(child(sp, 'port'), 'number'), asNum(port.number) ?? 0, m));
  else errs.push(field.required(child(sp, 'port'), 'port name or number is required'));
  return errs;
}

export function validateIngress(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  const rules = asArr(spec.rules).map(objOf);
  if (isSet(spec.defaultBackend)) errs.push(...validateIngressBackend(objOf(spec.defaultBackend), 'spec.defaultBackend'));
  else if (rules.length === 0) errs.push(invalidRendered('spec.rules', '[]networking.IngressRule(nil)', 'either `defaultBackend` or `rules` must be specified'));
  rules.forEach((rule, i) => {
    const p = index('spec.rules', i);
    const host = asStr(rule.host);
    if (host) {
      if (isIP(host)) errs.push(field.invalid(child(p, 'host'), host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : [];
      if (host.includes('*')) for (const m of msgs) errs.push(field.invalid(child(p, 'host'), host, m));
      else errs.push(...dns1123Subdomain(host, child(p, 'host')));
    }
    const http = asObj(rule.http);
    if (!http) return;
    const paths = asArr(http.paths);
    if (paths.length === 0) errs.push(field.required(child(child(p, 'http'), 'paths'), ''));
    paths.forEach((raw, j) => {
      const hp = objOf(raw);
      const pp = index(child(child(p, 'http'), 'paths'), j);
      const pt = hp.pathType;
      const path = asStr(hp.path);
      if (!isSet(pt)) errs.push(field.required(child(pp, 'pathType'), 'pathType must be specified'));
      else if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(asStr(pt))) errs.push(field.notSupported(child(pp, 'pathType'), asStr(pt), ['Exact', 'ImplementationSpecific', 'Prefix']));
      else if (asStr(pt) !== 'ImplementationSpecific' || path) {
        if (!path.startsWith('/')) errs.push(field.invalid(child(pp, 'path'), path, 'must be an absolute path'));
        else if (asStr(pt) !== 'ImplementationSpecific') {
          for (const bad of ['//', '/./', '/../', '%2f', '%2F']) if (path.includes(bad)) errs.push(field.invalid(child(pp, 'path'), path, `must not contain '${bad}'`));
          for (const bad of ['/..', '/.']) if (path.endsWith(bad)) errs.push(field.invalid(child(pp, 'path'), path, `cannot end with '${bad}'`));
        }
      }
      errs.push(...validateIngressBackend(objOf(hp.backend), child(pp, 'backend')));
    });
  });
  asArr(spec.tls).forEach((raw, i) => {
    asArr(objOf(raw).hosts).forEach((h, j) => {
      const host = asStr(h);
      const path = index(child(index('spec.tls', i), 'hosts'), j);
      if (host.includes('*')) for (const m of isWildcardDNS1123Subdomain(host)) errs.push(field.invalid(path, host, m));
      else errs.push(...dns1123Subdomain(host, path));
    });
  });
  if (typeof spec.ingressClassName === 'string') for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) errs.push(field.invalid('spec.ingressClassName', spec.ingressClassName, m));
  return errs;
}

export function validateIngressUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateIngress(obj).filter((e) => !e.field.startsWith('metadata'))];
}

export function validateIngressClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  const c = asStr(spec.controller);
  if (!c) errs.push(field.required('spec.controller', ''));
  else if (c.length > 250) errs.push(field.tooLong('spec.controller', c, 250));
  else {
    // IsDomainPrefixedPath: a DNS subdomain, '/', then a non-empty path.
    const slash = c.indexOf('/');
    if (slash <= 0 || slash === c.length - 1) errs.push(field.invalid('spec.controller', c, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    else for (const m of isDNS1123Subdomain(c.slice(0, slash))) errs.push(field.invalid('spec.controller', c.slice(0, slash), m));
  }
  const params = asObj(spec.parameters);
  if (params) {
    if (!asStr(params.kind)) errs.push(field.required('spec.parameters.kind', ''));
    if (!asStr(params.name)) errs.push(field.required('spec.parameters.name', ''));
    const scope = params.scope;
    if (typeof scope === 'string' && scope !== 'Cluster' && scope !== 'Namespace') errs.push(field.notSupported('spec.parameters.scope', scope, ['Cluster', 'Namespace']));
    if (scope === 'Namespace' && !asStr(params.namespace)) errs.push(field.required('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
    if (scope === 'Cluster' && asStr(params.namespace)) errs.push(field.forbidden('spec.parameters.namespace', '`parameter.scope` is set to "Cluster"'));
  }
  return errs;
}

export function validateIngressClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const c = asStr(objOf(obj.spec).controller);
  if (c !== asStr(objOf(old.spec).controller)) errs.push(field.invalid('spec.controller', c, fieldImmutableErrorMsg));
  return [...errs, ...validateIngressClass(obj).filter((e) => !e.field.startsWith('metadata'))];
}

function validatePeer(peer: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (isSet(peer.podSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, 'podSelector')));
  }
  if (isSet(peer.namespaceSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector')));
  }
  if (isSet(peer.ipBlock)) {
    n++;
    const ib = objOf(peer.ipBlock);
    const cidr = asStr(ib.cidr);
    if (!cidr) errs.push(field.required(child(child(path, 'ipBlock'), 'cidr'), ''));
    else if (!isCIDR(cidr)) errs.push(field.invalid(child(child(path, 'ipBlock'), 'cidr'), cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  }
  if (n === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (n > 1 && isSet(peer.ipBlock)) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function isCIDR(s: string): boolean {
  const [ip, bits, ...rest] = s.split('/');
  if (rest.length || bits === undefined || !/^[0-9]+$/.test(bits)) return false;
  const max = ip.includes(':') ? 128 : 32;
  return isIP(ip) && Number(bits) <= max;
}

function validateNPPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(ports).forEach((raw, i) => {
    const p = objOf(raw);
    const pp = index(path, i);
    const proto = p.protocol;
    if (typeof proto === 'string' && !['SCTP', 'TCP', 'UDP'].includes(proto)) errs.push(field.notSupported(child(pp, 'protocol'), proto, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.port === 'number') for (const m of isValidPortNum(p.port)) errs.push(field.invalid(child(pp, 'port'), p.port, m));
    if (typeof p.port === 'string') for (const m of isValidPortName(p.port)) errs.push(field.invalid(child(pp, 'port'), p.port, m));
    if (isSet(p.endPort)) {
      const end = asNum(p.endPort) ?? 0;
      if (typeof p.port !== 'number') errs.push(field.required(child(pp, 'port'), 'must be specified when endPort is specified'));
      else if (end < p.port) errs.push(field.invalid(child(pp, 'endPort'), end, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(end)) errs.push(field.invalid(child(pp, 'endPort'), end, m));
    }
  });
  return errs;
}

export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  asArr(spec.ingress).forEach((raw, i) => {
    const r = objOf(raw);
    const p = index('spec.ingress', i);
    errs.push(...validateNPPorts(r.ports, child(p, 'ports')));
    asArr(r.from).forEach((peer, j) => errs.push(...validatePeer(objOf(peer), index(child(p, 'from'), j))));
  });
  asArr(spec.egress).forEach((raw, i) => {
    const r = objOf(raw);
    const p = index('spec.egress', i);
    errs.push(...validateNPPorts(r.ports, child(p, 'ports')));
    asArr(r.to).forEach((peer, j) => errs.push(...validatePeer(objOf(peer), index(child(p, 'to'), j))));
  });
  const types = asArr(spec.policyTypes).map(asStr);
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(field.notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  if (types.length > 2) errs.push(invalidRendered('spec.policyTypes', goStringSlice(types, 'networking.PolicyType'), 'may not specify more than two policyTypes'));
  return errs;
}

export function validateNetworkPolicyUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateNetworkPolicy(obj).filter((e) => !e.field.startsWith('metadata'))];
}

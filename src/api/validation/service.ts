// Service validation (ValidateService / ValidateServiceUpdate). Node ports' range is the allocator's job.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered, duplicateRendered, goStringSlice, goQuote } from './go-errors.js';
import { isValidPortNum, isIP, nameIsDNS1035Label } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateLabels } from './object-meta.js';
import { dns1123Label, dns1123Subdomain, portNumOrName, qualifiedName } from './pod-spec.js';
import { child, index, asArr, asObj, asStr, asNum, objOf, isSet } from './util.js';
import type { Obj } from './util.js';

const supportedProtocols = ['SCTP', 'TCP', 'UDP'];
const supportedTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function isHeadless(spec: Obj): boolean {
  return asStr(spec.clusterIP) === 'None';
}

function externallyAccessible(spec: Obj): boolean {
  const t = asStr(spec.type);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && asArr(spec.externalIPs).length > 0);
}

function validateServicePort(sp: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asStr(sp.name);
  if (requireName && !name) errs.push(field.required(child(path, 'name'), ''));
  else if (name) {
    errs.push(...dns1123Label(name, child(path, 'name')));
    if (names.has(name)) errs.push(field.duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const port = asNum(sp.port) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(field.invalid(child(path, 'port'), port, m));
  const proto = asStr(sp.protocol);
  if (!proto) errs.push(field.required(child(path, 'protocol'), ''));
  else if (!supportedProtocols.includes(proto)) errs.push(field.notSupported(child(path, 'protocol'), proto, supportedProtocols));
  errs.push(...portNumOrName(sp.targetPort, child(path, 'targetPort')));
  if (typeof sp.appProtocol === 'string') errs.push(...qualifiedName(sp.appProtocol, child(path, 'appProtocol')));
  return errs;
}

function validateClusterIPsRelated(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const policy = spec.ipFamilyPolicy;
  if (typeof policy === 'string' && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(policy)) {
    errs.push(field.notSupported('spec.ipFamilyPolicy', policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  const families = asArr(spec.ipFamilies).map(asStr);
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(field.notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
    else if (families.indexOf(f) !== i) errs.push(field.duplicate(index('spec.ipFamilies', i), f));
  });
  if (families.length > 2) errs.push(invalidRendered('spec.ipFamilies', goStringSlice(families, 'core.IPFamily'), 'may specify no more than one IP for each IP family'));
  const ips = asArr(spec.clusterIPs).map(asStr);
  const clusterIP = asStr(spec.clusterIP);
  if (ips.length > 0 && clusterIP && ips[0] !== clusterIP) errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), 'first value must match `clusterIP`'));
  ips.forEach((ip, i) => {
    if (i === 0 && (ip === 'None' || ip === '')) return;
    if (ip === 'None') errs.push(field.invalid(index('spec.clusterIPs', i), ip, "'None' must be the first and only value"));
    else if (!isIP(ip)) errs.push(field.invalid(index('spec.clusterIPs', i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (ips.length > 2) errs.push(invalidRendered('spec.clusterIPs', goStringSlice(ips), 'may only hold up to 2 values'));
  return errs;
}

export function validateService(svc: KubeObject): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
  const spec = objOf(svc.spec);
  const type = asStr(spec.type);
  const ports = asArr(spec.ports).map(objOf);
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(field.required('spec.ports', ''));
  const ips = asArr(spec.clusterIPs).map(asStr);
  if (type === 'LoadBalancer' && isHeadless(spec)) errs.push(field.invalid('spec.clusterIPs[0]', ips[0] ?? 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && isHeadless(spec)) errs.push(field.invalid('spec.clusterIPs[0]', ips[0] ?? 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if (ips.length > 0) errs.push(field.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (asArr(spec.ipFamilies).length > 0) errs.push(field.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (isSet(spec.ipFamilyPolicy)) errs.push(field.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = asStr(spec.externalName).replace(/\.$/, '');
    if (cname) errs.push(...dns1123Subdomain(cname, 'spec.externalName'));
    else errs.push(field.required('spec.externalName', ''));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  if (isSet(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const sa = asStr(spec.sessionAffinity);
  if (!sa) errs.push(field.required('spec.sessionAffinity', ''));
  else if (sa !== 'ClientIP' && sa !== 'None') errs.push(field.notSupported('spec.sessionAffinity', sa, ['ClientIP', 'None']));
  if (sa === 'ClientIP') {
    const cfg = asObj(spec.sessionAffinityConfig);
    const cip = asObj(cfg?.clientIP);
    const t = asNum(cip?.timeoutSeconds);
    if (!cfg) errs.push(field.required('spec.sessionAffinityConfig', 'when session affinity type is ClientIP'));
    else if (!cip) errs.push(field.required('spec.sessionAffinityConfig.clientIP', 'when session affinity type is ClientIP'));
    else if (t === undefined) errs.push(field.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'when session affinity type is ClientIP'));
    else if (t <= 0 || t > 86400) errs.push(field.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  } else if (sa === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(field.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelated(spec));
  asArr(spec.externalIPs).forEach((ip, i) => {
    if (!isIP(asStr(ip))) errs.push(field.invalid(index('spec.externalIPs', i), asStr(ip), 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (!type) errs.push(field.required('spec.type', ''));
  else if (!supportedTypes.includes(type)) errs.push(field.notSupported('spec.type', type, supportedTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if ((asNum(p.nodePort) ?? 0) !== 0) errs.push(field.forbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = asNum(p.nodePort) ?? 0;
    if (np === 0) return;
    const k = `${asStr(p.protocol)}/${np}`;
    if (nodePorts.has(k)) errs.push(field.duplicate(child(index('spec.ports', i), 'nodePort'), np));
    nodePorts.add(k);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${asStr(p.protocol)}/${asNum(p.port) ?? 0}`;
    if (seen.has(k)) errs.push(duplicateRendered(index('spec.ports', i), `core.ServicePort{Name:"", Protocol:${goQuote(asStr(p.protocol))}, AppProtocol:(*string)(nil), Port:${asNum(p.port) ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`));
    seen.add(k);
  });
  if (asArr(spec.loadBalancerSourceRanges).length > 0 && type !== 'LoadBalancer') {
    errs.push(field.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (isSet(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') errs.push(field.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  if (type === 'LoadBalancer' && !isSet(spec.allocateLoadBalancerNodePorts)) errs.push(field.required('allocateLoadBalancerNodePorts', ''));
  const etp = asStr(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(field.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(field.required('spec.externalTrafficPolicy', ''));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(field.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const needsHealthCheck = type === 'LoadBalancer' && etp === 'Local';
  const hcnp = asNum(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck && hcnp !== 0) errs.push(field.invalid('spec.healthCheckNodePort', hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  const itp = spec.internalTrafficPolicy;
  if (!isSet(itp) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(type)) errs.push(field.required('spec.internalTrafficPolicy', ''));
  if (typeof itp === 'string' && itp !== 'Cluster' && itp !== 'Local') errs.push(field.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  if (typeof spec.trafficDistribution === 'string' && spec.trafficDistribution !== 'PreferClose') errs.push(field.notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  return errs;
}

function validateUpgradeDowngradeClusterIPs(oldSpec: Obj, spec: Obj): FieldError[] {
  if (asStr(spec.type) === 'ExternalName' || asStr(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(oldSpec) && isHeadless(spec)) return [];
  const errs: FieldError[] = [];
  const oldIPs = asArr(oldSpec.clusterIPs).map(asStr);
  const ips = asArr(spec.clusterIPs).map(asStr);
  const rendered = goStringSlice(ips.length ? ips : null);
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalidRendered(index('spec.clusterIPs', i), rendered, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalidRendered('spec.clusterIPs[0]', rendered, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalidRendered('spec.clusterIPs[0]', rendered, 'may not change once set'));
    if (ips.length === 1 && asStr(spec.ipFamilyPolicy) !== 'SingleStack') errs.push(invalidRendered('spec.clusterIPs[0]', rendered, "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalidRendered('spec.clusterIPs[0]', rendered, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(oldSpec: Obj, spec: Obj): FieldError[] {
  if (asStr(spec.type) === 'ExternalName' || asStr(oldSpec.type) === 'ExternalName') return [];
  const oldF = asArr(oldSpec.ipFamilies).map(asStr);
  const f = asArr(spec.ipFamilies).map(asStr);
  const rendered = goStringSlice(f.length ? f : null, 'core.IPFamily');
  const errs: FieldError[] = [];
  if (oldF.length === f.length) {
    oldF.forEach((x, i) => {
      if (x !== f[i]) errs.push(invalidRendered(index('spec.ipFamilies', i), rendered, 'may not change once set'));
    });
  } else if (oldF.length > 0 && f.length > 0 && oldF[0] !== f[0]) {
    errs.push(invalidRendered('spec.ipFamilies[0]', rendered, 'may not change once set'));
  }
  return errs;
}

export function validateServiceUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec = objOf(svc.spec);
  const oldSpec = objOf(old.spec);
  errs.push(...validateUpgradeDowngradeClusterIPs(oldSpec, spec));
  errs.push(...validateUpgradeDowngradeIPFamilies(oldSpec, spec));
  const needsHC = (s: Obj) => asStr(s.type) === 'LoadBalancer' && asStr(s.externalTrafficPolicy) === 'Local';
  if (needsHC(oldSpec) && needsHC(spec) && asNum(spec.healthCheckNodePort) !== asNum(oldSpec.healthCheckNodePort)) {
    errs.push(field.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

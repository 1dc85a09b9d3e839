// StorageClass, PodDisruptionBudget, Lease and EndpointSlice validation.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered } from './go-errors.js';
import { isValidPortNum, isIPv4, isIPv6, nameIsDNSSubdomain, isQualifiedName } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateNonnegative, fieldImmutableErrorMsg } from './object-meta.js';
import { validateLabelSelector } from './label-selector.js';
import { validatePositiveIntOrPercent, isNotMoreThan100Percent } from './apps.js';
import { dns1123Label, dns1123Subdomain } from './pod-spec.js';
import { child, index, asArr, asStr, asNum, objOf, isSet, semanticEqual } from './util.js';

const withoutMeta = (errs: FieldError[]) => errs.filter((e) => !e.field.startsWith('metadata'));

export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const prov = asStr(obj.provisioner);
  if (!prov) errs.push(field.required('provisioner', ''));
  else if (prov.length > 63) errs.push(field.tooLong('provisioner', prov, 63));
  else for (const m of isQualifiedName(prov.toLowerCase())) errs.push(field.invalid('provisioner', prov, m));
  const params = objOf(obj.parameters);
  let size = 0;
  for (const [k, v] of Object.entries(params)) {
    if (!k) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
    size += k.length + asStr(v).length;
  }
  if (size > 256 * 1024) errs.push(field.tooLong('parameters', '', 256 * 1024));
  const rp = obj.reclaimPolicy;
  if (typeof rp === 'string' && rp !== 'Delete' && rp !== 'Retain') errs.push(field.notSupported('reclaimPolicy', rp, ['Delete', 'Retain']));
  const vbm = obj.volumeBindingMode;
  if (!isSet(vbm)) errs.push(field.required('volumeBindingMode', ''));
  else if (vbm !== 'Immediate' && vbm !== 'WaitForFirstConsumer') errs.push(field.notSupported('volumeBindingMode', asStr(vbm), ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (!semanticEqual(obj.parameters, old.parameters)) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (asStr(obj.provisioner) !== asStr(old.provisioner)) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (asStr(obj.reclaimPolicy) !== asStr(old.reclaimPolicy)) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (asStr(obj.volumeBindingMode) !== asStr(old.volumeBindingMode)) errs.push(field.invalid('volumeBindingMode', asStr(obj.volumeBindingMode), fieldImmutableErrorMsg));
  return errs;
}

export function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(invalidRendered('spec', 'policy.PodDisruptionBudgetSpec{...}', 'minAvailable and maxUnavailable cannot be both set'));
  for (const k of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(spec[k])) continue;
    errs.push(...validatePositiveIntOrPercent(spec[k], child('spec', k)));
    errs.push(...isNotMoreThan100Percent(spec[k], child('spec', k)));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const uhp = spec.unhealthyPodEvictionPolicy;
  if (typeof uhp === 'string' && uhp !== 'IfHealthyBudget' && uhp !== 'AlwaysAllow') errs.push(field.notSupported('spec.unhealthyPodEvictionPolicy', uhp, ['AlwaysAllow', 'IfHealthyBudget']));
  return errs;
}

export function validatePodDisruptionBudgetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...withoutMeta(validatePodDisruptionBudget(obj))];
}


export function validateLease(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  const d = asNum(spec.leaseDurationSeconds);
  if (d !== undefined && d <= 0) errs.push(field.invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  errs.push(...validateNonnegative(asNum(spec.leaseTransitions), 'spec.leaseTransitions'));
  const strat = spec.strategy;
  if (typeof strat === 'string' && strat !== 'OldestEmulationVersion') errs.push(field.notSupported('spec.strategy', strat, ['OldestEmulationVersion']));
  return errs;
}

export function validateLeaseUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...withoutMeta(validateLease(obj))];
}

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const at = asStr(obj.addressType);
  if (!at) errs.push(field.required('addressType', ''));
  else if (!addressTypes.includes(at)) errs.push(field.notSupported('addressType', at, addressTypes));
  const endpoints = asArr(obj.endpoints);
  if (endpoints.length > 1000) errs.push(field.tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((raw, i) => {
    const ep = objOf(raw);
    const p = index('endpoints', i);
    const addrs = asArr(ep.addresses).map(asStr);
    if (addrs.length === 0) errs.push(field.required(child(p, 'addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(field.tooMany(child(p, 'addresses'), addrs.length, 100));
    addrs.forEach((a, j) => {
      const ap = index(child(p, 'addresses'), j);
      if (at === 'IPv4' && !isIPv4(a)) errs.push(field.invalid(ap, a, 'must be a valid IPv4 address'));
      if (at === 'IPv6' && !isIPv6(a)) errs.push(field.invalid(ap, a, 'must be a valid IPv6 address'));
      if (at === 'FQDN') errs.push(...dns1123Subdomain(a, ap));
    });
    if (typeof ep.nodeName === 'string') for (const m of nameIsDNSSubdomain(ep.nodeName, false)) errs.push(field.invalid(child(p, 'nodeName'), ep.nodeName, m));
    if (typeof ep.hostname === 'string') errs.push(...dns1123Label(ep.hostname, child(p, 'hostname')));
  });
  const ports = asArr(obj.ports);
  if (ports.length > 100) errs.push(field.tooMany('ports', ports.length, 100));
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = objOf(raw);
    const p = index('ports', i);
    const name = asStr(port.name);
    if (name) errs.push(...dns1123Label(name, child(p, 'name')));
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    names.add(name);
    const proto = port.protocol;
    if (!isSet(proto)) errs.push(field.required(child(p, 'protocol'), ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(asStr(proto))) errs.push(field.notSupported(child(p, 'protocol'), asStr(proto), ['SCTP', 'TCP', 'UDP']));
    const n = asNum(port.port);
    if (n !== undefined) for (const m of isValidPortNum(n)) errs.push(field.invalid(child(p, 'port'), n, m));
  });
  return errs;
}

export function validateEndpointSliceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (asStr(obj.addressType) !== asStr(old.addressType)) errs.push(field.invalid('addressType', asStr(obj.addressType), fieldImmutableErrorMsg));
  return [...errs, ...withoutMeta(validateEndpointSlice(obj))];
}


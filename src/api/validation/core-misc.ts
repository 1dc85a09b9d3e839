// The smaller core/v1 kinds: Namespace, ServiceAccount, Node, Endpoints, Event, LimitRange,
// ResourceQuota, PodTemplate, PersistentVolume, PersistentVolumeClaim.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered } from './go-errors.js';
import { isValidPortNum, isIP, nameIsDNSSubdomain, validateNamespaceName } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateKubeFinalizerName, validateLabelName, validateNonnegative, fieldImmutableErrorMsg } from './object-meta.js';
import { validateLabelSelector } from './label-selector.js';
import { validatePodTemplateSpec, dns1123Label, qualifiedName } from './pod-spec.js';
import { quantityAt, validateResourceQuantityValue } from './resources.js';
import { compareQuantity, formatQuantity } from './quantity.js';
import type { Quantity } from './quantity.js';
import { child, index, key, asArr, asStr, asNum, objOf, isSet, semanticEqual } from './util.js';

const withoutMeta = (errs: FieldError[]) => errs.filter((e) => !e.field.startsWith('metadata'));

export function validateNamespace(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: validateNamespaceName });
  asArr(objOf(obj.spec).finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(asStr(f), index('spec.finalizers', i))));
  return errs;
}

export function validateNamespaceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateObjectMetaUpdate(obj.metadata, old.metadata);
}

export function validateServiceAccount(obj: KubeObject): FieldError[] {
  return validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
}

export function validateNode(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  asArr(spec.taints).forEach((raw, i) => {
    const t = objOf(raw);
    const p = index('spec.taints', i);
    errs.push(...validateLabelName(asStr(t.key), child(p, 'key')));
    const effect = asStr(t.effect);
    if (!effect) errs.push(field.required(child(p, 'effect'), ''));
    else if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) errs.push(field.notSupported(child(p, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return errs;
}

export function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...withoutMeta(validateNode(obj)));
  const oldCIDRs = asArr(objOf(old.spec).podCIDRs);
  if (oldCIDRs.length > 0 && !semanticEqual(objOf(obj.spec).podCIDRs, oldCIDRs)) errs.push(field.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  const oldID = asStr(objOf(old.spec).providerID);
  if (oldID && asStr(objOf(obj.spec).providerID) !== oldID) errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  return errs;
}

function validateEndpointPort(port: Record<string, unknown>, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asStr(port.name);
  if (requireName && !name) errs.push(field.required(child(path, 'name'), ''));
  else if (name) errs.push(...dns1123Label(name, child(path, 'name')));
  const n = asNum(port.port) ?? 0;
  for (const m of isValidPortNum(n)) errs.push(field.invalid(child(path, 'port'), n, m));
  const proto = asStr(port.protocol);
  if (!proto) errs.push(field.required(child(path, 'protocol'), ''));
  else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) errs.push(field.notSupported(child(path, 'protocol'), proto, ['SCTP', 'TCP', 'UDP']));
  if (typeof port.appProtocol === 'string') errs.push(...qualifiedName(port.appProtocol, child(path, 'appProtocol')));
  return errs;
}

function validateEndpointAddress(a: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = asStr(a.ip);
  if (!isIP(ip)) errs.push(field.invalid(child(path, 'ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  if (asStr(a.hostname)) errs.push(...dns1123Label(asStr(a.hostname), child(path, 'hostname')));
  const node = a.nodeName;
  if (typeof node === 'string' && node) for (const m of nameIsDNSSubdomain(node, false)) errs.push(field.invalid(child(path, 'nodeName'), node, m));
  return errs;
}

export function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  asArr(obj.subsets).forEach((raw, i) => {
    const ss = objOf(raw);
    const p = index('subsets', i);
    asArr(ss.addresses).forEach((a, j) => errs.push(...validateEndpointAddress(objOf(a), index(child(p, 'addresses'), j))));
    asArr(ss.notReadyAddresses).forEach((a, j) => errs.push(...validateEndpointAddress(objOf(a), index(child(p, 'notReadyAddresses'), j))));
    const ports = asArr(ss.ports);
    ports.forEach((port, j) => errs.push(...validateEndpointPort(objOf(port), ports.length > 1, index(child(p, 'ports'), j))));
  });
  return errs;
}

export function validateEvent(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const io = objOf(obj.involvedObject);
  const ns = obj.metadata?.namespace ?? '';
  const ions = asStr(io.namespace);
  if (ions && ions !== ns) errs.push(field.invalid('involvedObject.namespace', ions, 'does not match event.namespace'));
  if (isSet(obj.eventTime) && !asStr(obj.reportingComponent) && !asStr(obj.reportingController)) errs.push(field.required('reportingController', ''));
  const type = asStr(obj.type);
  if (type && type !== 'Normal' && type !== 'Warning') errs.push(field.notSupported('type', type, ['Normal', 'Warning']));
  return errs;
}

const limitTypes = ['Pod', 'Container', 'PersistentVolumeClaim'];

export function validateLimitRange(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const seen = new Set<string>();
  asArr(objOf(obj.spec).limits).forEach((raw, i) => {
    const item = objOf(raw);
    const p = index('spec.limits', i);
    const type = asStr(item.type);
    if (seen.has(type)) errs.push(field.duplicate(child(p, 'type'), type));
    seen.add(type);
    if (!limitTypes.includes(type)) errs.push(field.notSupported(child(p, 'type'), type, limitTypes));
    const parsed: Record<string, Record<string, Quantity>> = {};
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
      parsed[k] = {};
      for (const [res, v] of Object.entries(objOf(item[k]))) {
        const q = quantityAt(v, key(child(p, k), res), errs);
        if (!q) continue;
        parsed[k][res] = q;
        errs.push(...validateResourceQuantityValue(res, q, key(child(p, k), res)));
      }
    }
    if (type === 'Pod' && (Object.keys(parsed.default).length || Object.keys(parsed.defaultRequest).length)) {
      if (Object.keys(parsed.default).length) errs.push(invalidRendered(child(p, 'default'), 'core.ResourceList{...}', 'may not be specified when `type` is \'Pod\''));
      if (Object.keys(parsed.defaultRequest).length) errs.push(invalidRendered(child(p, 'defaultRequest'), 'core.ResourceList{...}', 'may not be specified when `type` is \'Pod\''));
    }
    const names = new Set([...Object.keys(parsed.max), ...Object.keys(parsed.min), ...Object.keys(parsed.default), ...Object.keys(parsed.defaultRequest)]);
    for (const res of names) {
      const { max, min, default: def, defaultRequest: req } = { max: parsed.max[res], min: parsed.min[res], default: parsed.default[res], defaultRequest: parsed.defaultRequest[res] };
      if (min && max && compareQuantity(min, max) > 0) errs.push(field.invalid(key(child(p, 'min'), res), formatQuantity(min), `min value ${formatQuantity(min)} is greater than max value ${formatQuantity(max)}`));
      if (req && min && compareQuantity(min, req) > 0) errs.push(field.invalid(key(child(p, 'defaultRequest'), res), formatQuantity(req), `min value ${formatQuantity(min)} is greater than default request value ${formatQuantity(req)}`));
      if (req && max && compareQuantity(req, max) > 0) errs.push(field.invalid(key(child(p, 'defaultRequest'), res), formatQuantity(req), `default request value ${formatQuantity(req)} is greater than max value ${formatQuantity(max)}`));
      if (req && def && compareQuantity(req, def) > 0) errs.push(field.invalid(key(child(p, 'defaultRequest'), res), formatQuantity(req), `default request value ${formatQuantity(req)} is greater than default limit value ${formatQuantity(def)}`));
      if (def && min && compareQuantity(min, def) > 0) errs.push(field.invalid(key(child(p, 'default'), res), formatQuantity(min), `min value ${formatQuantity(min)} is greater than default value ${formatQuantity(def)}`));
      if (def && max && compareQuantity(def, max) > 0) errs.push(field.invalid(key(child(p, 'default'), res), formatQuantity(max), `default value ${formatQuantity(def)} is greater than max value ${formatQuantity(max)}`));
    }
  });
  return errs;
}

const standardQuotaResources = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory',
  'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const quotaScopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

function isStandardQuotaResource(name: string): boolean {
  return standardQuotaResources.has(name) || name.startsWith('count/') || name.startsWith('requests.hugepages-') || name.endsWith('.storageclass.storage.k8s.io/requests.storage') || name.endsWith('.storageclass.storage.k8s.io/persistentvolumeclaims') || name.startsWith('requests.') || name.includes('/');
}

export function validateResourceQuota(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  for (const [res, v] of Object.entries(objOf(spec.hard))) {
    const p = key('spec.hard', res);
    for (const m of qualifiedName(res, p)) errs.push(m);
    if (!isStandardQuotaResource(res)) errs.push(field.invalid(p, res, 'must be a standard resource for quota'));
    const q = quantityAt(v, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(res, q, p));
  }
  asArr(spec.scopes).forEach((s) => {
    if (!quotaScopes.includes(asStr(s))) errs.push(field.invalid('spec.scopes', asStr(s), 'unsupported scope'));
  });
  return errs;
}

export function validatePodTemplate(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }), ...validatePodTemplateSpec(obj.template, 'template')];
}

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateAccessModes(modes: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (modes.length === 0) errs.push(field.required(path, 'at least 1 access mode is required'));
  let rwop = false;
  let other = false;
  for (const m of modes.map(asStr)) {
    if (!accessModes.includes(m)) errs.push(field.notSupported(path, m, accessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (accessModes.includes(m)) other = true;
  }
  if (rwop && other) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validatePersistentVolume(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  errs.push(...validateAccessModes(asArr(spec.accessModes), 'spec.accessModes'));
  const cap = objOf(spec.capacity);
  if (Object.keys(cap).length === 0) errs.push(field.required('spec.capacity', ''));
  else if (!('storage' in cap) || Object.keys(cap).length > 1) errs.push(field.notSupported('spec.capacity', Object.keys(cap).find((k) => k !== 'storage') ?? '', ['storage']));
  if ('storage' in cap) {
    const q = quantityAt(cap.storage, 'spec.capacity[storage]', errs);
    if (q) errs.push(...validateResourceQuantityValue('storage', q, 'spec.capacity[storage]'));
  }
  const rp = spec.persistentVolumeReclaimPolicy;
  if (typeof rp === 'string' && !['Delete', 'Recycle', 'Retain'].includes(rp)) errs.push(field.notSupported('spec.persistentVolumeReclaimPolicy', rp, ['Delete', 'Recycle', 'Retain']));
  const sources = ['gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs', 'iscsi', 'fc', 'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO', 'local', 'storageos', 'csi'];
  const present = sources.filter((s) => isSet(spec[s]));
  if (present.length === 0) errs.push(field.required('spec', 'must specify a volume type'));
  for (const s of present.slice(1)) errs.push(field.forbidden(child('spec', s), 'may not specify more than 1 volume type'));
  if (present[0] === 'hostPath' && !asStr(objOf(spec.hostPath).path)) errs.push(field.required('spec.hostPath.path', ''));
  if (present[0] === 'local' && !asStr(objOf(spec.local).path)) errs.push(field.required('spec.local.path', ''));
  if (present[0] === 'csi') {
    if (!asStr(objOf(spec.csi).driver)) errs.push(field.required('spec.csi.driver', ''));
    if (!asStr(objOf(spec.csi).volumeHandle)) errs.push(field.required('spec.csi.volumeHandle', ''));
  }
  if (typeof spec.volumeMode === 'string' && !['Block', 'Filesystem'].includes(spec.volumeMode)) errs.push(field.notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  const sc = asStr(spec.storageClassName);
  if (sc) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(field.invalid('spec.storageClassName', sc, m));
  return errs;
}

export function validatePersistentVolumeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...withoutMeta(validatePersistentVolume(obj)));
  const n = objOf(obj.spec);
  const o = objOf(old.spec);
  if (asStr(n.volumeMode) !== asStr(o.volumeMode)) errs.push(field.invalid('volumeMode', asStr(n.volumeMode), fieldImmutableErrorMsg));
  if (isSet(o.csi) && !semanticEqual(objOf(n.csi).volumeHandle, objOf(o.csi).volumeHandle)) errs.push(field.invalid('spec.persistentvolumesource', asStr(objOf(n.csi).volumeHandle), 'spec.persistentvolumesource is immutable after creation'));
  return errs;
}

function validatePVCSpec(specRaw: unknown, path: string): FieldError[] {
  const spec = objOf(specRaw);
  const errs = validateAccessModes(asArr(spec.accessModes), child(path, 'accessModes'));
  if (isSet(spec.selector)) errs.push(...validateLabelSelector(spec.selector, child(path, 'selector')));
  const requests = objOf(objOf(spec.resources).requests);
  const sp = key(child(path, 'resources'), 'storage');
  if (!('storage' in requests)) errs.push(field.required(sp, ''));
  else {
    const q = quantityAt(requests.storage, sp, errs);
    if (q && q.num <= 0n) errs.push(field.invalid(sp, formatQuantity(q), 'must be greater than zero'));
  }
  const sc = spec.storageClassName;
  if (typeof sc === 'string' && sc) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(field.invalid(child(path, 'storageClassName'), sc, m));
  if (typeof spec.volumeMode === 'string' && !['Block', 'Filesystem'].includes(spec.volumeMode)) errs.push(field.notSupported(child(path, 'volumeMode'), spec.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

export { validatePVCSpec };

export function validatePersistentVolumeClaim(obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain }), ...validatePVCSpec(obj.spec, 'spec')];
}

export function validatePersistentVolumeClaimUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...withoutMeta(validatePersistentVolumeClaim(obj)));
  const n = { ...objOf(obj.spec) };
  const o = { ...objOf(old.spec) };
  if (!asStr(o.volumeName)) o.volumeName = n.volumeName;
  const bound = asStr(objOf(obj.status).phase) === 'Bound';
  if (bound) {
    n.resources = { ...objOf(n.resources), requests: { ...objOf(objOf(n.resources).requests), storage: objOf(objOf(o.resources).requests).storage } };
    n.volumeAttributesClassName = o.volumeAttributesClassName;
  }
  if (!semanticEqual(n, o)) errs.push(field.forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiffText(o, n)}`));
  const newSize = objOf(objOf(objOf(obj.spec).resources).requests).storage;
  const oldSize = objOf(objOf(objOf(old.spec).resources).requests).storage;
  const scratch: FieldError[] = [];
  const nq = quantityAt(newSize ?? '0', 'x', scratch);
  const oq = quantityAt(oldSize ?? '0', 'x', scratch);
  if (nq && oq && compareQuantity(nq, oq) < 0) errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  return errs;
}

function specDiffText(o: Record<string, unknown>, n: Record<string, unknown>): string {
  const lines = ['  core.PersistentVolumeClaimSpec{'];
  for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
    if (semanticEqual(o[k], n[k])) continue;
    if (o[k] !== undefined) lines.push(`- \t${k.charAt(0).toUpperCase()}${k.slice(1)}: ${JSON.stringify(o[k])},`);
    if (n[k] !== undefined) lines.push(`+ \t${k.charAt(0).toUpperCase()}${k.slice(1)}: ${JSON.stringify(n[k])},`);
  }
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}


export function validateReplicationController(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  errs.push(...validateNonnegative(asNum(spec.replicas), 'spec.replicas'));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  return errs;
}

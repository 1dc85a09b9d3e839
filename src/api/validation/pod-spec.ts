// PodSpec and PodTemplateSpec validation (pkg/apis/core/validation: ValidatePodSpec and helpers),
// shared by pods and every workload template.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import { notFound, invalidRendered, goStringSlice } from './go-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isConfigMapKey, isRelaxedEnvVarName, isValidPortName, isValidPortNum, isIP, inclusiveRangeError, isQualifiedName, nameIsDNSSubdomain, validateServiceAccountName } from './names.js';
import { validateAnnotations, validateLabels, validateLabelName, validateNonnegative } from './object-meta.js';
import { isValidLabelValue } from './names.js';
import { validateResourceRequirements } from './resources.js';
import { child, index, asArr, asObj, asStr, asNum, objOf, isSet } from './util.js';
import type { Obj } from './util.js';

export interface PodSpecOptions {
  /** The spec belongs to a Pod (not a template): stricter hostPort and image checks. */
  resourceIsPod?: boolean;
  podName?: string;
}

export function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => field.invalid(path, value, m));
}

export function dns1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => field.invalid(path, value, m));
}

export function qualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => field.invalid(path, value, m));
}

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function isAbs(p: string): boolean {
  return p.startsWith('/');
}

function noBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [field.invalid(path, p, "must not contain '..'")] : [];
}

function localDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isAbs(p)) errs.push(field.invalid(path, p, 'must be a relative path'));
  errs.push(...noBacksteps(p, path));
  return errs;
}

function localNonReservedPath(p: string, path: string): FieldError[] {
  const errs = localDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(field.invalid(path, p, "must not start with '..'"));
  return errs;
}

function fileMode(v: unknown, path: string): FieldError[] {
  const n = asNum(v);
  return n !== undefined && (n > 0o777 || n < 0) ? [field.invalid(path, n, fileModeErrorMsg)] : [];
}

function keyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(items).forEach((raw, i) => {
    const kp = objOf(raw);
    const p = index(path, i);
    if (!asStr(kp.key)) errs.push(field.required(child(p, 'key'), ''));
    if (!asStr(kp.path)) errs.push(field.required(child(p, 'path'), ''));
    errs.push(...localNonReservedPath(asStr(kp.path), child(p, 'path')));
    errs.push(...fileMode(kp.mode, child(p, 'mode')));
  });
  return errs;
}

const validVolumeDownwardAPIFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const validEnvDownwardAPIFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const validResourceFieldPaths = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function objectFieldSelector(fs: Obj, valid: string[], path: string): FieldError[] {
  if (!asStr(fs.apiVersion)) return [field.required(child(path, 'apiVersion'), '')];
  const fp = asStr(fs.fieldPath);
  if (!fp) return [field.required(child(path, 'fieldPath'), '')];
  const sub = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fp);
  if (sub) return sub[1] === 'metadata.annotations' ? qualifiedName(sub[2].toLowerCase(), path) : qualifiedName(sub[2], path);
  if (!valid.includes(fp)) return [field.notSupported(child(path, 'fieldPath'), fp, valid)];
  return [];
}

function resourceFieldSelector(rs: Obj, path: string, volume: boolean): FieldError[] {
  if (volume && !asStr(rs.containerName)) return [field.required(child(path, 'containerName'), '')];
  const r = asStr(rs.resource);
  if (!r) return [field.required(child(path, 'resource'), '')];
  if (!validResourceFieldPaths.includes(r) && !r.startsWith('requests.hugepages-') && !r.startsWith('limits.hugepages-')) {
    return [field.notSupported(child(path, 'resource'), r, validResourceFieldPaths)];
  }
  return [];
}

const volumeSourceKeys: Array<[string, string]> = [
  ['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'], ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'], ['cinder', 'cinder'], ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI'], ['fc', 'fc'], ['flexVolume', 'flexVolume'], ['configMap', 'configMap'],
  ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['storageos', 'storageos'], ['projected', 'projected'],
  ['scaleIO', 'scaleIO'], ['csi', 'csi'], ['ephemeral', 'ephemeral'], ['image', 'image'],
];

function validateVolumeSource(vol: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const [jsonKey, errKey] of volumeSourceKeys) {
    if (!isSet(vol[jsonKey])) continue;
    if (n > 0) {
      errs.push(field.forbidden(child(path, errKey), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const src = objOf(vol[jsonKey]);
    const p = child(path, jsonKey);
    switch (jsonKey) {
      case 'hostPath': {
        const hp = asStr(src.path);
        if (!hp) errs.push(field.required(child(p, 'path'), ''));
        else {
          errs.push(...noBacksteps(hp, child(p, 'path')));
          const t = src.type;
          const types = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
          if (typeof t === 'string' && !types.includes(t)) errs.push(field.notSupported(child(p, 'type'), t, types));
        }
        break;
      }
      case 'secret':
        if (!asStr(src.secretName)) errs.push(field.required(child(p, 'secretName'), ''));
        errs.push(...fileMode(src.defaultMode, child(p, 'defaultMode')), ...keyToPaths(src.items, child(p, 'items')));
        break;
      case 'configMap':
        if (!asStr(src.name)) errs.push(field.required(child(p, 'name'), ''));
        errs.push(...fileMode(src.defaultMode, child(p, 'defaultMode')), ...keyToPaths(src.items, child(p, 'items')));
        break;
      case 'persistentVolumeClaim':
        if (!asStr(src.claimName)) errs.push(field.required(child(p, 'claimName'), ''));
        break;
      case 'nfs':
        if (!asStr(src.server)) errs.push(field.required(child(p, 'server'), ''));
        if (!asStr(src.path)) errs.push(field.required(child(p, 'path'), ''));
        if (!isAbs(asStr(src.path))) errs.push(field.invalid(child(p, 'path'), asStr(src.path), 'must be an absolute path'));
        break;
      case 'downwardAPI':
        errs.push(...fileMode(src.defaultMode, child(p, 'defaultMode')));
        for (const item of asArr(src.items)) errs.push(...downwardAPIFile(objOf(item), p));
        break;
      case 'csi':
        if (!asStr(src.driver)) errs.push(field.required(child(p, 'driver'), ''));
        break;
      case 'projected':
        errs.push(...fileMode(src.defaultMode, child(p, 'defaultMode')));
        asArr(src.sources).forEach((s, i) => errs.push(...projectionSource(objOf(s), index(child(p, 'sources'), i))));
        break;
      case 'gitRepo':
        if (!asStr(src.repository)) errs.push(field.required(child(p, 'repository'), ''));
        errs.push(...localDescendingPath(asStr(src.directory), child(p, 'directory')));
        break;
      case 'image':
        if (!asStr(src.reference)) errs.push(field.required(child(p, 'reference'), ''));
        break;
      default:
        break;
    }
  }
  if (n === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

function downwardAPIFile(file: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!asStr(file.path)) errs.push(field.required(child(path, 'path'), ''));
  errs.push(...localNonReservedPath(asStr(file.path), child(path, 'path')));
  if (isSet(file.fieldRef)) {
    errs.push(...objectFieldSelector(objOf(file.fieldRef), validVolumeDownwardAPIFieldPaths, child(path, 'fieldRef')));
    if (isSet(file.resourceFieldRef)) errs.push(field.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isSet(file.resourceFieldRef)) {
    errs.push(...resourceFieldSelector(objOf(file.resourceFieldRef), child(path, 'resourceFieldRef'), true));
  } else {
    errs.push(field.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...fileMode(file.mode, child(path, 'mode')));
  return errs;
}

function projectionSource(src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const k of ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle']) {
    if (!isSet(src[k])) continue;
    n++;
    const s = objOf(src[k]);
    const p = child(path, k);
    if (k === 'secret' || k === 'configMap') {
      if (!asStr(s.name)) errs.push(field.required(child(p, 'name'), ''));
      errs.push(...keyToPaths(s.items, child(p, 'items')));
    } else if (k === 'downwardAPI') {
      for (const item of asArr(s.items)) errs.push(...downwardAPIFile(objOf(item), p));
    } else if (k === 'serviceAccountToken') {
      const exp = asNum(s.expirationSeconds);
      if (exp !== undefined && exp < 10 * 60) errs.push(field.invalid(child(p, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp !== undefined && exp > 2 ** 32) errs.push(field.invalid(child(p, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!asStr(s.path)) errs.push(field.required(child(p, 'path'), ''));
    }
  }
  if (n > 1) errs.push(field.forbidden(path, 'may not specify more than 1 volume type per source'));
  return errs;
}

/** ValidateVolumes: returns the names of valid volumes, for mount checks. */
export function validateVolumes(volumes: unknown, path: string): { names: Map<string, Obj>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const names = new Map<string, Obj>();
  asArr(volumes).forEach((raw, i) => {
    const vol = objOf(raw);
    const p = index(path, i);
    const np = child(p, 'name');
    const name = asStr(vol.name);
    const el = validateVolumeSource(vol, p);
    if (!name) el.push(field.required(np, ''));
    else el.push(...dns1123Label(name, np));
    if (names.has(name)) el.push(field.duplicate(np, name));
    if (el.length === 0) names.set(name, vol);
    else errs.push(...el);
  });
  return { names, errs };
}

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArr(ports).forEach((raw, i) => {
    const port = objOf(raw);
    const p = index(path, i);
    const name = asStr(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(field.invalid(child(p, 'name'), name, m));
      else if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const cp = asNum(port.containerPort) ?? 0;
    if (cp === 0) errs.push(field.required(child(p, 'containerPort'), ''));
    else for (const m of isValidPortNum(cp)) errs.push(field.invalid(child(p, 'containerPort'), cp, m));
    const hp = asNum(port.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(field.invalid(child(p, 'hostPort'), hp, m));
    const proto = asStr(port.protocol);
    if (!proto) errs.push(field.required(child(p, 'protocol'), ''));
    else if (!supportedPortProtocols.includes(proto)) errs.push(field.notSupported(child(p, 'protocol'), proto, supportedPortProtocols));
  });
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(env).forEach((raw, i) => {
    const ev = objOf(raw);
    const p = index(path, i);
    const name = asStr(ev.name);
    if (!name) errs.push(field.required(child(p, 'name'), ''));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(field.invalid(child(p, 'name'), name, m));
    errs.push(...envVarValueFrom(ev, child(p, 'valueFrom')));
  });
  return errs;
}

function keySelector(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of nameIsDNSSubdomain(asStr(s.name), false)) errs.push(field.invalid(child(path, 'name'), asStr(s.name), m));
  const k = asStr(s.key);
  if (!k) errs.push(field.required(child(path, 'key'), ''));
  else for (const m of isConfigMapKey(k)) errs.push(field.invalid(child(path, 'key'), k, m));
  return errs;
}

function envVarValueFrom(ev: Obj, path: string): FieldError[] {
  const vf = asObj(ev.valueFrom);
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (isSet(vf.fieldRef)) {
    n++;
    errs.push(...objectFieldSelector(objOf(vf.fieldRef), validEnvDownwardAPIFieldPaths, child(path, 'fieldRef')));
  }
  if (isSet(vf.resourceFieldRef)) {
    n++;
    errs.push(...resourceFieldSelector(objOf(vf.resourceFieldRef), child(path, 'resourceFieldRef'), false));
  }
  if (isSet(vf.configMapKeyRef)) {
    n++;
    errs.push(...keySelector(objOf(vf.configMapKeyRef), child(path, 'configMapKeyRef')));
  }
  if (isSet(vf.secretKeyRef)) {
    n++;
    errs.push(...keySelector(objOf(vf.secretKeyRef), child(path, 'secretKeyRef')));
  }
  if (n === 0) errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (asStr(ev.value)) errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(envFrom).forEach((raw, i) => {
    const ev = objOf(raw);
    const p = index(path, i);
    const prefix = asStr(ev.prefix);
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(field.invalid(child(p, 'prefix'), prefix, m));
    let n = 0;
    for (const k of ['configMapRef', 'secretRef']) {
      if (!isSet(ev[k])) continue;
      n++;
      const name = asStr(objOf(ev[k]).name);
      if (!name) errs.push(field.required(child(child(p, k), 'name'), ''));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(field.invalid(child(child(p, k), 'name'), name, m));
    }
    if (n === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, devices: Map<string, string>, volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  asArr(mounts).forEach((raw, i) => {
    const m = objOf(raw);
    const p = index(path, i);
    const name = asStr(m.name);
    const mp = asStr(m.mountPath);
    if (!name) errs.push(field.required(child(p, 'name'), ''));
    if (!volumes.has(name)) errs.push(notFound(child(p, 'name'), name));
    if (!mp) errs.push(field.required(child(p, 'mountPath'), ''));
    if (mountPoints.has(mp)) errs.push(field.invalid(child(p, 'mountPath'), mp, 'must be unique'));
    mountPoints.add(mp);
    if (devices.has(name)) errs.push(field.invalid(child(p, 'name'), name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mp)) errs.push(field.invalid(child(p, 'mountPath'), mp, 'must not already exist as a path in volumeDevices'));
    const subPath = asStr(m.subPath);
    const subPathExpr = asStr(m.subPathExpr);
    if (subPath) errs.push(...localDescendingPath(subPath, child(path, 'subPath')));
    if (subPathExpr) {
      if (subPath) errs.push(field.invalid(child(p, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...localDescendingPath(subPathExpr, child(path, 'subPathExpr')));
    }
    const prop = m.mountPropagation;
    if (typeof prop === 'string') {
      const valid = ['Bidirectional', 'HostToContainer', 'None'];
      if (!valid.includes(prop)) errs.push(field.notSupported(child(path, 'mountPropagation'), prop, valid));
    }
  });
  return errs;
}

function validateProbeHandler(h: Obj, path: string, gracePeriod: number | undefined, allowSleep: boolean, allowGrpc: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const kinds = ['exec', 'httpGet', 'tcpSocket', ...(allowGrpc ? ['grpc'] : []), ...(allowSleep ? ['sleep'] : [])];
  for (const k of kinds) {
    if (!isSet(h[k])) continue;
    const p = child(path, k);
    if (n > 0) {
      errs.push(field.forbidden(p, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const a = objOf(h[k]);
    if (k === 'exec' && asArr(a.command).length === 0) errs.push(field.required(child(p, 'command'), ''));
    if (k === 'httpGet') {
      if (!asStr(a.path)) errs.push(field.required(child(p, 'path'), ''));
      errs.push(...portNumOrName(a.port, child(p, 'port')));
      const scheme = asStr(a.scheme);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(field.notSupported(child(p, 'scheme'), scheme, ['HTTP', 'HTTPS']));
    }
    if (k === 'tcpSocket') errs.push(...portNumOrName(a.port, child(p, 'port')));
    if (k === 'grpc') errs.push(...portNumOrName(asNum(a.port) ?? 0, child(p, 'port')));
    if (k === 'sleep' && gracePeriod !== undefined) {
      const s = asNum(a.seconds) ?? 0;
      if (s < 0 || s > gracePeriod) errs.push(field.invalid(p, s, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
    }
  }
  if (n === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

export function portNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => field.invalid(path, port, m));
  return isValidPortNum(0).map((m) => field.invalid(path, 0, m));
}

function validateProbe(probe: unknown, path: string, gracePeriod: number | undefined, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  const pr = asObj(probe);
  if (!pr) return [];
  const errs = validateProbeHandler(pr, path, gracePeriod, false, true);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...validateNonnegative(asNum(pr[k]), child(path, k)));
  const tgps = asNum(pr.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind !== 'readiness' && (asNum(pr.successThreshold) ?? 0) !== 1) errs.push(field.invalid(child(path, 'successThreshold'), asNum(pr.successThreshold) ?? 0, 'must be 1'));
  if (kind === 'readiness' && tgps !== undefined) errs.push(field.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  return errs;
}

function validateLifecycle(lc: Obj, path: string, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['postStart', 'preStop']) if (isSet(lc[k])) errs.push(...validateProbeHandler(objOf(lc[k]), child(path, k), gracePeriod, true, false));
  return errs;
}

function validateSecurityContext(sc: unknown, path: string): FieldError[] {
  const s = asObj(sc);
  if (!s) return [];
  const errs: FieldError[] = [];
  for (const k of ['runAsUser', 'runAsGroup']) {
    const v = asNum(s[k]);
    if (v !== undefined && (v < 0 || v > 2147483647)) errs.push(field.invalid(child(path, k), v, inclusiveRangeError(0, 2147483647)));
  }
  const pm = s.procMount;
  if (typeof pm === 'string' && pm !== 'Default' && pm !== 'Unmasked') errs.push(field.notSupported(child(path, 'procMount'), pm, ['Default', 'Unmasked']));
  errs.push(...seccompProfile(s.seccompProfile, child(path, 'seccompProfile')));
  if (s.allowPrivilegeEscalation === false && s.privileged === true) {
    errs.push(invalidRendered(path, '&core.SecurityContext{...}', 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

function seccompProfile(sp: unknown, path: string): FieldError[] {
  const s = asObj(sp);
  if (!s) return [];
  const t = asStr(s.type);
  const valid = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!t) return [field.required(child(path, 'type'), 'type is required when seccompProfile is set')];
  if (!valid.includes(t)) return [field.notSupported(child(path, 'type'), t, valid)];
  if (t === 'Localhost' && !asStr(s.localhostProfile)) return [field.required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost')];
  if (t !== 'Localhost' && isSet(s.localhostProfile)) return [field.invalid(child(path, 'localhostProfile'), asStr(s.localhostProfile), 'can only be set when seccomp type is Localhost')];
  return [];
}

function validateContainerCommon(c: Obj, volumes: Map<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asStr(c.name);
  if (!name) errs.push(field.required(child(path, 'name'), ''));
  else errs.push(...dns1123Label(name, child(path, 'name')));
  if (!asStr(c.image)) errs.push(field.required(child(path, 'image'), ''));
  const tmp = asStr(c.terminationMessagePolicy);
  if (!tmp) errs.push(field.required(child(path, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(field.notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  const devices = new Map<string, string>();
  for (const d of asArr(c.volumeDevices)) devices.set(asStr(objOf(d).name), asStr(objOf(d).devicePath));
  errs.push(...validateContainerPorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, devices, volumes, child(path, 'volumeMounts')));
  const ipp = asStr(c.imagePullPolicy);
  if (!ipp) errs.push(field.required(child(path, 'imagePullPolicy'), ''));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(ipp)) errs.push(field.notSupported(child(path, 'imagePullPolicy'), ipp, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  errs.push(...validateSecurityContext(c.securityContext, child(path, 'securityContext')));
  return errs;
}

function hostPortConflicts(containers: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    asArr(c.ports).forEach((raw, pi) => {
      const port = objOf(raw);
      const hp = asNum(port.hostPort) ?? 0;
      if (hp === 0) return;
      const k = `${asStr(port.protocol)}/${asStr(port.hostIP)}/${hp}`;
      if (seen.has(k)) errs.push(field.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    });
  });
  return errs;
}

function validateContainers(list: Obj[], volumes: Map<string, Obj>, gracePeriod: number | undefined, path: string): FieldError[] {
  if (list.length === 0) return [field.required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const name = asStr(c.name);
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else names.add(name);
    if (isSet(c.lifecycle)) errs.push(...validateLifecycle(objOf(c.lifecycle), child(p, 'lifecycle'), gracePeriod));
    errs.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), gracePeriod, 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), gracePeriod, 'readiness'));
    errs.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), gracePeriod, 'startup'));
    if (isSet(c.restartPolicy)) errs.push(field.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(list, path));
  return errs;
}

function validateInitContainers(list: Obj[], regular: Obj[], volumes: Map<string, Obj>, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => asStr(c.name)));
  list.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    let restartAlways = false;
    if (isSet(c.restartPolicy)) {
      const rp = asStr(c.restartPolicy);
      if (rp !== 'Always') errs.push(field.notSupported(child(p, 'restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = asStr(c.name);
    if (names.has(name)) errs.push(field.duplicate(child(p, 'name'), name));
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([c], path));
    if (restartAlways) {
      if (isSet(c.lifecycle)) errs.push(...validateLifecycle(objOf(c.lifecycle), child(p, 'lifecycle'), gracePeriod));
      errs.push(...validateProbe(c.livenessProbe, child(p, 'livenessProbe'), gracePeriod, 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, child(p, 'readinessProbe'), gracePeriod, 'readiness'));
      errs.push(...validateProbe(c.startupProbe, child(p, 'startupProbe'), gracePeriod, 'startup'));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(c[k])) errs.push(field.forbidden(child(p, k), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(tolerations).forEach((raw, i) => {
    const t = objOf(raw);
    const p = index(path, i);
    const k = asStr(t.key);
    const op = asStr(t.operator);
    const effect = asStr(t.effect);
    if (k) errs.push(...validateLabelName(k, child(p, 'key')));
    if (!k && op !== 'Exists') errs.push(field.invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (isSet(t.tolerationSeconds) && effect !== 'NoExecute') errs.push(field.invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(asStr(t.value));
      if (msgs.length) errs.push(field.invalid(child(p, 'operator'), asStr(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (asStr(t.value)) errs.push(field.invalid(child(p, 'operator'), asStr(t.value), "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(field.notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) errs.push(field.notSupported(child(p, 'effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  });
  return errs;
}

export { validateTolerations };

function validatePodDNSConfig(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const cfg = asObj(spec.dnsConfig);
  if (asStr(spec.dnsPolicy) === 'None') {
    if (!cfg) return [field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (asArr(cfg.nameservers).length === 0) return [field.required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return errs;
  const ns = asArr(cfg.nameservers).map(asStr);
  if (ns.length > 3) errs.push(invalidRendered(child(path, 'nameservers'), goStringSlice(ns), 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => {
    if (!isIP(n)) errs.push(field.invalid(index(child(path, 'nameservers'), i), n, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  const searches = asArr(cfg.searches).map(asStr);
  if (searches.length > 32) errs.push(invalidRendered(child(path, 'searches'), goStringSlice(searches), 'must not have more than 32 search paths'));
  searches.forEach((s, i) => {
    if (s !== '.') errs.push(...dns1123Subdomain(s.replace(/\.$/, ''), index(child(path, 'searches'), i)));
  });
  asArr(cfg.options).forEach((o, i) => {
    if (!asStr(objOf(o).name)) errs.push(field.required(index(child(path, 'options'), i), 'must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(spec: Obj, path: string): FieldError[] {
  const sc = asObj(spec.securityContext);
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const k of ['fsGroup', 'runAsUser', 'runAsGroup']) {
    const v = asNum(sc[k]);
    if (v !== undefined && (v < 0 || v > 2147483647)) errs.push(field.invalid(child(path, k), v, inclusiveRangeError(0, 2147483647)));
  }
  asArr(sc.supplementalGroups).forEach((g, i) => {
    const v = asNum(g) ?? 0;
    if (v < 0 || v > 2147483647) errs.push(field.invalid(index(child(path, 'supplementalGroups'), i), v, inclusiveRangeError(0, 2147483647)));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(field.invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const fgp = sc.fsGroupChangePolicy;
  if (typeof fgp === 'string' && fgp !== 'OnRootMismatch' && fgp !== 'Always') errs.push(field.notSupported(child(path, 'fsGroupChangePolicy'), fgp, ['Always', 'OnRootMismatch']));
  errs.push(...seccompProfile(sc.seccompProfile, child(path, 'seccompProfile')));
  return errs;
}

export function validatePodSpec(specRaw: unknown, path: string, opts: PodSpecOptions = {}): FieldError[] {
  const spec = objOf(specRaw);
  const errs: FieldError[] = [];
  const gracePeriod = asNum(spec.terminationGracePeriodSeconds);
  if (!isSet(spec.terminationGracePeriodSeconds)) errs.push(field.required(child(path, 'terminationGracePeriodSeconds'), ''));
  const { names: volumes, errs: vErrs } = validateVolumes(spec.volumes, child(path, 'volumes'));
  errs.push(...vErrs);
  const containers = asArr(spec.containers).map(objOf);
  const initContainers = asArr(spec.initContainers).map(objOf);
  errs.push(...validateContainers(containers, volumes, gracePeriod, child(path, 'containers')));
  errs.push(...validateInitContainers(initContainers, containers, volumes, gracePeriod, child(path, 'initContainers')));
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) => {
      asArr(c.ports).forEach((raw, j) => {
        const port = objOf(raw);
        const hp = asNum(port.hostPort) ?? 0;
        const cp = asNum(port.containerPort) ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(field.invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  const rp = asStr(spec.restartPolicy);
  if (!rp) errs.push(field.required(child(path, 'restartPolicy'), ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(field.notSupported(child(path, 'restartPolicy'), rp, ['Always', 'OnFailure', 'Never']));
  const dp = asStr(spec.dnsPolicy);
  if (!dp) errs.push(field.required(child(path, 'dnsPolicy'), ''));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp)) errs.push(field.notSupported(child(path, 'dnsPolicy'), dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, child(path, 'securityContext')));
  asArr(spec.imagePullSecrets).forEach((s, i) => {
    const o = objOf(s);
    if (Object.keys(o).some((k) => k !== 'name')) errs.push(invalidRendered(index(child(path, 'imagePullSecrets'), i), `core.LocalObjectReference{Name:${JSON.stringify(asStr(o.name))}}`, 'only name may be set'));
  });
  errs.push(...validatePodDNSConfig(spec, child(path, 'dnsConfig')));
  asArr(spec.readinessGates).forEach((g, i) => errs.push(...qualifiedName(asStr(objOf(g).conditionType), child(index(child(path, 'readinessGates'), i), 'conditionType'))));
  const sa = asStr(spec.serviceAccountName);
  if (sa) for (const m of validateServiceAccountName(sa, false)) errs.push(field.invalid(child(path, 'serviceAccountName'), sa, m));
  const node = asStr(spec.nodeName);
  if (node) for (const m of nameIsDNSSubdomain(node, false)) errs.push(field.invalid(child(path, 'nodeName'), node, m));
  const ads = asNum(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > 2147483647)) errs.push(field.invalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, 2147483647)));
  if (asStr(spec.hostname)) errs.push(...dns1123Label(asStr(spec.hostname), child(path, 'hostname')));
  if (asStr(spec.subdomain)) errs.push(...dns1123Label(asStr(spec.subdomain), child(path, 'subdomain')));
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  asArr(spec.hostAliases).forEach((raw, i) => {
    const ha = objOf(raw);
    const p = index(child(path, 'hostAliases'), i);
    if (!isIP(asStr(ha.ip))) errs.push(field.invalid(child(p, 'ip'), asStr(ha.ip), 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    asArr(ha.hostnames).forEach((h, j) => errs.push(...dns1123Subdomain(asStr(h), index(child(p, 'hostnames'), j))));
  });
  const pcn = asStr(spec.priorityClassName);
  if (pcn) for (const m of nameIsDNSSubdomain(pcn, false)) errs.push(field.invalid(child(path, 'priorityClassName'), pcn, m));
  if (typeof spec.runtimeClassName === 'string') for (const m of nameIsDNSSubdomain(spec.runtimeClassName, false)) errs.push(field.invalid(child(path, 'runtimeClassName'), spec.runtimeClassName, m));
  // The RuntimeClass admission plugin fills overhead; upstream holds it to the container-limits rules.
  if (Object.keys(objOf(spec.overhead)).length) errs.push(...validateResourceRequirements({ limits: spec.overhead }, child(path, 'overhead')));
  if (typeof spec.preemptionPolicy === 'string') {
    const pp = spec.preemptionPolicy;
    if (!pp) errs.push(field.required(child(path, 'preemptionPolicy'), ''));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(field.notSupported(child(path, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  const os = asObj(spec.os);
  if (os) {
    const n = asStr(os.name);
    if (!n) errs.push(field.required(child(child(path, 'os'), 'name'), ''));
    else if (n !== 'linux' && n !== 'windows') errs.push(field.notSupported(child(child(path, 'os'), 'name'), n, ['linux', 'windows']));
  }
  return errs;
}

/** ValidatePodTemplateSpec: note upstream reports template labels at `<path>.labels`, not `metadata.labels`. */
/**
 * A StatefulSet's template (upstream's ValidatePodTemplateSpecForStatefulSet): only its labels and
 * annotations, since its volume mounts may name volumeClaimTemplates that only the controller
 * turns into volumes.
 */
export function validatePodTemplateSpecForStatefulSet(templateRaw: unknown, path: string): FieldError[] {
  const meta = objOf(objOf(templateRaw).metadata);
  return [...validateLabels(meta.labels, child(path, 'labels')), ...validateAnnotations(meta.annotations, child(path, 'annotations'))];
}

export function validatePodTemplateSpec(templateRaw: unknown, path: string): FieldError[] {
  const t = objOf(templateRaw);
  const meta = objOf(t.metadata);
  const errs = validateLabels(meta.labels, child(path, 'labels'));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validatePodSpec(t.spec, child(path, 'spec')));
  if (asArr(objOf(t.spec).ephemeralContainers).length > 0) errs.push(field.forbidden(child(child(path, 'spec'), 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  return errs;
}

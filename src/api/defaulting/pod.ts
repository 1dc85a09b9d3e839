// v1 Pod and PodSpec defaults (pkg/apis/core/v1/defaults.go plus the generated per-field defaults).

import type { KubeObject } from '../object.js';
import { ensureObj, objAt, arrAt, setDefault, isObj } from './util.js';
import type { Obj } from './util.js';

/** parsers.ParseImageName's tag: "latest" when neither tag nor digest is given. */
export function imageTag(image: string): string {
  if (!image) return '';
  if (image.includes('@')) {
    const beforeDigest = image.slice(0, image.indexOf('@'));
    const lastSlash = beforeDigest.lastIndexOf('/');
    const colon = beforeDigest.lastIndexOf(':');
    return colon > lastSlash ? beforeDigest.slice(colon + 1) : '';
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

function defaultHTTPGet(h: Obj | undefined): void {
  if (!h) return;
  setDefault(h, 'path', '/');
  setDefault(h, 'scheme', 'HTTP');
}

function defaultHandler(h: Obj | undefined): void {
  if (!h) return;
  defaultHTTPGet(objAt(h, 'httpGet'));
  const grpc = objAt(h, 'grpc');
  if (grpc && grpc.service === undefined) grpc.service = '';
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === 0) p[k] = v;
  }
  defaultHandler(p);
}

function defaultFieldRef(f: Obj | undefined): void {
  if (f) setDefault(f, 'apiVersion', 'v1');
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  // ResourceRequirements is a struct, so it always serialises (as `{}` when empty).
  ensureObj(c, 'resources');
  for (const p of arrAt(c, 'ports')) setDefault(p, 'protocol', 'TCP');
  for (const e of arrAt(c, 'env')) {
    const vf = objAt(e, 'valueFrom');
    if (vf) defaultFieldRef(objAt(vf, 'fieldRef'));
  }
  defaultProbe(objAt(c, 'livenessProbe'));
  defaultProbe(objAt(c, 'readinessProbe'));
  defaultProbe(objAt(c, 'startupProbe'));
  const lc = objAt(c, 'lifecycle');
  if (lc) {
    defaultHandler(objAt(lc, 'postStart'));
    defaultHandler(objAt(lc, 'preStop'));
  }
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function defaultDownwardItems(items: Obj[]): void {
  for (const it of items) defaultFieldRef(objAt(it, 'fieldRef'));
}

function defaultVolume(v: Obj): void {
  if (!volumeSources.some((k) => isObj(v[k]))) v.emptyDir = {};
  const secret = objAt(v, 'secret');
  if (secret) setDefault(secret, 'defaultMode', 420);
  const cm = objAt(v, 'configMap');
  if (cm) setDefault(cm, 'defaultMode', 420);
  const dapi = objAt(v, 'downwardAPI');
  if (dapi) {
    setDefault(dapi, 'defaultMode', 420);
    defaultDownwardItems(arrAt(dapi, 'items'));
  }
  const proj = objAt(v, 'projected');
  if (proj) {
    setDefault(proj, 'defaultMode', 420);
    for (const s of arrAt(proj, 'sources')) {
      const d = objAt(s, 'downwardAPI');
      if (d) defaultDownwardItems(arrAt(d, 'items'));
      const sat = objAt(s, 'serviceAccountToken');
      if (sat) setDefault(sat, 'expirationSeconds', 3600);
    }
  }
  const hp = objAt(v, 'hostPath');
  if (hp && hp.type === undefined) hp.type = '';
  const iscsi = objAt(v, 'iscsi');
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default');
  const rbd = objAt(v, 'rbd');
  if (rbd) {
    setDefault(rbd, 'pool', 'rbd');
    setDefault(rbd, 'user', 'admin');
    setDefault(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const ad = objAt(v, 'azureDisk');
  if (ad) {
    setDefault(ad, 'cachingMode', 'ReadWrite');
    setDefault(ad, 'fsType', 'ext4');
    if (ad.readOnly === undefined) ad.readOnly = false;
    setDefault(ad, 'kind', 'Shared');
  }
  const sio = objAt(v, 'scaleIO');
  if (sio) {
    setDefault(sio, 'storageMode', 'ThinProvisioned');
    setDefault(sio, 'fsType', 'xfs');
  }
  const eph = objAt(v, 'ephemeral');
  const ct = eph && objAt(eph, 'volumeClaimTemplate');
  if (ct) setDefault(ensureObj(ct, 'spec'), 'volumeMode', 'Filesystem');
}

/** SetDefaults_PodSpec and the generated defaults for everything a PodSpec holds. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (typeof spec.terminationGracePeriodSeconds !== 'number') spec.terminationGracePeriodSeconds = 30;
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of arrAt(spec, 'containers')) defaultContainer(c);
  for (const c of arrAt(spec, 'initContainers')) defaultContainer(c);
  for (const c of arrAt(spec, 'ephemeralContainers')) defaultContainer(c);
  for (const v of arrAt(spec, 'volumes')) defaultVolume(v);
  if (spec.hostNetwork === true) {
    // A Pod (not a template) on the host network: hostPort mirrors containerPort.
    for (const list of ['containers', 'initContainers']) {
      for (const c of arrAt(spec, list)) for (const p of arrAt(c, 'ports')) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

/** PodTemplateSpec defaults: the spec's, plus `creationTimestamp: null` that a zero metav1.Time serialises as. */
export function defaultPodTemplate(template: Obj): void {
  const meta = ensureObj(template, 'metadata');
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
  defaultPodSpec(ensureObj(template, 'spec'));
}

function copyLimitsToRequests(c: Obj): void {
  const res = objAt(c, 'resources');
  const limits = res && objAt(res, 'limits');
  if (!res || !limits) return;
  const requests = ensureObj(res, 'requests');
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
}

export function defaultPod(pod: KubeObject): void {
  const spec = ensureObj(pod as Obj, 'spec');
  // Only Pods (not templates) get requests from limits and service links.
  for (const list of ['containers', 'initContainers']) for (const c of arrAt(spec, list)) copyLimitsToRequests(c);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  defaultPodSpec(spec);
}

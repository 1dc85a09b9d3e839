// Defaults for the remaining kinds: Namespace, Secret, PV/PVC, Node, Endpoints, EndpointSlice, RBAC,
// NetworkPolicy, IngressClass, StorageClass, LimitRange, PodTemplate.

import type { KubeObject } from '../object.js';
import { defaultPodTemplate } from './pod.js';
import { ensureObj, objAt, arrAt, setDefault, isObj } from './util.js';
import type { Obj } from './util.js';

/** SetDefaults_Namespace (name label) and SetDefaults_NamespaceStatus (phase Active). */
export function defaultNamespace(ns: KubeObject): void {
  const meta = ensureObj(ns as Obj, 'metadata');
  if (typeof meta.name === 'string' && meta.name) ensureObj(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  setDefault(ensureObj(ns as Obj, 'status'), 'phase', 'Active');
}

/** Namespace create: defaults plus the strategy's `spec.finalizers: [kubernetes]`. */
export function admitNamespace(ns: KubeObject): void {
  defaultNamespace(ns);
  const spec = ensureObj(ns as Obj, 'spec');
  const fin = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  if (!fin.includes('kubernetes')) fin.push('kubernetes');
  spec.finalizers = fin;
}

export function defaultSecret(obj: KubeObject): void {
  setDefault(obj as Obj, 'type', 'Opaque');
}

export function defaultPersistentVolume(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const hp = objAt(spec, 'hostPath');
  if (hp && hp.type === undefined) hp.type = '';
  setDefault(ensureObj(obj as Obj, 'status'), 'phase', 'Pending');
}

export function defaultPersistentVolumeClaim(obj: KubeObject): void {
  setDefault(ensureObj(obj as Obj, 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureObj(obj as Obj, 'status'), 'phase', 'Pending');
}

export function defaultNode(obj: KubeObject): void {
  const status = objAt(obj as Obj, 'status');
  if (status && isObj(status.capacity) && !isObj(status.allocatable)) status.allocatable = { ...status.capacity };
}

export function defaultEndpoints(obj: KubeObject): void {
  for (const ss of arrAt(obj as Obj, 'subsets')) for (const p of arrAt(ss, 'ports')) setDefault(p, 'protocol', 'TCP');
}

export function defaultEndpointSlice(obj: KubeObject): void {
  for (const p of arrAt(obj as Obj, 'ports')) {
    if (p.name === undefined || p.name === null) p.name = '';
    setDefault(p, 'protocol', 'TCP');
  }
}

function defaultSubjects(obj: Obj): void {
  for (const s of arrAt(obj, 'subjects')) {
    if (s.apiGroup) continue;
    // ServiceAccount subjects default to the core group "", which omitempty drops from the wire.
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
  }
}

export function defaultRoleBinding(obj: KubeObject): void {
  defaultSubjects(obj as Obj);
  setDefault(ensureObj(obj as Obj, 'roleRef'), 'apiGroup', 'rbac.authorization.k8s.io');
}

export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  for (const rule of [...arrAt(spec, 'ingress'), ...arrAt(spec, 'egress')]) for (const p of arrAt(rule, 'ports')) setDefault(p, 'protocol', 'TCP');
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  ensureObj(spec, 'podSelector');
}

export function defaultIngressClass(obj: KubeObject): void {
  const params = objAt(ensureObj(obj as Obj, 'spec'), 'parameters');
  if (params) setDefault(params, 'scope', 'Cluster');
}

/** SetDefaults_PriorityClass: classes preempt unless they say otherwise. */
export function defaultPriorityClass(obj: KubeObject): void {
  setDefault(obj as Obj, 'preemptionPolicy', 'PreemptLowerPriority');
}

export function defaultStorageClass(obj: KubeObject): void {
  setDefault(obj as Obj, 'reclaimPolicy', 'Delete');
  setDefault(obj as Obj, 'volumeBindingMode', 'Immediate');
}

export function defaultLimitRange(obj: KubeObject): void {
  for (const item of arrAt(ensureObj(obj as Obj, 'spec'), 'limits')) {
    if (item.type !== 'Container') continue;
    const def: Obj = isObj(item.default) ? { ...item.default } : {};
    const req: Obj = isObj(item.defaultRequest) ? { ...item.defaultRequest } : {};
    for (const [k, v] of Object.entries(isObj(item.max) ? item.max : {})) if (def[k] === undefined) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (req[k] === undefined) req[k] = v;
    for (const [k, v] of Object.entries(isObj(item.min) ? item.min : {})) if (req[k] === undefined) req[k] = v;
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(req).length) item.defaultRequest = req;
  }
}

export function defaultPodTemplateObject(obj: KubeObject): void {
  defaultPodTemplate(ensureObj(obj as Obj, 'template'));
}

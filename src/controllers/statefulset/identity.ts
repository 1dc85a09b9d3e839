// A StatefulSet pod's stable identity (upstream's stateful_set_utils): name <set>-<ordinal>,
// hostname and subdomain, the pod-name / pod-index / controller-revision-hash labels, and the
// PersistentVolumeClaims <template>-<set>-<ordinal> mounted in place of same-named volumes.

import type { KubeObject, OwnerReference } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import { objOf as obj } from '../../api/validation/util.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).map(obj) : []);

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata?.name}-${ordinal}`;
}

/** Parses <parent>-<ordinal>; the ordinal is -1 when the name has none. */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } {
  const m = /^(.*)-([0-9]+)$/.exec(name);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return Number.isSafeInteger(n) && n <= 2147483647 ? { parent: m[1]!, ordinal: n } : { parent: '', ordinal: -1 };
}

export function getOrdinal(pod: KubeObject): number {
  return parentAndOrdinal(pod.metadata?.name ?? '').ordinal;
}

export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod.metadata?.name ?? '').parent === set.metadata?.name;
}

export function startOrdinal(set: KubeObject): number {
  const start = obj(obj(set.spec).ordinals).start;
  return typeof start === 'number' ? start : 0;
}

export function specReplicas(set: KubeObject): number {
  const r = obj(set.spec).replicas;
  return typeof r === 'number' ? r : 1;
}

export function claimName(set: KubeObject, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata?.name}-${ordinal}`;
}

export function stsOwnerRef(set: KubeObject): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata?.name ?? '', uid: set.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The claims a pod of this ordinal needs, keyed by template name (getPersistentVolumeClaims). */
export function newClaims(set: KubeObject, ordinal: number): Map<string, KubeObject> {
  const spec = obj(set.spec);
  const matchLabels = obj(obj(spec.selector).matchLabels) as Record<string, string>;
  const claims = new Map<string, KubeObject>();
  for (const t of arr(spec.volumeClaimTemplates)) {
    const tmpl = cloneJson(t) as KubeObject;
    const meta = tmpl.metadata ?? {};
    const name = meta.name ?? '';
    claims.set(name, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      ...tmpl,
      metadata: { ...meta, name: claimName(set, name, ordinal), namespace: set.metadata?.namespace, labels: { ...(meta.labels ?? {}), ...matchLabels } },
      status: undefined,
    });
  }
  return claims;
}

/** newStatefulSetPod + setPodRevision: the pod for an ordinal from the set's (revision's) template. */
export function newStatefulSetPod(set: KubeObject, ordinal: number, revisionName: string): KubeObject {
  const spec = obj(set.spec);
  const template = obj(cloneJson(spec.template));
  const tmeta = obj(template.metadata);
  const name = podName(set, ordinal);
  const podSpec = obj(template.spec);
  const labels: Record<string, string> = { ...(obj(tmeta.labels) as Record<string, string>), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revisionName };
  const meta: Obj = { name, namespace: set.metadata?.namespace, labels, ownerReferences: [stsOwnerRef(set)] };
  if (tmeta.annotations) meta.annotations = tmeta.annotations;
  if (tmeta.finalizers) meta.finalizers = tmeta.finalizers;
  podSpec.hostname = name;
  if (typeof spec.serviceName === 'string' && spec.serviceName) podSpec.subdomain = spec.serviceName;
  // Claim volumes replace template volumes of the same name.
  const claims = newClaims(set, ordinal);
  if (claims.size > 0) {
    const volumes = arr(podSpec.volumes).filter((v) => !claims.has(v.name as string));
    const claimVolumes = [...claims].map(([tname, c]) => ({ name: tname, persistentVolumeClaim: { claimName: c.metadata!.name! } }));
    podSpec.volumes = [...claimVolumes, ...volumes];
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta as KubeObject['metadata'], spec: podSpec };
}

/** Whether the pod carries the identity of its ordinal (identityMatches). */
export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const ordinal = getOrdinal(pod);
  const s = obj(pod.spec);
  const l = pod.metadata?.labels ?? {};
  const svc = obj(set.spec).serviceName;
  return ordinal >= 0 && pod.metadata?.name === podName(set, ordinal) && pod.metadata?.namespace === set.metadata?.namespace && l[POD_NAME_LABEL] === pod.metadata?.name && s.hostname === pod.metadata?.name && (s.subdomain ?? '') === (svc ?? '') && l[POD_INDEX_LABEL] === String(ordinal);
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata?.labels?.[REVISION_LABEL] ?? '';
}

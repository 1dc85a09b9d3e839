// The pod a DaemonSet places on a node (upstream's daemon/util): the template with the default
// daemon tolerations, the revision hash and template generation labels, and required node
// affinity pinning it to the node by metadata.name for the scheduler to honour.

import type { KubeObject } from '../../api/object.js';
import { cloneJson } from '../../api/object.js';
import type { Toleration } from '../../api/taints.js';
import { objOf as obj } from '../../api/validation/util.js';

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).map(obj) : []);

export const REVISION_HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** AddOrUpdateDaemonPodTolerations: a daemon pod survives node conditions other pods are evicted for. */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** Adds each default toleration, replacing one with the same key and effect (AddOrUpdateTolerationInPodSpec). */
export function addDaemonTolerations(podSpec: Obj): void {
  const tolerations = arr(podSpec.tolerations) as Toleration[];
  for (const t of daemonTolerations(podSpec.hostNetwork === true)) {
    const i = tolerations.findIndex((x) => (x.key ?? '') === t.key && (x.effect ?? '') === t.effect);
    if (i < 0) tolerations.push(t);
    else if (JSON.stringify(tolerations[i]) !== JSON.stringify(t)) tolerations[i] = t;
  }
  podSpec.tolerations = tolerations as unknown as Obj[];
}

/** The DaemonSet's templateGeneration (from the annotation the API server keeps), if any. */
export function templateGeneration(ds: KubeObject): number | undefined {
  const a = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return a !== undefined && /^\d+$/.test(a) ? Number(a) : undefined;
}

/** CreatePodTemplate: the template with tolerations and the generation / hash labels. */
export function daemonPodTemplate(ds: KubeObject, hash: string): Obj {
  const t = obj(cloneJson(obj(ds.spec).template));
  const meta = obj(t.metadata);
  const spec = obj(t.spec);
  addDaemonTolerations(spec);
  const labels = { ...(obj(meta.labels) as Record<string, string>) };
  const gen = templateGeneration(ds);
  if (gen !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(gen);
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  meta.labels = labels;
  t.metadata = meta;
  t.spec = spec;
  return t;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: required affinity reduced to this node by name. */
export function pinToNode(affinity: unknown, nodeName: string): Obj {
  const a = obj(cloneJson(affinity ?? {}));
  const na = obj(a.nodeAffinity);
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    ...obj(na.requiredDuringSchedulingIgnoredDuringExecution),
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  a.nodeAffinity = na;
  return a;
}

/** The pod spec as it would be on the node, for the placement checks (util.NewPod). */
export function podSpecForNode(ds: KubeObject, nodeName: string): Obj {
  const spec = obj(cloneJson(obj(obj(ds.spec).template).spec));
  // A template's own nodeName is kept so the placement check can reject other nodes.
  if (!spec.nodeName) spec.nodeName = nodeName;
  addDaemonTolerations(spec);
  return spec;
}

/** GetTargetNodeName: spec.nodeName, or the node named by the pod's required affinity. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = obj(pod.spec);
  if (typeof spec.nodeName === 'string' && spec.nodeName) return spec.nodeName;
  const terms = arr(obj(obj(obj(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
  for (const term of terms) {
    for (const f of arr(term.matchFields)) {
      if (f.key === 'metadata.name' && f.operator === 'In') {
        const values = Array.isArray(f.values) ? (f.values as string[]) : [];
        return values.length === 1 ? values[0] : undefined;
      }
    }
  }
  return undefined;
}

/** util.IsPodUpdated: the pod carries the current hash or template generation. */
export function isPodUpdated(pod: KubeObject, hash: string, generation: number | undefined): boolean {
  const l = pod.metadata?.labels ?? {};
  return (generation !== undefined && l[TEMPLATE_GENERATION_LABEL] === String(generation)) || (hash !== '' && l[REVISION_HASH_LABEL] === hash);
}

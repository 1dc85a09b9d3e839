// RuntimeClass admission (upstream plugin/pkg/admission/runtimeclass): a new pod that names a
// RuntimeClass must name one that exists; it gets the class's overhead in spec.overhead (which the
// scheduler and quota then charge) and the class's scheduling constraints merged into its
// nodeSelector and tolerations. A pod may not bring an overhead of its own that the class does not
// define, since that would let it under- or over-declare what its sandbox costs.

import { errors, type StatusError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import type { Toleration } from '../../api/taints.js';
import { asArr, objOf } from '../../api/validation/util.js';
import { compareQuantity, parseQuantity } from '../../api/validation/quantity.js';
import type { AdmissionAttributes, AdmissionPlugin, ServerContext } from '../context.js';
import { watchedCache } from './watched-cache.js';

type Obj = Record<string, unknown>;

/** Semantic.DeepEqual on resource lists: nil equals empty, quantities compare by value. */
export function sameResourceList(a: unknown, b: unknown): boolean {
  const x = objOf(a);
  const y = objOf(b);
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => {
    if (!(k in y)) return false;
    const p = parseQuantity(String(x[k]));
    const q = parseQuantity(String(y[k]));
    return p.ok && q.ok ? compareQuantity(p.quantity, q.quantity) === 0 : String(x[k]) === String(y[k]);
  });
}

const tolerationKey = (t: unknown): string => {
  const o = objOf(t) as Toleration;
  return `${o.key ?? ''}\u0000${o.effect ?? ''}`;
};

/**
 * Upstream's MergeTolerations(pod, class): the class's tolerations, then the pod's whose key and
 * effect the class does not already cover. Upstream walks a Go map for the pod's part (random
 * order, one per key and effect); this keeps the pod's order and the last of each key and effect.
 */
export function mergeTolerations(pod: unknown[], cls: unknown[]): unknown[] {
  const covered = new Set(cls.map(tolerationKey));
  const last = new Map<string, unknown>();
  for (const t of pod) last.set(tolerationKey(t), t);
  const out = [...cls];
  for (const [k, t] of last) if (!covered.has(k)) out.push(t);
  return out;
}

/**
 * The mutating half (upstream's setOverhead and setScheduling) on a pod about to be created.
 * Returns why the pod is refused, or undefined once the pod has been changed in place.
 */
export function applyRuntimeClass(pod: KubeObject, runtimeClass: KubeObject): string | undefined {
  const spec = (pod.spec ??= {}) as Obj;
  if (isPlainObject(runtimeClass.overhead)) {
    const fixed = runtimeClass.overhead.podFixed;
    if (spec.overhead !== undefined && spec.overhead !== null && !sameResourceList(fixed, spec.overhead)) {
      return "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
    }
    if (isPlainObject(fixed)) spec.overhead = { ...fixed };
    else delete spec.overhead;
  }
  const scheduling = runtimeClass.scheduling;
  if (!isPlainObject(scheduling)) return undefined;
  const classSelector = isPlainObject(scheduling.nodeSelector) ? (scheduling.nodeSelector as Record<string, string>) : undefined;
  if (isPlainObject(spec.nodeSelector)) {
    const podSelector = spec.nodeSelector as Record<string, string>;
    for (const [k, v] of Object.entries(classSelector ?? {})) {
      const podValue = podSelector[k];
      if (podValue !== undefined && podValue !== v) return `conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${podValue}`;
    }
    spec.nodeSelector = { ...podSelector, ...classSelector };
  } else if (classSelector) {
    spec.nodeSelector = { ...classSelector };
  }
  const tolerations = mergeTolerations(asArr(spec.tolerations), asArr(scheduling.tolerations));
  if (tolerations.length) spec.tolerations = tolerations;
  else delete spec.tolerations;
  return undefined;
}

/** The validating half (upstream's validateOverhead): the pod's overhead is exactly its class's. */
export function overheadViolation(pod: KubeObject, runtimeClass: KubeObject | undefined): string | undefined {
  const overhead = objOf(pod.spec).overhead;
  if (runtimeClass && isPlainObject(runtimeClass.overhead)) {
    if (!sameResourceList(runtimeClass.overhead.podFixed, overhead)) return "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
    return undefined;
  }
  if (overhead !== undefined && overhead !== null) return 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead';
  return undefined;
}

function forbidden(a: AdmissionAttributes, why: string): StatusError {
  const meta = a.object?.metadata;
  const name = meta?.name || meta?.generateName || a.name || 'Unknown';
  return errors.forbidden({ group: a.type.group, resource: a.type.resource }, name, why);
}

function applies(a: AdmissionAttributes): boolean {
  return a.operation === 'CREATE' && !a.subresource && a.type.group === '' && a.type.resource === 'pods' && !!a.object;
}

/** The pod's RuntimeClass: the watched copy first, then a live read in case the copy trails a create. */
async function runtimeClassOf(a: AdmissionAttributes, server: ServerContext): Promise<KubeObject | undefined> {
  const name = objOf(a.object!.spec).runtimeClassName;
  if (typeof name !== 'string') return undefined;
  const found = (await watchedCache(server, 'node.k8s.io', 'runtimeclasses').get('', name)) ?? (await server.objectsOf('node.k8s.io', 'runtimeclasses').tryGet(undefined, name));
  if (!found) throw forbidden(a, `pod rejected: RuntimeClass ${JSON.stringify(name)} not found`);
  return found;
}

export const runtimeClassAdmission: AdmissionPlugin = {
  name: 'RuntimeClass',
  async admit(a, server) {
    if (!applies(a)) return;
    const runtimeClass = await runtimeClassOf(a, server);
    if (!runtimeClass) return;
    const why = applyRuntimeClass(a.object!, runtimeClass);
    if (why) throw forbidden(a, why);
  },
  async validate(a, server) {
    if (!applies(a)) return;
    const why = overheadViolation(a.object!, await runtimeClassOf(a, server));
    if (why) throw forbidden(a, why);
  },
};

// Gives each built-in kind its semantics: defaulting, validation and the status reset on
// create, by attaching strategy hooks to the registry's resource types.

import type { KubeObject } from '../api/object.js';
import { admitDefaultTolerations, admitJobSelector, admitNamespace, admitPodPriority, defaulters, patchAllocatedServiceValues } from '../api/defaulting/index.js';
import { validators } from '../api/validation/index.js';
import { apiVersionOf, type ResourceType, type Strategy } from '../api/registry/types.js';

interface Resources {
  requests?: Record<string, unknown>;
  limits?: Record<string, unknown>;
}

/** The pod's QoS class (upstream's GetPodQOS), from its containers' requests and limits. */
export function podQosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = (pod.spec ?? {}) as { containers?: { resources?: Resources }[]; initContainers?: { resources?: Resources }[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const names = ['cpu', 'memory'];
    if (names.some((n) => req[n] !== undefined || lim[n] !== undefined)) any = true;
    for (const n of names) {
      if (lim[n] === undefined) guaranteed = false;
      else if (req[n] !== undefined && String(req[n]) !== String(lim[n])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What status a new object starts with (each kind's PrepareForCreate). */
function initialStatus(t: ResourceType, obj: KubeObject): unknown {
  if (t.group !== '') return {};
  switch (t.resource) {
    case 'pods':
      return { phase: 'Pending', qosClass: podQosClass(obj) };
    case 'namespaces':
      return { phase: 'Active' };
    case 'services':
      return { loadBalancer: {} };
    case 'persistentvolumeclaims':
    case 'persistentvolumes':
      return { phase: 'Pending' };
    case 'nodes':
      return obj.status ?? {};
  }
  return {};
}

/** Secrets' write-only stringData is merged into data, as upstream's conversion does. */
function foldStringData(secret: KubeObject): void {
  const stringData = secret.stringData as Record<string, unknown> | undefined;
  if (!stringData || typeof stringData !== 'object') return;
  const data = { ...((secret.data ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  secret.data = data;
  delete secret.stringData;
}

function strategyFor(t: ResourceType): Strategy {
  const key = `${apiVersionOf(t)}/${t.kind}`;
  const baseDefaults = defaulters[key];
  const defaults = key === 'v1/Secret' ? (obj: KubeObject) => (foldStringData(obj), baseDefaults?.(obj)) : baseDefaults;
  const v = validators[key];
  return {
    defaults: defaults ? (obj) => defaults(obj) : undefined,
    prepareForCreate(obj) {
      if (t.hasStatusSubresource) obj.status = initialStatus(t, obj);
      if (key === 'v1/Pod') {
        admitDefaultTolerations(obj);
        admitPodPriority(obj);
      }
      if (key === 'v1/Namespace') admitNamespace(obj);
      if (key === 'batch/v1/Job') admitJobSelector(obj, obj.metadata!.uid!);
    },
    prepareForUpdate(obj, old) {
      // A replace or apply that leaves out allocated addresses keeps them.
      if (key === 'v1/Service') patchAllocatedServiceValues(obj, old);
    },
    validate: v ? (obj) => v.validate(obj) : undefined,
    validateUpdate: v?.validateUpdate ? (obj, old) => v.validateUpdate!(obj, old) : undefined,
  };
}

export function withStrategies(types: ResourceType[]): ResourceType[] {
  return types.map((t) => ({ ...t, strategy: strategyFor(t) }));
}

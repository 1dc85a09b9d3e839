// Pod facts shared by the Endpoints and EndpointSlice controllers: readiness, whether a pod
// belongs in a service's endpoints at all, and how a service port resolves on one pod.

import type { KubeObject } from '../../api/object.js';
import { objOf as obj } from '../../api/validation/util.js';

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).map(obj) : []);

export const podSpec = (pod: KubeObject): Obj => obj(pod.spec);
export const podStatus = (pod: KubeObject): Obj => obj(pod.status);

/** The pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: KubeObject): boolean {
  return arr(podStatus(pod).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod's first IP, from podIPs or podIP. */
export function podIP(pod: KubeObject): string | undefined {
  const st = podStatus(pod);
  const ips = arr(st.podIPs).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
  if (ips.length) return ips[0];
  return typeof st.podIP === 'string' && st.podIP ? st.podIP : undefined;
}

/**
 * Whether a pod may appear in a service's endpoints at all: it needs an IP, must not be
 * terminating (unless asked), and must not have reached a phase it will never leave running.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (!podIP(pod)) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  const phase = podStatus(pod).phase;
  switch (podSpec(pod).restartPolicy) {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

/**
 * The container port a service port targets on this pod (podutil.FindPort): a named targetPort
 * is looked up by name and protocol in the pod's containers (and sidecar init containers), a
 * number is taken as is. Undefined when the name is not found.
 */
export function findPort(pod: KubeObject, servicePort: Obj): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  const protocol = (servicePort.protocol as string | undefined) ?? 'TCP';
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  if (/^\d+$/.test(target)) return Number(target);
  const spec = podSpec(pod);
  const sidecars = arr(spec.initContainers).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...arr(spec.containers), ...sidecars]) {
    for (const p of arr(c.ports)) {
      if (p.name === target && ((p.protocol as string | undefined) ?? 'TCP') === protocol) return p.containerPort as number;
    }
  }
  return undefined;
}

/** A label selector given as a plain map matches when every pair is present. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/** The service's selector, or undefined when it has none (then its endpoints are managed elsewhere). */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel = obj(svc.spec).selector;
  // An empty map does not survive storage upstream (it decodes as nil), so it means "none" too.
  if (typeof sel !== 'object' || sel === null || Object.keys(sel).length === 0) return undefined;
  return sel as Record<string, string>;
}

/** The service's ports. */
export function servicePorts(svc: KubeObject): Obj[] {
  return arr(obj(svc.spec).ports);
}

/** Headless when clusterIP is "None" (helper.IsServiceIPSet is false). */
export function isHeadless(svc: KubeObject): boolean {
  const ip = obj(svc.spec).clusterIP;
  return ip === 'None' || ip === '' || ip === undefined;
}

/** The latest transition time of a pod's Ready condition, used as its endpoints trigger time. */
export function podTriggerTime(pod: KubeObject): string | undefined {
  const c = arr(podStatus(pod).conditions).find((c) => c.type === 'Ready');
  return typeof c?.lastTransitionTime === 'string' ? c.lastTransitionTime : undefined;
}

/**
 * Whether a pod update can change any service's endpoints (podEndpointsChanged): labels, IPs,
 * readiness, phase, deletion, node, hostname. Other updates need no resync.
 */
export function podEndpointsChanged(old: KubeObject, pod: KubeObject): boolean {
  const facts = (p: KubeObject) => {
    const spec = podSpec(p);
    const st = podStatus(p);
    return JSON.stringify([p.metadata?.labels ?? {}, st.podIP ?? null, st.podIPs ?? null, isPodReady(p), st.phase ?? null, p.metadata?.deletionTimestamp ?? null, spec.nodeName ?? null, spec.hostname ?? null, spec.subdomain ?? null]);
  };
  return facts(old) !== facts(pod);
}

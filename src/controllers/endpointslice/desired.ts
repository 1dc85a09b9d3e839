// What a pod contributes to its service's EndpointSlices: one endpoint (addresses, the ready /
// serving / terminating conditions, node, zone, targetRef) under the set of ports it resolves.

import type { KubeObject } from '../../api/object.js';
import { findPort, isPodReady, podStatus, servicePorts } from '../endpoints/pod-util.js';

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string };
  nodeName?: string;
  zone?: string;
}

type Obj = Record<string, unknown>;

/** The ports a service resolves to on one pod; a named port the pod lacks is left out. */
export function endpointPorts(svc: KubeObject, pod: KubeObject): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of servicePorts(svc)) {
    const n = findPort(pod, sp);
    if (n === undefined) continue;
    const p: SlicePort = { name: typeof sp.name === 'string' ? sp.name : '', port: n, protocol: (sp.protocol as string | undefined) ?? 'TCP' };
    if (typeof sp.appProtocol === 'string') p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** A key identifying a set of ports whatever their order (endpointutil.NewPortMapKey). */
export function portsKey(ports: SlicePort[]): string {
  return ports.map((p) => `${p.name}/${p.port}/${p.protocol}/${p.appProtocol ?? ''}`).sort().join(',');
}

/** An endpoint's identity within a slice: its addresses, hostname and the pod it stands for. */
export function endpointKey(ep: Pick<SliceEndpoint, 'addresses' | 'hostname'> & { targetRef?: { namespace?: string; name?: string } }): string {
  return `${[...ep.addresses].sort().join(',')}|${ep.hostname ?? ''}|${ep.targetRef?.namespace ?? ''}/${ep.targetRef?.name ?? ''}`;
}

const isIPv4 = (ip: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

/** The pod's addresses of the given family. */
export function podAddresses(pod: KubeObject, addressType: 'IPv4' | 'IPv6'): string[] {
  const st = podStatus(pod);
  const ips = Array.isArray(st.podIPs) ? (st.podIPs as Obj[]).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string') : [];
  if (ips.length === 0 && typeof st.podIP === 'string' && st.podIP) ips.push(st.podIP);
  const wanted = ips.filter((ip) => (addressType === 'IPv4' ? isIPv4(ip) : ip.includes(':')));
  return wanted.slice(0, 1);
}

/** The endpoint for a pod (podToEndpoint). */
export function podToEndpoint(pod: KubeObject, node: KubeObject | undefined, svc: KubeObject, addressType: 'IPv4' | 'IPv6'): SliceEndpoint {
  const spec = (pod.spec ?? {}) as Obj;
  const serving = isPodReady(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  // A terminating pod is never "ready" unless the service publishes not-ready addresses.
  const ready = ((svc.spec ?? {}) as Obj).publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podAddresses(pod, addressType),
    conditions: { ready, serving, terminating },
  };
  if (typeof spec.hostname === 'string' && spec.hostname && spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace) ep.hostname = spec.hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  if (typeof spec.nodeName === 'string' && spec.nodeName) ep.nodeName = spec.nodeName;
  const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  if (zone) ep.zone = zone;
  return ep;
}

// The Endpoints subsets for a service from its pods (the endpoints controller's syncService
// core): one address per pod and port, then repacked so that addresses offering the same
// ports share a subset, sorted for a stable result.

import type { KubeObject } from '../../api/object.js';
import { findPort, isHeadless, isPodReady, podIP, servicePorts, shouldPodBeInEndpoints } from './pod-util.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

type Obj = Record<string, unknown>;

/** The address a pod contributes (podToEndpointAddressForService plus the hostname rule). */
export function podAddress(svc: KubeObject, pod: KubeObject): EndpointAddress | undefined {
  const ip = podIP(pod);
  if (!ip) return undefined;
  const spec = (pod.spec ?? {}) as Obj;
  const addr: EndpointAddress = { ip };
  // A pod's hostname is published only when it names this service as its subdomain.
  if (typeof spec.hostname === 'string' && spec.hostname && spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace) addr.hostname = spec.hostname;
  if (typeof spec.nodeName === 'string' && spec.nodeName) addr.nodeName = spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid };
  return addr;
}

/** The EndpointPort for a service port resolved to a number on one pod. */
export function endpointPort(sp: Obj, port: number): EndpointPort {
  const p: EndpointPort = { port, protocol: (sp.protocol as string | undefined) ?? 'TCP' };
  if (typeof sp.name === 'string' && sp.name) p.name = sp.name;
  if (typeof sp.appProtocol === 'string') p.appProtocol = sp.appProtocol;
  return p;
}

/** Computes the service's subsets from the pods its selector matched. */
export function computeSubsets(svc: KubeObject, pods: KubeObject[]): { subsets: EndpointSubset[]; ready: number; notReady: number } {
  const spec = (svc.spec ?? {}) as Obj;
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const raw: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const add = (pod: KubeObject, addr: EndpointAddress, port?: EndpointPort) => {
    const ports = port ? [port] : [];
    if (publishNotReady || isPodReady(pod)) {
      raw.push({ addresses: [addr], ports });
      ready++;
    } else {
      raw.push({ notReadyAddresses: [addr], ports });
      notReady++;
    }
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podAddress(svc, pod);
    if (!addr) continue;
    const ports = servicePorts(svc);
    if (ports.length === 0) {
      // Headless services without ports still publish addresses, for DNS.
      if (isHeadless(svc)) add(pod, addr);
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n === undefined) continue; // the pod does not offer this named port
      add(pod, addr, endpointPort(sp, n));
    }
  }
  return { subsets: repackSubsets(raw), ready, notReady };
}

const addrKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => `${p.name ?? ''}/${p.port}/${p.protocol}/${p.appProtocol ?? ''}`;

/**
 * Regroups subsets so that each holds the addresses that offer exactly the same set of ports
 * (RepackSubsets). An address ready on a port in any input subset is ready there.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  // port key → (address key → ready)
  const portAddrs = new Map<string, { port?: EndpointPort; addrs: Map<string, boolean> }>();
  const mark = (port: EndpointPort | undefined, a: EndpointAddress, ready: boolean) => {
    const ak = addrKey(a);
    if (!allAddrs.has(ak)) allAddrs.set(ak, a);
    const pk = port ? portKey(port) : '<none>';
    let entry = portAddrs.get(pk);
    if (!entry) portAddrs.set(pk, (entry = { port, addrs: new Map() }));
    const prev = entry.addrs.get(ak);
    if (prev === undefined || !prev) entry.addrs.set(ak, ready);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const p of ports) {
      for (const a of s.addresses ?? []) mark(p, a, true);
      for (const a of s.notReadyAddresses ?? []) mark(p, a, false);
    }
  }
  // Group ports by the identical (address, readiness) set they map to.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addrs } of portAddrs.values()) {
    const key = [...addrs].map(([k, r]) => `${k}=${r}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.addrs) (r ? ready : notReady).push(allAddrs.get(k)!);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (g.ports.length) s.ports = g.ports;
    out.push(s);
  }
  return sortSubsets(out);
}

const compareAddr = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? ''));

/** Sorts addresses by IP then UID, and ports and subsets by a stable key (upstream hashes them). */
export function sortSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  for (const s of subsets) {
    s.addresses?.sort(compareAddr);
    s.notReadyAddresses?.sort(compareAddr);
    s.ports?.sort((a, b) => portKey(a).localeCompare(portKey(b)));
  }
  const key = (s: EndpointSubset) => `${(s.ports ?? []).map(portKey).join(',')}|${(s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? ''}`;
  return subsets.sort((a, b) => key(a).localeCompare(key(b)));
}

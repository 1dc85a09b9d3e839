// What an Endpoints object should look like as EndpointSlices (upstream reconciler's desired
// calculation): its subsets, repacked, become one group per address type and port set, each
// address an endpoint that is ready or not according to the list it came from.

import { cloneJson, type KubeObject } from '../../api/object.js';
import { repackSubsets, type EndpointAddress, type EndpointSubset } from '../endpoints/subsets.js';
import { endpointKey, portsKey, type SlicePort } from '../endpointslice/desired.js';
import { parseEndpointIP, type AddressType } from './rules.js';

export type TargetRef = Partial<Record<'kind' | 'namespace' | 'name' | 'uid' | 'apiVersion' | 'resourceVersion' | 'fieldPath', string>>;

/** A mirrored endpoint: mirrored slices carry only the ready condition. */
export interface MirroredEndpoint {
  addresses: string[];
  conditions: { ready: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef?: TargetRef;
}

export interface MirrorGroup {
  addressType: AddressType;
  ports: SlicePort[];
  /** By endpointKey, in the order the Endpoints lists them. */
  endpoints: Map<string, MirroredEndpoint>;
}

export interface DesiredMirror {
  /** By groupKey. */
  groups: Map<string, MirrorGroup>;
  /** Addresses that are not IPs. */
  invalid: number;
  /** Addresses left out, the invalid ones included (upstream's addressesSkipped). */
  skipped: number;
}

/** A slice's group: its address type and port set, whatever the ports' order. */
export function groupKey(addressType: string, ports: SlicePort[]): string {
  return `${addressType}-${portsKey(ports)}`;
}

type Obj = Record<string, unknown>;

/** Endpoints ports as slice ports (epPortsToEpsPorts): an unnamed port gets the empty name. */
export function toSlicePorts(ports: EndpointSubset['ports']): SlicePort[] {
  return (ports ?? []).map((p) => {
    const out: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
    if (typeof p.appProtocol === 'string') out.appProtocol = p.appProtocol;
    return out;
  });
}

/** One address as an endpoint of the given readiness, or undefined if its IP does not parse. */
export function addressToEndpoint(a: EndpointAddress, ready: boolean): { endpoint: MirroredEndpoint; addressType: AddressType } | undefined {
  const ip = parseEndpointIP(a.ip);
  if (!ip) return undefined;
  const endpoint: MirroredEndpoint = { addresses: [ip.address], conditions: { ready } };
  if (a.hostname) endpoint.hostname = a.hostname;
  if (a.nodeName) endpoint.nodeName = a.nodeName;
  if (a.targetRef) endpoint.targetRef = { ...(a.targetRef as TargetRef) };
  return { endpoint, addressType: ip.addressType };
}

/** The desired groups of an Endpoints object, at most `maxPerSubset` addresses from each subset. */
export function desiredFromEndpoints(endpoints: KubeObject, maxPerSubset: number): DesiredMirror {
  const raw = Array.isArray((endpoints as Obj).subsets) ? ((endpoints as Obj).subsets as EndpointSubset[]) : [];
  // Repack on a copy: the object comes from the informer cache, and repack sorts in place.
  const subsets = repackSubsets(cloneJson(raw) as EndpointSubset[]);
  const out: DesiredMirror = { groups: new Map(), invalid: 0, skipped: 0 };
  for (const subset of subsets) {
    const ports = toSlicePorts(subset.ports);
    const all: [EndpointAddress, boolean][] = [...(subset.addresses ?? []).map((a): [EndpointAddress, boolean] => [a, true]), ...(subset.notReadyAddresses ?? []).map((a): [EndpointAddress, boolean] => [a, false])];
    let added = 0;
    for (const [a, ready] of all) {
      if (added >= maxPerSubset) break;
      const got = addressToEndpoint(a, ready);
      if (!got) {
        out.invalid++;
        continue;
      }
      const k = groupKey(got.addressType, ports);
      let g = out.groups.get(k);
      if (!g) out.groups.set(k, (g = { addressType: got.addressType, ports, endpoints: new Map() }));
      g.endpoints.set(endpointKey(got.endpoint), got.endpoint);
      added++;
    }
    out.skipped += all.length - added;
  }
  return out;
}

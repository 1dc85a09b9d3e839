// Cluster IPs from the service CIDR and node ports from their range, allocated when a Service
// is written (upstream does this in the service REST storage). Used addresses come from the
// stored services; recent picks are held in memory until their write lands, so two concurrent
// creates cannot be handed the same address.

import { errors, field, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { AdmissionPlugin } from '../context.js';

export interface ServiceNetwork {
  /** e.g. 10.43.0.0/16 */
  cidr: string;
  nodePortMin: number;
  nodePortMax: number;
}

export const DEFAULT_SERVICE_NETWORK: ServiceNetwork = { cidr: '10.43.0.0/16', nodePortMin: 30000, nodePortMax: 32767 };

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): { base: number; size: number } {
  const [ip, bits] = cidr.split('/');
  const base = ipToInt(ip);
  const b = Number(bits);
  if (base === undefined || !Number.isInteger(b) || b < 8 || b > 30) throw new Error(`invalid service CIDR ${cidr}`);
  const size = 2 ** (32 - b);
  return { base: base - (base % size), size };
}

/** The n-th address of the range: the kubernetes service takes the first, cluster DNS the tenth. */
export function nthAddress(cidr: string, n: number): string {
  return intToIp(parseCidr(cidr).base + n);
}

interface ServicePort {
  port?: number;
  nodePort?: number;
  protocol?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
}

export class ServiceAllocator {
  private readonly range: { base: number; size: number };
  private readonly pendingIps = new Map<string, number>();
  private readonly pendingPorts = new Map<number, number>();

  constructor(readonly network: ServiceNetwork, private readonly now: () => number = Date.now, private readonly random: () => number = Math.random) {
    this.range = parseCidr(network.cidr);
  }

  private prune() {
    const cutoff = this.now() - 30_000;
    for (const [k, t] of this.pendingIps) if (t < cutoff) this.pendingIps.delete(k);
    for (const [k, t] of this.pendingPorts) if (t < cutoff) this.pendingPorts.delete(k);
  }

  /** Assigns clusterIP(s) and node ports in place; `existing` are the other stored services. */
  allocate(svc: KubeObject, existing: KubeObject[], old?: KubeObject): FieldError[] {
    this.prune();
    const spec = (svc.spec ?? (svc.spec = {})) as ServiceSpec;
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;
    const usedIps = new Set<string>(this.pendingIps.keys());
    const usedPorts = new Set<number>(this.pendingPorts.keys());
    for (const s of existing) {
      if (old && s.metadata?.uid === old.metadata?.uid) continue;
      const sp = (s.spec ?? {}) as ServiceSpec;
      for (const ip of sp.clusterIPs ?? (sp.clusterIP ? [sp.clusterIP] : [])) usedIps.add(ip);
      for (const p of sp.ports ?? []) if (p.nodePort) usedPorts.add(p.nodePort);
    }
    const errs: FieldError[] = [];
    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      return errs;
    }
    if (old && oldSpec.clusterIP) {
      // Immutable once set (validation reports changes); keep what was allocated.
      if (!spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      if (!spec.clusterIPs?.length) spec.clusterIPs = oldSpec.clusterIPs;
    } else if (spec.clusterIP === 'None' || spec.clusterIPs?.[0] === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    } else {
      const wanted = spec.clusterIP || spec.clusterIPs?.[0];
      if (wanted) {
        const n = ipToInt(wanted);
        if (n === undefined || n < this.range.base || n >= this.range.base + this.range.size) {
          errs.push(field.invalid('spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${this.network.cidr}`));
        } else if (usedIps.has(wanted)) {
          errs.push(field.invalid('spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: provided IP is already allocated`));
        } else {
          spec.clusterIP = wanted;
          spec.clusterIPs = [wanted];
          this.pendingIps.set(wanted, this.now());
        }
      } else {
        const ip = this.pickIp(usedIps);
        if (!ip) errs.push(field.invalid('spec.clusterIPs', [], 'failed to allocate IP: range is full'));
        else {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
          this.pendingIps.set(ip, this.now());
        }
      }
    }
    if (!spec.ipFamilies) spec.ipFamilies = ['IPv4'];
    if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
    const wantsNodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    (spec.ports ?? []).forEach((p, i) => {
      if (!wantsNodePorts) {
        if (p.nodePort && spec.type !== 'LoadBalancer') delete p.nodePort;
        return;
      }
      const oldPort = (oldSpec.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (!p.nodePort && oldPort?.nodePort) p.nodePort = oldPort.nodePort;
      if (p.nodePort) {
        if (oldPort?.nodePort === p.nodePort) return;
        if (p.nodePort < this.network.nodePortMin || p.nodePort > this.network.nodePortMax) {
          errs.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${this.network.nodePortMin}-${this.network.nodePortMax}`));
        } else if (usedPorts.has(p.nodePort)) {
          errs.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
        } else {
          usedPorts.add(p.nodePort);
          this.pendingPorts.set(p.nodePort, this.now());
        }
        return;
      }
      const port = this.pickPort(usedPorts);
      if (port === undefined) errs.push(field.invalid(`spec.ports[${i}].nodePort`, 0, 'failed to allocate a nodePort: range is full'));
      else {
        p.nodePort = port;
        usedPorts.add(port);
        this.pendingPorts.set(port, this.now());
      }
    });
    return errs;
  }

  private pickIp(used: Set<string>): string | undefined {
    const { base, size } = this.range;
    // Skip the network address and the first ten (kubernetes service, cluster DNS) as reserved.
    const first = 11;
    const span = size - first - 1;
    const start = Math.floor(this.random() * span);
    for (let i = 0; i < span; i++) {
      const ip = intToIp(base + first + ((start + i) % span));
      if (!used.has(ip)) return ip;
    }
    return undefined;
  }

  private pickPort(used: Set<number>): number | undefined {
    const span = this.network.nodePortMax - this.network.nodePortMin + 1;
    const start = Math.floor(this.random() * span);
    for (let i = 0; i < span; i++) {
      const p = this.network.nodePortMin + ((start + i) % span);
      if (!used.has(p)) return p;
    }
    return undefined;
  }
}

export function serviceAllocation(allocator: ServiceAllocator): AdmissionPlugin {
  return {
    name: 'ServiceAllocation',
    async admit(a, server) {
      if (a.type.group !== '' || a.type.resource !== 'services' || a.subresource || !a.object) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      const all = await server.objectsOf('', 'services').list({});
      const errs = allocator.allocate(a.object, all.items, a.oldObject);
      if (errs.length) throw errors.invalid('', 'Service', a.name, errs);
    },
  };
}

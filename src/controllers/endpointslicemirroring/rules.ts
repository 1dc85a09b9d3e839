// Which Endpoints the EndpointSlice mirroring controller copies, and how it reads their IPs
// (upstream endpointslicemirroring utils: skipMirror, hasLeaderElection, addressToEndpoint's parse).

import type { KubeObject } from '../../api/object.js';
import { serviceSelector } from '../endpoints/pod-util.js';

/** The managed-by value of mirrored slices; the EndpointSlice controller's slices carry another. */
export const MIRROR_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
/** Endpoints used as leader-election locks (old-style resource locks) are not service backends. */
export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** Addresses mirrored per Endpoints subset, so that one subset maps onto one slice. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

/** Whether an Endpoints object may be mirrored at all (the Service is checked separately). */
export function shouldMirror(endpoints: KubeObject | undefined): boolean {
  if (!endpoints) return false;
  if (endpoints.metadata?.labels?.[LABEL_SKIP_MIRROR] === 'true') return false;
  return !Object.prototype.hasOwnProperty.call(endpoints.metadata?.annotations ?? {}, LEADER_ANNOTATION);
}

/** Whether the Service wants its Endpoints mirrored: it exists and selects no pods itself. */
export function serviceWantsMirror(svc: KubeObject | undefined): boolean {
  return svc !== undefined && serviceSelector(svc) === undefined;
}

export type AddressType = 'IPv4' | 'IPv6';

/**
 * Parses an Endpoints IP the way Go's sloppy parser does (IPv4 fields may carry leading zeros,
 * IPv4-mapped IPv6 counts as IPv4) and gives it back in canonical form, or undefined if invalid.
 */
export function parseEndpointIP(ip: string): { address: string; addressType: AddressType } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map((p) => parseInt(p, 10));
    return parts.every((n) => n <= 255) ? { address: parts.join('.'), addressType: 'IPv4' } : undefined;
  }
  if (!ip.includes(':') || /[[\]/%]/.test(ip)) return undefined;
  let host: string;
  try {
    host = new URL(`http://[${ip}]/`).hostname;
  } catch {
    return undefined;
  }
  const canonical = host.slice(1, -1);
  // The URL form of an IPv4-mapped address is hex (::ffff:a01:203): Go prints it as IPv4.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return { address: [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.'), addressType: 'IPv4' };
  }
  return { address: canonical, addressType: 'IPv6' };
}

// Host-global names of a pod's network objects (netns, host veth, bridge MAC), derived from ids
// so that setUp, tearDown and orphan cleanup agree without extra state.

import { createHash } from 'node:crypto';

const IFNAMSIZ = 15; // Linux interface names are at most 15 bytes

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * A fixed, locally administered unicast MAC for the bridge. Without one a bridge takes the lowest MAC
 * of its ports, which changes as pods come and go and invalidates every neighbour entry for the gateway.
 */
export function bridgeMac(bridge: string): string {
  const h = sha256Hex(`k8ts-bridge:${bridge}`);
  const bytes = ['02'];
  for (let i = 0; i < 5; i++) bytes.push(h.slice(i * 2, i * 2 + 2));
  return bytes.join(':');
}

/** 12 characters: the id's prefix when it is a hex id (recognisable in `ip netns list`), else a hash. */
export function shortSandboxId(sandboxId: string): string {
  return /^[0-9a-f]{12,}$/.test(sandboxId) ? sandboxId.slice(0, 12) : sha256Hex(sandboxId).slice(0, 12);
}

export function netnsName(netnsPrefix: string, sandboxId: string): string {
  return `${netnsPrefix}${shortSandboxId(sandboxId)}`;
}

export function vethName(vethPrefix: string, sandboxId: string): string {
  return `${vethPrefix}${sha256Hex(sandboxId).slice(0, 8)}`;
}

/** Patterns that recognise our own objects, so cleanup never touches anyone else's. */
export function netnsPattern(netnsPrefix: string): RegExp {
  return new RegExp(`^${escapeRe(netnsPrefix)}[0-9a-f]{12}$`);
}

export function vethPattern(vethPrefix: string): RegExp {
  return new RegExp(`^${escapeRe(vethPrefix)}[0-9a-f]{8}$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Throws with a clear message on names the kernel or iproute2 would reject. */
export function validatePrefixes(bridge: string, netnsPrefix: string, vethPrefix: string): void {
  const ifname = /^[A-Za-z0-9_.-]+$/;
  if (!ifname.test(bridge) || bridge.length > IFNAMSIZ) throw new Error(`invalid bridge name "${bridge}" (at most ${IFNAMSIZ} of [A-Za-z0-9_.-])`);
  if (!ifname.test(vethPrefix) || vethPrefix.length + 8 > IFNAMSIZ) {
    throw new Error(`invalid veth prefix "${vethPrefix}" (at most ${IFNAMSIZ - 8} of [A-Za-z0-9_.-])`);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(netnsPrefix) || netnsPrefix.length > 64) throw new Error(`invalid netns prefix "${netnsPrefix}"`);
}

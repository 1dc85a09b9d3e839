// Pod IP allocation from the node's podCIDR (the role of CNI host-local IPAM): pure range logic plus
// a JSON state file keyed by sandbox id, so allocations survive an agent restart.

import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from './lock.js';

export interface Ipv4Range {
  /** Normalised CIDR, e.g. "10.244.0.0/24". */
  cidr: string;
  network: number;
  prefixLength: number;
  /** The first host address: it lives on the bridge. */
  gateway: number;
  /** First and last allocatable pod addresses (network+2 .. broadcast-1). */
  first: number;
  last: number;
}

export function ipToInt(ip: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) throw new Error(`invalid IPv4 address "${ip}"`);
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) throw new Error(`invalid IPv4 address "${ip}"`);
    n = n * 256 + o;
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses an IPv4 podCIDR. Host bits are masked off, as the node's podCIDR is a network. */
export function parseIpv4Cidr(cidr: string): Ipv4Range {
  const [addr, len, extra] = cidr.trim().split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d{1,2}$/.test(len)) {
    throw new Error(`invalid podCIDR "${cidr}": want IPv4 address/prefix`);
  }
  if (addr.includes(':')) throw new Error(`podCIDR "${cidr}" is IPv6, which the pod network does not support yet`);
  const prefixLength = Number(len);
  // /31 and /32 leave no room for a gateway plus a pod.
  if (prefixLength > 30) throw new Error(`podCIDR "${cidr}" is too small: need at most /30`);
  const size = 2 ** (32 - prefixLength);
  const network = Math.floor(ipToInt(addr) / size) * size;
  return {
    cidr: `${intToIp(network)}/${prefixLength}`,
    network,
    prefixLength,
    gateway: network + 1,
    first: network + 2,
    last: network + size - 2,
  };
}

/**
 * The next free address, searching round-robin from the one after `lastAllocated` as host-local does,
 * so a just-released IP is handed out again only once the range has wrapped (stale ARP entries for
 * it elsewhere have then long expired). Undefined when the range is full.
 */
export function nextFreeIp(range: Ipv4Range, used: ReadonlySet<number>, lastAllocated?: number): number | undefined {
  const count = range.last - range.first + 1;
  const start = lastAllocated !== undefined && lastAllocated >= range.first && lastAllocated < range.last
    ? lastAllocated + 1
    : range.first;
  for (let i = 0; i < count; i++) {
    const candidate = range.first + ((start - range.first + i) % count);
    if (!used.has(candidate)) return candidate;
  }
  return undefined;
}

export interface IpamAllocation {
  ip: string;
  /** The range it came from (the podCIDR at allocation time). */
  cidr: string;
  /** Names of the host objects made for it, so teardown and orphan cleanup find them even if naming changes. */
  netns?: string;
  veth?: string;
}

export interface IpamState {
  version: 1;
  /** Last address handed out, per range: the round-robin cursor. */
  lastAllocated: Record<string, string>;
  allocations: Record<string, IpamAllocation>;
}

export function emptyIpamState(): IpamState {
  return { version: 1, lastAllocated: {}, allocations: {} };
}

/** Pure: returns the new state and the allocation (the existing one if the sandbox already has an IP). */
export function allocateIp(
  state: IpamState,
  range: Ipv4Range,
  sandboxId: string,
  names: { netns?: string; veth?: string } = {},
): { state: IpamState; allocation: IpamAllocation } {
  const existing = state.allocations[sandboxId];
  if (existing) return { state, allocation: existing };
  for (const [other, a] of Object.entries(state.allocations)) {
    // Names are short hashes of the id: refuse to share a netns or veth between two sandboxes.
    if ((names.netns !== undefined && a.netns === names.netns) || (names.veth !== undefined && a.veth === names.veth)) {
      throw new Error(`sandbox ${sandboxId} and sandbox ${other} map to the same network names (${names.netns}, ${names.veth})`);
    }
  }
  const used = new Set<number>();
  for (const a of Object.values(state.allocations)) used.add(ipToInt(a.ip));
  const last = state.lastAllocated[range.cidr];
  const ip = nextFreeIp(range, used, last === undefined ? undefined : ipToInt(last));
  if (ip === undefined) throw new Error(`no free IP address left in podCIDR ${range.cidr}`);
  const allocation: IpamAllocation = { ip: intToIp(ip), cidr: range.cidr, ...names };
  return {
    state: {
      version: 1,
      lastAllocated: { ...state.lastAllocated, [range.cidr]: allocation.ip },
      allocations: { ...state.allocations, [sandboxId]: allocation },
    },
    allocation,
  };
}

/** Pure: drops the sandbox's allocation; the round-robin cursor stays where it is. */
export function releaseIp(state: IpamState, sandboxId: string): IpamState {
  if (!(sandboxId in state.allocations)) return state;
  const allocations = { ...state.allocations };
  delete allocations[sandboxId];
  return { ...state, allocations };
}

function parseState(text: string, file: string): IpamState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`pod network state ${file} is not JSON: ${(e as Error).message}`);
  }
  const bad = (): never => { throw new Error(`pod network state ${file} has an unexpected shape`); };
  if (typeof raw !== 'object' || raw === null) return bad();
  const o = raw as Record<string, unknown>;
  if (o.version !== 1 || typeof o.allocations !== 'object' || o.allocations === null) return bad();
  const state = emptyIpamState();
  if (typeof o.lastAllocated === 'object' && o.lastAllocated !== null) {
    for (const [k, v] of Object.entries(o.lastAllocated)) if (typeof v === 'string') state.lastAllocated[k] = v;
  }
  for (const [id, v] of Object.entries(o.allocations as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null) return bad();
    const a = v as Record<string, unknown>;
    if (typeof a.ip !== 'string' || typeof a.cidr !== 'string') return bad();
    const alloc: IpamAllocation = { ip: a.ip, cidr: a.cidr };
    if (typeof a.netns === 'string') alloc.netns = a.netns;
    if (typeof a.veth === 'string') alloc.veth = a.veth;
    state.allocations[id] = alloc;
  }
  return state;
}

/**
 * The state file `<stateDir>/ipam.json`. Every operation re-reads the file under a lock, so several
 * instances in one process (an agent restart inside tests) agree; writes are atomic (temp file + rename).
 * One agent process owns a state dir: there is no cross-process lock.
 */
export class IpamStore {
  readonly file: string;

  constructor(readonly stateDir: string) {
    this.file = join(stateDir, 'ipam.json');
  }

  async read(): Promise<IpamState> {
    try {
      const text = await readFile(this.file, 'utf8');
      // Only a machine crash right after a rename can leave an empty file; nothing survived it either.
      if (text.trim() === '') return emptyIpamState();
      return parseState(text, this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyIpamState();
      throw e;
    }
  }

  async allocate(range: Ipv4Range, sandboxId: string, names: { netns?: string; veth?: string } = {}): Promise<IpamAllocation> {
    return this.update((state) => {
      const r = allocateIp(state, range, sandboxId, names);
      return { state: r.state, result: r.allocation };
    });
  }

  /** Returns the released allocation, if there was one. */
  async release(sandboxId: string): Promise<IpamAllocation | undefined> {
    return this.update((state) => ({ state: releaseIp(state, sandboxId), result: state.allocations[sandboxId] }));
  }

  async get(sandboxId: string): Promise<IpamAllocation | undefined> {
    return (await this.read()).allocations[sandboxId];
  }

  private async update<T>(fn: (s: IpamState) => { state: IpamState; result: T }): Promise<T> {
    return withLock(`ipam:${this.file}`, async () => {
      const before = await this.read();
      const { state, result } = fn(before);
      if (state !== before) await this.write(state);
      return result;
    });
  }

  private async write(state: IpamState): Promise<void> {
    await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      // No fsync (it cost up to 40 ms per pod on a busy node): the rename alone makes the file whole
      // across an agent crash, and after a machine crash every netns is gone anyway.
      await fh.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }
}

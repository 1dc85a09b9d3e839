// The pod network (what the bridge CNI plugin with host-local IPAM does), driving iproute2: a node
// bridge holding the gateway, one netns per sandbox with a veth into the bridge and an IP from the podCIDR.
// Nothing here reaches beyond the host: no ip_forward, no masquerade (the services work adds routing).

import { access, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../roles/log.js';
import { execOk, execTool } from './exec.js';
import type { ExecResult } from './exec.js';
import { IpamStore, intToIp, parseIpv4Cidr } from './ipam.js';
import type { IpamAllocation, Ipv4Range } from './ipam.js';
import { withLock } from './lock.js';
import { bridgeMac, netnsName, validatePrefixes, vethName } from './names.js';

export interface PodNetworkResult { netnsPath: string; ip: string; gateway: string; prefixLength: number }

export interface PodNetworkOptions {
  podCidr: string;
  stateDir: string;
  bridge?: string /* default 'k8ts0' */;
  netnsPrefix?: string /* default 'k8ts-' */;
  vethPrefix?: string /* default 'veth' */;
  mtu?: number;
  log?: Logger;
}

export const NETNS_DIR = '/var/run/netns';
const BUSYBOX = '/usr/bin/busybox';
const INNER_FAILED = 90; // exit code of the in-netns script when `ip -batch` failed
const FORWARDING = '3'; // BR_STATE_FORWARDING in /sys/class/net/<port>/brport/state
const FORWARDING_POLLS = 300; // x 10 ms

export interface ResolvedPodNetworkOptions {
  range: Ipv4Range;
  stateDir: string;
  bridge: string;
  netnsPrefix: string;
  vethPrefix: string;
  mtu?: number;
  log: Logger;
}

export function resolvePodNetworkOptions(opts: PodNetworkOptions): ResolvedPodNetworkOptions {
  const bridge = opts.bridge ?? 'k8ts0';
  const netnsPrefix = opts.netnsPrefix ?? 'k8ts-';
  const vethPrefix = opts.vethPrefix ?? 'veth';
  validatePrefixes(bridge, netnsPrefix, vethPrefix);
  if (opts.mtu !== undefined && (!Number.isInteger(opts.mtu) || opts.mtu < 68 || opts.mtu > 65535)) {
    throw new Error(`invalid pod network MTU ${opts.mtu}`);
  }
  const resolved: ResolvedPodNetworkOptions = {
    range: parseIpv4Cidr(opts.podCidr),
    stateDir: opts.stateDir,
    bridge,
    netnsPrefix,
    vethPrefix,
    log: opts.log ?? (() => undefined),
  };
  if (opts.mtu !== undefined) resolved.mtu = opts.mtu;
  return resolved;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export class PodNetwork {
  private readonly o: ResolvedPodNetworkOptions;
  private readonly ipam: IpamStore;

  constructor(opts: PodNetworkOptions) {
    this.o = resolvePodNetworkOptions(opts);
    this.ipam = new IpamStore(this.o.stateDir);
  }

  /** Creates or repairs the bridge: fixed MAC, gateway address, up. Idempotent, one spawn. */
  async ensureBridge(): Promise<void> {
    const { bridge, range } = this.o;
    await withLock(`bridge:${bridge}`, async () => {
      const present = await exists(`/sys/class/net/${bridge}`);
      if (present && !(await exists(`/sys/class/net/${bridge}/bridge`))) {
        throw new Error(`network device ${bridge} exists and is not a bridge`);
      }
      const mac = bridgeMac(bridge);
      const cmds: string[] = [];
      if (!present) cmds.push(`link add ${bridge}${this.mtuArg()} address ${mac} type bridge`);
      else cmds.push(`link set ${bridge} address ${mac}`);
      cmds.push(`addr replace ${intToIp(range.gateway)}/${range.prefixLength} dev ${bridge}`, `link set ${bridge} up`);
      await execOk('ip', ['-batch', '-'], `${cmds.join('\n')}\n`);
    });
  }

  async removeBridge(): Promise<void> {
    const { bridge } = this.o;
    await withLock(`bridge:${bridge}`, async () => {
      if (await exists(`/sys/class/net/${bridge}`)) await execOk('ip', ['link', 'del', bridge]);
    });
  }

  async setUp(sandboxId: string): Promise<PodNetworkResult> {
    return withLock(this.sandboxKey(sandboxId), async () => {
      const t0 = performance.now();
      if (!(await exists(`/sys/class/net/${this.o.bridge}/bridge`))) await this.ensureBridge();
      const alloc = await this.ipam.allocate(this.o.range, sandboxId, {
        netns: netnsName(this.o.netnsPrefix, sandboxId),
        veth: vethName(this.o.vethPrefix, sandboxId),
      });
      const range = alloc.cidr === this.o.range.cidr ? this.o.range : parseIpv4Cidr(alloc.cidr);
      if (range !== this.o.range) {
        this.o.log('warn', 'sandbox keeps an IP from an earlier podCIDR', { sandboxId, ip: alloc.ip, cidr: alloc.cidr });
      }
      const { netns, veth } = this.namesOf(sandboxId, alloc);
      const tAlloc = performance.now();
      const fresh = !(await exists(`${NETNS_DIR}/${netns}`));
      let phases: { hostMs: number; netnsMs: number };
      try {
        phases = await this.plumb(netns, veth, alloc.ip, range);
      } catch (e) {
        // A half-built new sandbox is undone (as a CNI ADD failure is); an existing one is left for a
        // retry, since containers may be running in its netns.
        if (fresh) {
          await this.unplumb(netns, veth, alloc.ip).catch(() => undefined);
          await this.ipam.release(sandboxId).catch(() => undefined);
        }
        throw e;
      }
      const result: PodNetworkResult = {
        netnsPath: `${NETNS_DIR}/${netns}`,
        ip: alloc.ip,
        gateway: intToIp(range.gateway),
        prefixLength: range.prefixLength,
      };
      this.o.log('debug', 'pod network set up', {
        sandboxId, netns, veth, ip: alloc.ip, ms: Math.round(performance.now() - t0), ipamMs: Math.round(tAlloc - t0), ...phases,
      });
      return result;
    });
  }

  /** Removes the netns, the veth and the host's neighbour entry, then frees the IP. Idempotent. */
  async tearDown(sandboxId: string): Promise<void> {
    await withLock(this.sandboxKey(sandboxId), async () => {
      const t0 = performance.now();
      const alloc = await this.ipam.get(sandboxId);
      const { netns, veth } = this.namesOf(sandboxId, alloc);
      await this.unplumb(netns, veth, alloc?.ip);
      if (alloc) await this.ipam.release(sandboxId);
      this.o.log('debug', 'pod network torn down', { sandboxId, netns, ip: alloc?.ip, ms: Math.round(performance.now() - t0) });
    });
  }

  /** Sandbox ids holding an IP (set up and not yet torn down), sorted. */
  async list(): Promise<string[]> {
    return Object.keys((await this.ipam.read()).allocations).sort();
  }

  /** The options in effect, for orphan cleanup. */
  get options(): Readonly<ResolvedPodNetworkOptions> {
    return this.o;
  }

  private sandboxKey(sandboxId: string): string {
    return `sandbox:${this.o.stateDir}:${sandboxId}`;
  }

  private mtuArg(): string {
    return this.o.mtu === undefined ? '' : ` mtu ${this.o.mtu}`;
  }

  private namesOf(sandboxId: string, alloc: IpamAllocation | undefined): { netns: string; veth: string } {
    return {
      netns: alloc?.netns ?? netnsName(this.o.netnsPrefix, sandboxId),
      veth: alloc?.veth ?? vethName(this.o.vethPrefix, sandboxId),
    };
  }

  /**
   * Converges the sandbox's plumbing, keeping a netns that already exists: containers joined it by
   * path, so recreating it would cut them off. Two spawns: `ip -batch` on the host, then one inside the netns.
   */
  private async plumb(netns: string, veth: string, ip: string, range: Ipv4Range): Promise<{ hostMs: number; netnsMs: number }> {
    const { bridge } = this.o;
    const nsExists = await exists(`${NETNS_DIR}/${netns}`);
    let vethExists = await exists(`/sys/class/net/${veth}`);
    const host: string[] = [];
    if (!nsExists) {
      // A host veth without its netns has its peer somewhere else: start over.
      if (vethExists) host.push(`link del ${veth}`);
      vethExists = false;
      host.push(`netns add ${netns}`);
    }
    const addVeth = `link add ${veth}${this.mtuArg()} type veth peer name eth0${this.mtuArg()} netns ${netns}`;
    if (!vethExists) host.push(addVeth);
    // Hairpin lets a pod reach itself through a service VIP later; harmless before.
    host.push(`link set ${veth} master ${bridge}`, `link set dev ${veth} type bridge_slave hairpin on`, `link set ${veth} up`);
    const t0 = performance.now();
    await execOk('ip', ['-batch', '-'], `${host.join('\n')}\n`);
    const t1 = performance.now();

    const inner = [
      'link set lo up',
      `addr replace ${ip}/${range.prefixLength} dev eth0`,
      'link set eth0 up',
      `route replace default via ${intToIp(range.gateway)} dev eth0`,
    ].join('\n') + '\n';
    let r = await this.configureInside(netns, veth, ip, inner);
    if (r.code === INNER_FAILED && vethExists) {
      // The host veth survived but its peer is not our eth0: recreate the pair inside the kept netns.
      this.o.log('warn', 'recreating the veth pair of a sandbox', { netns, veth, error: r.stderr.trim() });
      const again = [`link del ${veth}`, addVeth, `link set ${veth} master ${bridge}`,
        `link set dev ${veth} type bridge_slave hairpin on`, `link set ${veth} up`];
      await execOk('ip', ['-batch', '-'], `${again.join('\n')}\n`);
      r = await this.configureInside(netns, veth, ip, inner);
    }
    if (r.code === INNER_FAILED) throw new Error(`configuring eth0 in netns ${netns} failed: ${r.stderr.trim()}`);
    if (r.code !== 0) throw new Error(`pod network set up in netns ${netns} failed (exit ${r.code}): ${r.stderr.trim()}`);
    if (r.stderr.trim()) this.o.log('warn', 'pod network set up', { netns, ip, detail: r.stderr.trim() });
    return { hostMs: Math.round(t1 - t0), netnsMs: Math.round(performance.now() - t1) };
  }

  /**
   * One spawn inside the netns: the `ip -batch` for eth0, then waiting for the host port to forward,
   * then a gratuitous ARP. The GARP makes the host and other pods replace a stale neighbour entry left
   * by an earlier pod with the same IP (otherwise traffic black-holes for ~50 s); the bridge drops it
   * before the port forwards. nsenter, unlike `ip netns exec`, keeps the host's /sys (so the port
   * state is readable) and skips a remount; busybox arping returns at once where iputils waits 1 s.
   */
  private async configureInside(netns: string, veth: string, ip: string, batch: string): Promise<ExecResult> {
    const arping = (await exists(BUSYBOX)) ? `${BUSYBOX} arping` : 'arping';
    const script = [
      `ip -batch - || exit ${INNER_FAILED}`,
      'n=0',
      // `read` is a builtin: the usual case (already forwarding) costs no fork.
      `while read -r s < "/sys/class/net/$1/brport/state" && [ "$s" != ${FORWARDING} ]; do`,
      `  n=$((n+1)); [ $n -gt ${FORWARDING_POLLS} ] && { echo "bridge port $1 not forwarding (state $s); GARP sent anyway" >&2; break; }`,
      '  sleep 0.01',
      'done',
      `${arping} -q -U -c 1 -I eth0 "$2" || echo "gratuitous ARP for $2 failed" >&2`,
    ].join('\n');
    return execTool('nsenter', [`--net=${NETNS_DIR}/${netns}`, '/bin/sh', '-c', script, 'sh', veth, ip], batch);
  }

  private async unplumb(netns: string, veth: string, ip: string | undefined): Promise<void> {
    const { bridge } = this.o;
    const cmds: string[] = [];
    // Deleting the host end is synchronous; the veth would otherwise linger until the kernel reaps the netns.
    if (await exists(`/sys/class/net/${veth}`)) cmds.push(`link del ${veth}`);
    if (await exists(`${NETNS_DIR}/${netns}`)) cmds.push(`netns del ${netns}`);
    if (ip !== undefined && (await exists(`/sys/class/net/${bridge}`))) cmds.push(`neigh flush to ${ip} dev ${bridge}`);
    if (cmds.length === 0) return;
    await execOk('ip', ['-batch', '-'], `${cmds.join('\n')}\n`);
  }
}

/** The bridge a host veth is attached to, or undefined. */
export async function vethMaster(veth: string): Promise<string | undefined> {
  try {
    return basename(await readlink(`/sys/class/net/${veth}/master`));
  } catch {
    return undefined;
  }
}

// A set of equal-sized subnets carved out of a cluster CIDR (nodeipam's cidrset), IPv4: hands
// out the next free one after the last given, so a released range is not reused at once.

export interface Cidr {
  base: number;
  prefix: number;
}

export function parseCidr(s: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s.trim());
  if (!m) throw new Error(`invalid CIDR address: ${s}`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`invalid CIDR address: ${s}`);
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

export class CidrSet {
  private readonly cluster: Cidr;
  private readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(clusterCidr: string, readonly nodeMaskSize = 24) {
    this.cluster = parseCidr(clusterCidr);
    if (nodeMaskSize < this.cluster.prefix) throw new Error(`node CIDR mask size ${nodeMaskSize} is smaller than the cluster CIDR's /${this.cluster.prefix}`);
    if (nodeMaskSize - this.cluster.prefix > 16) throw new Error('the cluster CIDR holds too many node subnets (at most 65536)');
    this.size = 2 ** (nodeMaskSize - this.cluster.prefix);
  }

  get free(): number {
    return this.size - this.used.size;
  }

  private indexOf(cidr: string): number | undefined {
    let c: Cidr;
    try {
      c = parseCidr(cidr);
    } catch {
      return undefined;
    }
    if (c.prefix !== this.nodeMaskSize) return undefined;
    const offset = c.base - this.cluster.base;
    const step = 2 ** (32 - this.nodeMaskSize);
    if (offset < 0 || offset % step !== 0 || offset / step >= this.size) return undefined;
    return offset / step;
  }

  /** The next free subnet, or undefined when all are taken (CIDRNotAvailable). */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.size; i++) {
      const idx = (this.next + i) % this.size;
      if (this.used.has(idx)) continue;
      this.used.add(idx);
      this.next = (idx + 1) % this.size;
      return formatCidr({ base: this.cluster.base + idx * 2 ** (32 - this.nodeMaskSize), prefix: this.nodeMaskSize });
    }
    return undefined;
  }

  /** Marks a subnet taken (a node that already has it); false if it is not one of ours. */
  occupy(cidr: string): boolean {
    const i = this.indexOf(cidr);
    if (i === undefined) return false;
    this.used.add(i);
    return true;
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.delete(i);
  }
}

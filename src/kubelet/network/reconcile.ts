// Orphan cleanup on agent start: a crashed agent may leave netns, veths, neighbour entries and IP
// allocations behind for sandboxes that no longer exist; remove everything of ours not in `known`.

import { readdir } from 'node:fs/promises';
import { execTool } from './exec.js';
import { IpamStore, intToIp, ipToInt } from './ipam.js';
import { netnsName, netnsPattern, vethName, vethPattern } from './names.js';
import { NETNS_DIR, vethMaster } from './pod-network.js';
import type { PodNetwork } from './pod-network.js';

export interface OrphanCleanupReport {
  /** Sandbox ids whose allocation (and plumbing) was torn down. */
  sandboxes: string[];
  /** Leftover objects with our names that no allocation referred to. */
  netns: string[];
  veths: string[];
  neighbours: string[];
}

export async function cleanupOrphans(network: PodNetwork, known: Set<string>): Promise<OrphanCleanupReport> {
  const o = network.options;
  const report: OrphanCleanupReport = { sandboxes: [], netns: [], veths: [], neighbours: [] };

  for (const id of await network.list()) {
    if (known.has(id)) continue;
    await network.tearDown(id);
    report.sandboxes.push(id);
  }

  // What the surviving sandboxes own, by the names recorded at allocation and by today's naming.
  const keepNetns = new Set<string>();
  const keepVeths = new Set<string>();
  for (const id of known) {
    keepNetns.add(netnsName(o.netnsPrefix, id));
    keepVeths.add(vethName(o.vethPrefix, id));
  }
  const state = Object.values((await new IpamStore(o.stateDir).read()).allocations);
  const keepIps = new Set<string>();
  for (const a of state) {
    if (a.netns) keepNetns.add(a.netns);
    if (a.veth) keepVeths.add(a.veth);
    keepIps.add(a.ip);
  }

  const cmds: string[] = [];
  const nsRe = netnsPattern(o.netnsPrefix);
  for (const name of await readdir(NETNS_DIR).catch(() => [] as string[])) {
    if (nsRe.test(name) && !keepNetns.has(name)) {
      cmds.push(`netns del ${name}`);
      report.netns.push(name);
    }
  }
  // Only veths on our bridge: the default prefix "veth" is shared with other software.
  const vRe = vethPattern(o.vethPrefix);
  for (const name of await readdir('/sys/class/net').catch(() => [] as string[])) {
    if (vRe.test(name) && !keepVeths.has(name) && (await vethMaster(name)) === o.bridge) {
      cmds.unshift(`link del ${name}`);
      report.veths.push(name);
    }
  }
  const neigh = await execTool('ip', ['-4', '-j', 'neigh', 'show', 'dev', o.bridge]);
  if (neigh.code === 0 && neigh.stdout.trim()) {
    const first = o.range.network;
    const last = o.range.network + 2 ** (32 - o.range.prefixLength) - 1;
    for (const e of JSON.parse(neigh.stdout) as { dst?: unknown }[]) {
      if (typeof e.dst !== 'string' || keepIps.has(e.dst)) continue;
      let n: number;
      try { n = ipToInt(e.dst); } catch { continue; }
      if (n < first || n > last || e.dst === intToIp(o.range.gateway)) continue;
      cmds.push(`neigh flush to ${e.dst} dev ${o.bridge}`);
      report.neighbours.push(e.dst);
    }
  }
  // Best effort and race-tolerant (-force goes on past a command that fails, e.g. a namespace
  // someone else removed meanwhile): what is left is tried again on the next start.
  if (cmds.length) {
    const r = await execTool('ip', ['-force', '-batch', '-'], `${cmds.join('\n')}\n`);
    if (r.code !== 0) o.log('warn', 'some orphaned pod network objects could not be removed', { error: r.stderr.trim() });
  }
  if (report.sandboxes.length + report.netns.length + report.veths.length + report.neighbours.length > 0) {
    o.log('info', 'removed orphaned pod network objects', { ...report });
  }
  return report;
}

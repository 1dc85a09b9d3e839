// The DNS configuration of a pod's sandbox (network/dns/dns.go): ClusterFirst pods use the
// cluster DNS with the search path <ns>.svc.<domain> svc.<domain> <domain> (then the host's)
// and ndots:5; Default uses the host's resolv.conf; None only pod.spec.dnsConfig, which is
// merged on top in every case.

import type { DnsConfig } from '../cri/types.js';
import type { Pod } from '../types.js';

export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (key === 'search') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

export interface DnsInput {
  clusterDns: string[];
  clusterDomain: string;
  /** The node's own resolver configuration. */
  host: DnsConfig;
}

/** The sandbox's DNS config, and a warning when ClusterFirst had to fall back to Default. */
export function podDnsConfig(pod: Pod, d: DnsInput): { config: DnsConfig; warning?: string } {
  let policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && pod.spec.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  let warning: string | undefined;
  if (policy === 'ClusterFirst' && !d.clusterDns.length) {
    warning = `pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
    policy = 'Default';
  }
  let config: DnsConfig;
  if (policy === 'ClusterFirst') {
    const ns = pod.metadata.namespace;
    const dom = d.clusterDomain;
    config = { servers: [...d.clusterDns], searches: [`${ns}.svc.${dom}`, `svc.${dom}`, dom, ...d.host.searches], options: ['ndots:5'] };
  } else if (policy === 'None') {
    config = { servers: [], searches: [], options: [] };
  } else {
    config = { servers: [...d.host.servers], searches: [...d.host.searches], options: [...d.host.options] };
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    for (const s of extra.nameservers ?? []) if (!config.servers.includes(s)) config.servers.push(s);
    for (const s of extra.searches ?? []) if (!config.searches.includes(s)) config.searches.push(s);
    const opts = new Map(config.options.map((o) => [o.split(':')[0], o]));
    for (const o of extra.options ?? []) opts.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    config.options = [...opts.values()];
  }
  // resolv.conf allows at most 3 nameservers and 32 search domains.
  config.servers = config.servers.slice(0, 3);
  config.searches = config.searches.slice(0, 32);
  return { config, warning };
}

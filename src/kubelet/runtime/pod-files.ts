// Contents of the /etc/hosts, /etc/hostname and /etc/resolv.conf a pod's containers see, in the
// formats the kubelet's managed hosts file and containerd's sandbox resolv.conf use. Pure.

import type { DnsConfig, PodSandboxConfig } from '../cri/types.js';

const HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';
const HOSTS_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';

function aliasesBlock(aliases: PodSandboxConfig['hostAliases']): string {
  if (!aliases || aliases.length === 0) return '';
  let s = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) s += `${a.ip}\t${a.hostnames.join('\t')}\n`;
  return s;
}

/** The pod's hosts file; `hostHosts` is the node's /etc/hosts, used for hostNetwork pods. */
export function hostsFile(cfg: Pick<PodSandboxConfig, 'hostname' | 'hostAliases' | 'hostNetwork'>, podIp: string, hostHosts = ''): string {
  if (cfg.hostNetwork) {
    const body = hostHosts === '' || hostHosts.endsWith('\n') ? hostHosts : `${hostHosts}\n`;
    return HOSTS_HEADER_HOST_NETWORK + body + aliasesBlock(cfg.hostAliases);
  }
  let s = HOSTS_HEADER;
  s += '127.0.0.1\tlocalhost\n';
  s += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  s += 'fe00::0\tip6-localnet\n';
  s += 'fe00::0\tip6-mcastprefix\n';
  s += 'fe00::1\tip6-allnodes\n';
  s += 'fe00::2\tip6-allrouters\n';
  if (podIp) {
    // A hostname with a subdomain (hostname.subdomain.ns.svc...) gets its FQDN first, as the kubelet writes it.
    const dot = cfg.hostname.indexOf('.');
    s += dot > 0 ? `${podIp}\t${cfg.hostname}\t${cfg.hostname.slice(0, dot)}\n` : `${podIp}\t${cfg.hostname}\n`;
  }
  return s + aliasesBlock(cfg.hostAliases);
}

/** Without a DNS config the pod gets the node's resolv.conf unchanged. */
export function resolvConf(dns: DnsConfig | undefined, hostResolvConf = ''): string {
  if (!dns) return hostResolvConf;
  let s = '';
  if (dns.searches.length > 0) s += `search ${dns.searches.join(' ')}\n`;
  for (const ns of dns.servers) s += `nameserver ${ns}\n`;
  if (dns.options.length > 0) s += `options ${dns.options.join(' ')}\n`;
  return s;
}

export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}

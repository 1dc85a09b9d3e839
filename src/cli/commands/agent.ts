// `k8ts agent --server URL --token TOKEN`: a node for an existing cluster. The token is the
// server's <dataDir>/server/node-token: it pins the cluster CA by hash and carries the node's credential.

import { connect, type PeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Command } from 'commander';
import { httpsTransport } from '../../client/transport.js';
import type { AgentOptions } from '../../roles/agent.js';
import { isLogLevel, makeLogger } from '../../roles/log.js';
import { caHash, parseNodeToken } from '../../roles/node-token.js';
import { addOptions, AGENT_OPTIONS, logLevelOption, resolveOptions, SERVER_OPTIONS, stopOnSignals, type OptionSpec } from '../options.js';

const OPTIONS: OptionSpec[] = [
  ...SERVER_OPTIONS.filter((s) => ['config', 'data-dir', 'log-level'].includes(s.name)),
  { name: 'server', type: 'string', description: 'URL of the k8ts server to join, e.g. https://10.0.0.1:6443' },
  { name: 'token', type: 'string', description: "the server's node token (DATA_DIR/server/node-token on the server)" },
  ...AGENT_OPTIONS,
];

/** The agent's settings from resolved options (shared with `k8ts server`). */
export function agentSettings(o: Record<string, unknown>): Omit<AgentOptions, 'dataDir' | 'transport' | 'caCert' | 'log'> {
  return {
    nodeName: o['node-name'] as string | undefined,
    nodeIp: o['node-ip'] as string | undefined,
    kubeletPort: Number(o['kubelet-port']),
    privateRegistry: String(o['private-registry']),
    mirrorsOnly: Boolean(o['disable-default-registry-endpoint']),
    clusterDns: String(o['cluster-dns']),
    clusterDomain: String(o['cluster-domain']),
  };
}

/** The CA at the top of the chain the server presents; trusted only if its hash is the token's. */
async function serverCa(url: URL): Promise<string> {
  const cert = await new Promise<PeerCertificate>((res, rej) => {
    const s = connect({ host: url.hostname, port: Number(url.port || 443), rejectUnauthorized: false, servername: url.hostname }, () => {
      res(s.getPeerCertificate(true));
      s.end();
    });
    s.on('error', rej);
  });
  let top = cert as PeerCertificate & { issuerCertificate?: PeerCertificate };
  while (top.issuerCertificate && top.issuerCertificate !== top) top = top.issuerCertificate;
  return new X509Certificate(top.raw).toString();
}

export function agentCommand(): Command {
  const cmd = new Command('agent').description('run a node (kubelet on runc) that joins a k8ts server');
  addOptions(cmd, OPTIONS);
  cmd.action(async (flags: Record<string, unknown>) => {
    const o = resolveOptions(OPTIONS, flags);
    const level = logLevelOption(o);
    if (!o.server || !o.token) throw new Error('--server and --token are required');
    // The agent's modules load only for the commands that use them (k8ts server starts faster).
    const { agentPreconditions, runAgent } = await import('../../roles/agent.js');
    const missing = agentPreconditions();
    if (missing.length) throw new Error(`cannot run pods on this machine; missing: ${missing.join(', ')}`);
    const url = new URL(String(o.server));
    const token = parseNodeToken(String(o.token));
    if (!token.caHash) throw new Error('--token must be the server\'s node token (K10<ca hash>::<credential>)');
    const ca = await serverCa(url);
    if (caHash(ca) !== token.caHash) throw new Error(`the server at ${url.origin} presents a CA whose hash does not match the token`);
    const stop = stopOnSignals();
    await runAgent({ ...agentSettings(o), dataDir: String(o['data-dir']), transport: httpsTransport({ server: url.origin, ca, token: token.credential }, 'kubelet/v1.32.4 (k8ts)'), caCert: ca, log: makeLogger('agent', level) }, stop);
  });
  return cmd;
}

export function killAllCommand(): Command {
  const specs = SERVER_OPTIONS.filter((s) => ['config', 'data-dir', 'log-level'].includes(s.name));
  const cmd = new Command('killall').description("stop every pod this data dir's node runs and remove their namespaces, links and mounts (pods outlive a stopped agent)");
  addOptions(cmd, specs);
  cmd.action(async (flags: Record<string, unknown>) => {
    const o = resolveOptions(specs, flags);
    const level = String(o['log-level']);
    const log = makeLogger('killall', isLogLevel(level) ? level : 'info');
    const { killAll } = await import('../../roles/agent.js');
    const done = await killAll(String(o['data-dir']), log);
    process.stdout.write(`stopped ${done.containers} containers in ${done.sandboxes} pod sandboxes\n`);
  });
  return cmd;
}

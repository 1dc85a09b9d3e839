// One schema for every option: its flag, its K8TS_* environment variable, its config-file key
// and default. Help text, parsing and precedence (flag > env > config file > default) derive from it.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Option, type Command } from 'commander';
import { isLogLevel, type LogLevel } from '../roles/log.js';

export type OptionType = 'string' | 'number' | 'boolean';

export interface OptionSpec {
  /** Flag name without dashes; also the config-file key. */
  name: string;
  type: OptionType;
  description: string;
  default?: () => string | number | boolean | undefined;
}

export function envName(flag: string): string {
  return `K8TS_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

export const SERVER_OPTIONS: OptionSpec[] = [
  { name: 'config', type: 'string', description: 'YAML file with option values (keys named as the flags)' },
  { name: 'data-dir', type: 'string', description: 'directory for the datastore, certificates and kubeconfig', default: defaultDataDir },
  { name: 'https-listen-port', type: 'number', description: 'port the API server listens on', default: () => 6443 },
  { name: 'bind-address', type: 'string', description: 'address the API server listens on', default: () => '127.0.0.1' },
  { name: 'write-kubeconfig', type: 'string', description: 'where to write the admin kubeconfig (default: DATA_DIR/kubeconfig.yaml)' },
  { name: 'datastore-endpoint', type: 'string', description: 'datastore URL: sqlite://PATH (default: embedded SQLite in the data dir), or etcd' },
  { name: 'service-cidr', type: 'string', description: 'IPv4 range for Service cluster IPs', default: () => '10.43.0.0/16' },
  { name: 'cluster-cidr', type: 'string', description: 'IPv4 range pod CIDRs are given out from, a /24 per node', default: () => '10.42.0.0/16' },
  { name: 'disable-agent', type: 'boolean', description: 'do not run the node agent in the server process', default: () => false },
  { name: 'disable-controller-manager', type: 'boolean', description: 'do not run the controllers in the server process', default: () => false },
  { name: 'disable-scheduler', type: 'boolean', description: 'do not run the scheduler in the server process', default: () => false },
  { name: 'simulated-nodes', type: 'number', description: 'register N simulated nodes that play the kubelet for their pods (no containers)', default: () => 0 },
  { name: 'simulated-failing-images', type: 'string', description: 'comma-separated images whose pulls fail on simulated nodes (ErrImagePull)', default: () => '' },
  { name: 'lease-duration-seconds', type: 'number', description: 'leader election lease of the controller manager and scheduler', default: () => 15 },
  { name: 'log-level', type: 'string', description: 'debug, info, warn or error', default: () => 'info' },
];

/** The node agent's options: `k8ts agent`, and `k8ts server` for its in-process agent. */
export const AGENT_OPTIONS: OptionSpec[] = [
  { name: 'node-name', type: 'string', description: 'name of this node (default: the hostname)' },
  { name: 'node-ip', type: 'string', description: 'IPv4 address the node reports and the kubelet serves on (default: the first non-loopback address)' },
  { name: 'kubelet-port', type: 'number', description: 'port of the kubelet API (logs, exec, port-forward) the API server connects to', default: () => 10250 },
  { name: 'private-registry', type: 'string', description: 'registries.yaml with registry mirrors and credentials, as k3s reads it', default: () => '/etc/k8ts/registries.yaml' },
  { name: 'disable-default-registry-endpoint', type: 'boolean', description: 'pull only through the mirrors registries.yaml names, never from the registry itself (as k3s)', default: () => false },
  { name: 'cluster-dns', type: 'string', description: 'IPv4 address of the cluster DNS written into pods\' resolv.conf', default: () => '10.43.0.10' },
  { name: 'cluster-domain', type: 'string', description: 'the cluster\'s DNS domain', default: () => 'cluster.local' },
];

/** Options of the components that run on their own against an API server. */
export const COMPONENT_OPTIONS: OptionSpec[] = [
  { name: 'config', type: 'string', description: 'YAML file with option values (keys named as the flags)' },
  { name: 'kubeconfig', type: 'string', description: 'kubeconfig with the API server and credentials to use' },
  { name: 'lease-duration-seconds', type: 'number', description: 'leader election lease duration', default: () => 15 },
  { name: 'cluster-cidr', type: 'string', description: 'IPv4 range pod CIDRs are given out from', default: () => '10.42.0.0/16' },
  { name: 'log-level', type: 'string', description: 'debug, info, warn or error', default: () => 'info' },
];

export function addOptions(cmd: Command, specs: OptionSpec[]): Command {
  for (const s of specs) {
    const flag = s.type === 'boolean' ? `--${s.name}` : `--${s.name} <${s.type === 'number' ? 'n' : 'value'}>`;
    const o = new Option(flag, `${s.description} [env ${envName(s.name)}]`);
    if (s.type === 'number') o.argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new Error(`--${s.name} must be an integer, got "${v}"`);
      return n;
    });
    cmd.addOption(o);
  }
  return cmd;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function coerce(spec: OptionSpec, raw: unknown, source: string): string | number | boolean {
  if (spec.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0' || raw === '') return false;
  } else if (spec.type === 'number') {
    const n = Number(raw);
    if (Number.isInteger(n)) return n;
  } else if (typeof raw === 'string' || typeof raw === 'number') return String(raw);
  throw new Error(`${source}: invalid value ${JSON.stringify(raw)} for ${spec.name} (${spec.type})`);
}

/** Resolves every option: flag, then environment, then config file, then default. */
export function resolveOptions(specs: OptionSpec[], flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  const configPath = (flags.config as string | undefined) ?? env[envName('config')];
  let file: Record<string, unknown> = {};
  if (configPath) {
    const parsed: unknown = parseYaml(readFileSync(configPath, 'utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) file = parsed as Record<string, unknown>;
    else throw new Error(`${configPath}: expected a mapping of option names to values`);
    const known = new Set(specs.map((s) => s.name));
    for (const k of Object.keys(file)) if (!known.has(k)) throw new Error(`${configPath}: unknown option "${k}"`);
  }
  for (const s of specs) {
    const flag = flags[camel(s.name)];
    const e = env[envName(s.name)];
    if (flag !== undefined) out[s.name] = flag as string | number | boolean;
    else if (e !== undefined) out[s.name] = coerce(s, e, envName(s.name));
    else if (file[s.name] !== undefined) out[s.name] = coerce(s, file[s.name], configPath ?? 'config');
    else out[s.name] = s.default?.();
  }
  return out;
}

/** The resolved `--log-level`, refused with a clear error unless it is one the loggers know. */
export function logLevelOption(o: Record<string, unknown>): LogLevel {
  const level = String(o['log-level']);
  if (!isLogLevel(level)) throw new Error(`--log-level must be debug, info, warn or error, got "${level}"`);
  return level;
}

/** Aborts on SIGINT or SIGTERM: every long-running command stops the same way. */
export function stopOnSignals(): AbortSignal {
  const abort = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort.abort());
  return abort.signal;
}

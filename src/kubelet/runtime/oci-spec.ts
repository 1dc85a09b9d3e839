// Builds the OCI runtime config (config.json) runc runs a container from, out of the CRI container and
// sandbox configs and the image config. Written from scratch rather than patched from `runc spec`,
// whose defaults (terminal, read-only root, hostname, 3 caps) are wrong for pods. Pure.

import type { ContainerConfig, ImageConfig, PodSandboxConfig } from '../cri/types.js';
import type { ProcessUser } from './user.js';

export interface OciMount { destination: string; type: string; source: string; options: string[] }
export interface OciNamespace { type: string; path?: string }

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[]; inheritable: string[]; ambient: string[] };
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  mounts: OciMount[];
  linux: {
    namespaces: OciNamespace[];
    cgroupsPath: string;
    resources: {
      devices: { allow: boolean; access: string; type?: string; major?: number; minor?: number }[];
      memory?: { limit: number; swap?: number };
      cpu?: { shares?: number; quota?: number; period?: number };
      pids?: { limit: number };
    };
    sysctl?: Record<string, string>;
    maskedPaths?: string[];
    readonlyPaths?: string[];
  };
  annotations?: Record<string, string>;
}

/** containerd's default capability set for CRI containers. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Every capability up to CAP_CHECKPOINT_RESTORE (40), in kernel order. */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** containerd's defaults (oci.populateDefaultUnixSpec). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/sys/devices/virtual/powercap', '/proc/scsi',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function normalizeCapability(name: string): string {
  const up = name.trim().toUpperCase();
  return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/**
 * containerd order: ALL in add gives every cap, ALL in drop clears, then named adds, then named drops.
 * `available` is what the runtime itself holds (its bounding set): runc cannot grant more, so
 * "every cap" means those, as containerd does for privileged containers.
 */
export function computeCapabilities(add: string[], drop: string[], privileged: boolean, available: string[] = ALL_CAPABILITIES): string[] {
  if (privileged) return [...available];
  const a = add.map(normalizeCapability);
  const d = drop.map(normalizeCapability);
  let caps = a.includes('ALL') ? [...available] : [...DEFAULT_CAPABILITIES];
  if (d.includes('ALL')) caps = [];
  for (const c of a) if (c !== 'ALL' && !caps.includes(c)) caps.push(c);
  return caps.filter((c) => !d.includes(c) && available.includes(c));
}

/** Docker/Kubernetes semantics: command replaces ENTRYPOINT and drops CMD; args replaces CMD. */
export function processArgs(command: string[], args: string[], image: ImageConfig): string[] {
  if (command.length > 0) return [...command, ...args];
  const cmd = args.length > 0 ? args : image.cmd ?? [];
  return [...(image.entrypoint ?? []), ...cmd];
}

/** Later entries win, keeping the position of the first definition. */
export function mergeEnv(...lists: string[][]): string[] {
  const order: string[] = [];
  const values = new Map<string, string>();
  for (const list of lists) {
    for (const kv of list) {
      const eq = kv.indexOf('=');
      const key = eq < 0 ? kv : kv.slice(0, eq);
      if (!values.has(key)) order.push(key);
      values.set(key, kv);
    }
  }
  return order.map((k) => values.get(k)!);
}

/** Sysctls that are namespaced per pod (safe to set inside the pod's namespaces). */
export function isNamespacedSysctl(name: string, hostNetwork: boolean): boolean {
  if (name.startsWith('net.')) return !hostNetwork;
  return name.startsWith('kernel.shm') || name.startsWith('kernel.msg') || name === 'kernel.sem' || name.startsWith('fs.mqueue.');
}

export interface OciSpecInput {
  containerId: string;
  config: ContainerConfig;
  sandbox: PodSandboxConfig;
  image: ImageConfig;
  user: ProcessUser;
  /** Paths of the sandbox's namespaces; netns absent for hostNetwork pods. */
  namespaces: { net?: string; ipc: string; uts: string };
  /** Files the sandbox keeps for the pod, bind-mounted unless the config mounts the same path. */
  sandboxFiles?: { hosts?: string; hostname?: string; resolvConf?: string; shm?: string };
  /** Relative to the bundle. */
  rootfs?: string;
  /** Host supports memory+swap accounting (memory.memsw.*): pin swap to the limit so it cannot swap. */
  swapAccounting?: boolean;
  pidsLimit?: number;
  /** Capabilities the runtime holds (default: all). */
  availableCapabilities?: string[];
  /** RLIMIT_NOFILE; capped by the caller at the host's fs.nr_open. Default 1048576. */
  nofile?: number;
}

export function buildOciSpec(input: OciSpecInput): OciSpec {
  const { config, sandbox, image, user } = input;
  const sc = config.linux.securityContext;
  const res = config.linux.resources;
  const privileged = sc.privileged === true;

  const args = processArgs(config.command, config.args, image);
  if (args.length === 0) throw new Error('no command specified');

  const envFromConfig = config.envs.map((e) => `${e.key}=${e.value}`);
  const base = [DEFAULT_PATH_ENV];
  if (!sandbox.hostNetwork || sandbox.hostname) base.push(`HOSTNAME=${sandbox.hostname}`);
  let env = mergeEnv(base, image.env ?? [], envFromConfig);
  if (!env.some((e) => e.startsWith('HOME='))) env = [...env, `HOME=${user.home || '/'}`];

  const caps = computeCapabilities(sc.capabilities?.addCapabilities ?? [], sc.capabilities?.dropCapabilities ?? [], privileged, input.availableCapabilities);

  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
  ];
  const files = input.sandboxFiles ?? {};
  mounts.push(files.shm
    ? { destination: '/dev/shm', type: 'bind', source: files.shm, options: ['rbind', 'rprivate', 'rw'] }
    : { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] });
  const configured = new Set(config.mounts.map((m) => cleanPath(m.containerPath)));
  const sandboxFile = (dest: string, src: string | undefined): void => {
    if (src && !configured.has(dest)) {
      mounts.push({ destination: dest, type: 'bind', source: src, options: ['rbind', 'rprivate', sc.readonlyRootfs ? 'ro' : 'rw'] });
    }
  };
  sandboxFile('/etc/hosts', files.hosts);
  sandboxFile('/etc/hostname', files.hostname);
  sandboxFile('/etc/resolv.conf', files.resolvConf);
  // A configured mount replaces a default one at the same place (e.g. an emptyDir at /dev/shm).
  const result = mounts.filter((m) => !configured.has(m.destination));
  for (const m of config.mounts) {
    result.push({
      destination: cleanPath(m.containerPath),
      type: 'bind',
      source: m.hostPath,
      options: ['rbind', 'rprivate', m.readonly ? 'ro' : 'rw'],
    });
  }

  const namespaces: OciNamespace[] = [{ type: 'pid' }, { type: 'mount' }];
  if (input.namespaces.net) namespaces.push({ type: 'network', path: input.namespaces.net });
  namespaces.push({ type: 'ipc', path: input.namespaces.ipc });
  // hostNetwork pods keep the host's UTS namespace (the node's hostname), as upstream.
  if (!sandbox.hostNetwork) namespaces.push({ type: 'uts', path: input.namespaces.uts });

  const resources: OciSpec['linux']['resources'] = {
    devices: [{ allow: privileged, access: 'rwm' }],
  };
  if (res.memoryLimitInBytes && res.memoryLimitInBytes > 0) {
    resources.memory = { limit: res.memoryLimitInBytes };
    if (input.swapAccounting) resources.memory.swap = res.memoryLimitInBytes;
  }
  const cpu: { shares?: number; quota?: number; period?: number } = {};
  if (res.cpuShares) cpu.shares = res.cpuShares;
  if (res.cpuQuota && res.cpuQuota > 0) cpu.quota = res.cpuQuota;
  if (res.cpuPeriod) cpu.period = res.cpuPeriod;
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;
  if (input.pidsLimit && input.pidsLimit > 0) resources.pids = { limit: input.pidsLimit };

  const sysctl: Record<string, string> = {};
  for (const [k, v] of Object.entries(sandbox.sysctls ?? {})) {
    if (isNamespacedSysctl(k, sandbox.hostNetwork === true)) sysctl[k] = v;
  }

  const parent = sandbox.cgroupParent.startsWith('/') ? sandbox.cgroupParent : `/${sandbox.cgroupParent}`;
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: config.tty,
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
      args,
      env,
      cwd: config.workingDir || image.workingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: input.nofile ?? 1048576, soft: input.nofile ?? 1048576 }],
      noNewPrivileges: !privileged && sc.noNewPrivs === true,
    },
    root: { path: input.rootfs ?? 'rootfs', readonly: sc.readonlyRootfs === true },
    mounts: result,
    linux: {
      namespaces,
      cgroupsPath: `${parent.replace(/\/+$/, '')}/${input.containerId}`,
      resources,
    },
  };
  if (res.oomScoreAdj !== undefined) spec.process.oomScoreAdj = res.oomScoreAdj;
  if (Object.keys(sysctl).length > 0) spec.linux.sysctl = sysctl;
  if (!privileged) {
    spec.linux.maskedPaths = sc.maskedPaths ?? DEFAULT_MASKED_PATHS;
    spec.linux.readonlyPaths = sc.readonlyPaths ?? DEFAULT_READONLY_PATHS;
  }
  if (Object.keys(config.annotations).length > 0) spec.annotations = { ...config.annotations };
  return spec;
}

function cleanPath(p: string): string {
  const s = p.replace(/\/+/g, '/');
  return s.length > 1 ? s.replace(/\/$/, '') : s;
}

/** The capability names set in a hex mask such as /proc/self/status CapBnd. */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

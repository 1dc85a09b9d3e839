// A container's CRI mounts: its volumeMounts (subPath and subPathExpr resolved safely inside the
// volume) plus the per-container files the kubelet provides (/etc/hosts, the termination log).

import { chmodSync, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import type { KubeObject } from '../../api/object.js';
import type { Mount } from '../cri/types.js';
import type { ContainerSpec, VolumeMount } from './types.js';

export interface ContainerFiles {
  /** The pod's hosts file, mounted at /etc/hosts unless a volume is mounted there. */
  hostsFile?: string;
  /** The container's termination-log file, mounted at terminationMessagePath. */
  terminationLogFile?: string;
  /** The pod's resolv.conf and hostname files, when the runtime does not provide them. */
  resolvConfFile?: string;
  hostnameFile?: string;
  /** The container's resolved environment, for subPathExpr. */
  env?: Record<string, string>;
}

/** expansion.Expand for subPathExpr: $(VAR) from env, $$ → $; missing or empty variables are an error. */
export function expandSubPathExpr(expr: string, env: Record<string, string>): string {
  const missing = new Set<string>();
  const out = expr.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    const v = env[name!];
    if (!v) missing.add(name!);
    return v ?? '';
  });
  if (missing.size) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

/** The checks upstream's makeMounts makes on a subPath before touching the disk. */
export function checkSubPath(subPath: string): string | undefined {
  if (isAbsolute(subPath)) return `error SubPath \`${subPath}\` must not be an absolute path`;
  if (subPath.split(/[\\/]/).includes('..')) return `unable to provision SubPath \`${subPath}\`: must not contain '..'`;
  return undefined;
}

/** Depth of a container path, for ordering: a parent mount must come before mounts inside it. */
const depth = (p: string) => p.split('/').filter(Boolean).length;

function resolveSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): string {
  const err = checkSubPath(subPath);
  if (err) throw new Error(err);
  const target = join(volumePath, subPath);
  if (!existsSync(target)) {
    // Made now with the volume's mode, so a group-writable volume gives a group-writable subPath.
    try {
      const mode = statSync(volumePath).mode & 0o7777;
      mkdirSync(target, { recursive: true, mode });
      chmodSync(target, mode);
    } catch {
      throw new Error(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
    }
  }
  // Symlinks inside the volume must not lead out of it (upstream's safe subpath).
  const root = realpathSync(volumePath);
  const real = realpathSync(target);
  if (real !== root && !real.startsWith(root + sep)) throw new Error(`subpath "${real}" not within volume path "${root}"`);
  return real;
}

/** Mounts for one container; throws upstream's messages for unknown volumes and bad subPaths. */
export function containerMounts(pod: KubeObject, container: ContainerSpec, volumes: Map<string, VolumeMount>, files: ContainerFiles = {}): Mount[] {
  void pod;
  const mounts: Mount[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const vol = volumes.get(vm.name);
    if (!vol) throw new Error(`cannot find volume "${vm.name}" to mount into container "${container.name}"`);
    let hostPath = vol.hostPath;
    const subPath = vm.subPathExpr ? expandSubPathExpr(vm.subPathExpr, files.env ?? {}) : vm.subPath ?? '';
    if (subPath) hostPath = resolveSubPath(vol.hostPath, subPath, vm.name, container.name);
    mounts.push({ containerPath: vm.mountPath, hostPath, readonly: !!vm.readOnly || vol.readOnly });
  }
  const has = (p: string) => mounts.some((m) => m.containerPath === p);
  if (files.hostsFile && !has('/etc/hosts')) mounts.push({ containerPath: '/etc/hosts', hostPath: files.hostsFile, readonly: false });
  if (files.resolvConfFile && !has('/etc/resolv.conf')) mounts.push({ containerPath: '/etc/resolv.conf', hostPath: files.resolvConfFile, readonly: false });
  if (files.hostnameFile && !has('/etc/hostname')) mounts.push({ containerPath: '/etc/hostname', hostPath: files.hostnameFile, readonly: false });
  const termPath = container.terminationMessagePath ?? '/dev/termination-log';
  if (files.terminationLogFile && termPath && !has(termPath)) mounts.push({ containerPath: termPath, hostPath: files.terminationLogFile, readonly: false });
  // Stable sort keeps the spec's order among mounts of the same depth.
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.containerPath) - depth(b.m.containerPath) || a.i - b.i).map((x) => x.m);
}

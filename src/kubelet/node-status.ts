// The Node this kubelet registers and keeps up to date (kubelet_node_status.go and
// nodestatus/setters.go): machine facts (cores, memory, disk of the data dir, OS image, kernel,
// machine and boot ids), capacity and allocatable (less the default hard eviction thresholds:
// memory.available<100Mi, nodefs.available<10%), addresses, daemon endpoints, nodeInfo, images,
// and the four conditions with upstream's reasons and messages. Status is computed every 10 s
// and written when it changed or every 5 min.

import { readFile, statfs } from 'node:fs/promises';
import { arch, cpus, hostname, release } from 'node:os';
import { formatQuantity } from '../api/validation/quantity.js';
import type { Image } from './cri/types.js';

export interface MachineInfo {
  cores: number;
  memoryBytes: number;
  diskBytes: number;
  osImage: string;
  kernelVersion: string;
  architecture: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  hostname: string;
}

const readText = (p: string) => readFile(p, 'utf8').then((s) => s.trim(), () => '');

export function goArch(a: string = arch()): string {
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

export function osImageFrom(osRelease: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(osRelease);
  return m ? m[1].replace(/^["']|["']$/g, '') : 'Linux';
}

export async function collectMachineInfo(dataDir: string): Promise<MachineInfo> {
  const meminfo = await readText('/proc/meminfo');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  let diskBytes = 0;
  try {
    const s = await statfs(dataDir);
    diskBytes = s.blocks * s.bsize;
  } catch {
    diskBytes = 0;
  }
  const machineID = (await readText('/etc/machine-id')) || (await readText('/var/lib/dbus/machine-id'));
  const uuid = (await readText('/sys/class/dmi/id/product_uuid')) || machineID.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  return {
    cores: cpus().length,
    memoryBytes: memKb * 1024,
    diskBytes,
    osImage: osImageFrom(await readText('/etc/os-release')),
    kernelVersion: release(),
    architecture: goArch(),
    machineID,
    systemUUID: uuid,
    bootID: await readText('/proc/sys/kernel/random/boot_id'),
    hostname: hostname(),
  };
}

const binary = (bytes: number) => formatQuantity({ num: BigInt(Math.max(0, Math.floor(bytes))), scale: 0, format: 'BinarySI' });

export const EVICTION_MEMORY_BYTES = 100 * 1024 * 1024;
export const EVICTION_NODEFS_FRACTION = 0.1;

export function capacityOf(m: MachineInfo, maxPods: number): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const capacity = { cpu: String(m.cores), 'ephemeral-storage': binary(m.diskBytes), 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: binary(m.memoryBytes), pods: String(maxPods) };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': binary(m.diskBytes - Math.floor(m.diskBytes * EVICTION_NODEFS_FRACTION)),
    memory: binary(m.memoryBytes - EVICTION_MEMORY_BYTES),
  };
  return { capacity, allocatable };
}

export interface NodeCondition { type: string; status: string; lastHeartbeatTime: string; lastTransitionTime: string; reason: string; message: string }

export interface NodeHealth {
  /** Empty when ready; else why not (runtime down, network not ready). */
  notReadyMessage?: string;
}

/** The four conditions, keeping lastTransitionTime while a status holds. */
export function nodeConditions(prev: NodeCondition[] | undefined, now: string, h: NodeHealth): NodeCondition[] {
  const old = new Map((prev ?? []).map((c) => [c.type, c]));
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const o = old.get(type);
    return { type, status, lastHeartbeatTime: now, lastTransitionTime: o && o.status === status ? o.lastTransitionTime : now, reason, message };
  };
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    h.notReadyMessage ? c('Ready', 'False', 'KubeletNotReady', h.notReadyMessage) : c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export interface NodeStatusInput {
  machine: MachineInfo;
  nodeIP: string;
  kubeletPort: number;
  maxPods: number;
  kubeletVersion: string;
  containerRuntimeVersion: string;
  conditions: NodeCondition[];
  images: Image[];
}

export function nodeStatus(i: NodeStatusInput): Record<string, unknown> {
  const { capacity, allocatable } = capacityOf(i.machine, i.maxPods);
  const images = [...i.images]
    .sort((a, b) => b.size - a.size)
    .slice(0, 50)
    .map((im) => ({ names: [...im.repoDigests, ...im.repoTags], sizeBytes: im.size }));
  return {
    capacity,
    allocatable,
    conditions: i.conditions,
    addresses: [
      { type: 'InternalIP', address: i.nodeIP },
      { type: 'Hostname', address: i.machine.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: {
      machineID: i.machine.machineID,
      systemUUID: i.machine.systemUUID,
      bootID: i.machine.bootID,
      kernelVersion: i.machine.kernelVersion,
      osImage: i.machine.osImage,
      containerRuntimeVersion: i.containerRuntimeVersion,
      kubeletVersion: i.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: i.machine.architecture,
    },
    ...(images.length ? { images } : {}),
  };
}

export function nodeLabels(nodeName: string, architecture: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': architecture,
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': 'linux',
  };
}

/** Whether a new status differs from the last one written, heartbeat times aside. */
export function nodeStatusChanged(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  if (!a) return true;
  const strip = (s: Record<string, unknown>) => JSON.stringify({ ...s, conditions: ((s.conditions ?? []) as NodeCondition[]).map((c) => ({ ...c, lastHeartbeatTime: '' })) });
  return strip(a) !== strip(b);
}

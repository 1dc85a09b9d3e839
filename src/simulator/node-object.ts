// The Node a kubelet registers: labels, capacity and allocatable, conditions, addresses,
// daemon endpoints and nodeInfo, as a v1.32 kubelet on containerd reports them.

import type { KubeObject } from '../api/object.js';
import { hex64 } from './images.js';

export const KUBELET_VERSION = 'v1.32.0';
export const CONTAINER_RUNTIME_VERSION = 'containerd://1.7.24';

export interface NodeShape {
  name: string;
  /** Position among simulated nodes; gives the node its address and pod range. */
  index: number;
  cpu: string;
  memory: string;
  pods: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
}

/** A loopback address per node: never routed off this machine. */
export function nodeAddress(index: number): string {
  const n = index + 1;
  return `127.1.${(n >> 8) & 255}.${n & 255}`;
}

/** A /24 pod range per node when node IPAM has not given one. */
export function syntheticPodCidr(index: number): string {
  return `10.${64 + ((index >> 8) & 63)}.${index & 255}.0/24`;
}

export function readyConditions(now: string): Record<string, unknown>[] {
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function nodeObject(shape: NodeShape, now: string): KubeObject {
  const resources = { cpu: shape.cpu, 'ephemeral-storage': '102625208Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: shape.memory, pods: String(shape.pods) };
  const id = hex64(`node:${shape.name}`);
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: shape.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': shape.name,
        'kubernetes.io/os': 'linux',
        ...(shape.labels ?? {}),
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: shape.taints?.length ? { taints: shape.taints } : {},
    status: {
      capacity: resources,
      allocatable: { ...resources },
      conditions: readyConditions(now),
      addresses: [
        { type: 'InternalIP', address: nodeAddress(shape.index) },
        { type: 'Hostname', address: shape.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: id.slice(0, 32),
        systemUUID: uuid,
        bootID: hex64(`boot:${shape.name}:${now}`).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
        kernelVersion: '6.8.0-simulated',
        osImage: 'k8ts simulated node',
        containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
        kubeletVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

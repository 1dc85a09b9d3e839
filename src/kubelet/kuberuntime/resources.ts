// A container's resources as CRI Linux resources (kuberuntime_container_linux.go): CPU shares
// from the request (milliCPU × 1024 / 1000, at least 2), CFS quota from the limit over a
// 100 ms period (at least 1 ms), the memory limit in bytes, and the OOM score by QoS class.

import { integerValue, milliValue, parseQuantity } from '../../api/validation/quantity.js';
import type { LinuxContainerResources } from '../cri/types.js';
import type { Container } from '../types.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const QUOTA_PERIOD = 100_000;
export const MIN_QUOTA = 1000;

function milli(v: string | number | undefined): number {
  if (v === undefined) return 0;
  const r = parseQuantity(v);
  return r.ok ? Number(milliValue(r.quantity)) : 0;
}

export function bytes(v: string | number | undefined): number {
  if (v === undefined) return 0;
  const r = parseQuantity(v);
  return r.ok ? Number(integerValue(r.quantity)) : 0;
}

export function milliCpuToShares(m: number): number {
  if (m === 0) return MIN_SHARES;
  const shares = Math.floor((m * 1024) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

export function milliCpuToQuota(m: number, period = QUOTA_PERIOD): number {
  if (m === 0) return 0;
  return Math.max(MIN_QUOTA, Math.floor((m * period) / 1000));
}

/** The OOM score adjustment of a container (qos/policy.go). */
export function oomScoreAdj(qos: string, container: Container, memoryCapacity: number): number {
  if (qos === 'Guaranteed') return -997;
  if (qos === 'BestEffort') return 1000;
  const request = bytes(container.resources?.requests?.memory);
  let adj = memoryCapacity > 0 ? 1000 - Math.floor((1000 * request) / memoryCapacity) : 1000;
  if (adj < 1000 - 997) adj = 1000 - 997;
  if (adj === 1000) adj = 999;
  return adj;
}

export function linuxResources(container: Container, qos: string, memoryCapacity: number): LinuxContainerResources {
  const cpuRequest = milli(container.resources?.requests?.cpu);
  const cpuLimit = milli(container.resources?.limits?.cpu);
  const memoryLimit = bytes(container.resources?.limits?.memory);
  const r: LinuxContainerResources = {
    cpuShares: cpuRequest === 0 && cpuLimit !== 0 ? milliCpuToShares(cpuLimit) : milliCpuToShares(cpuRequest),
    cpuPeriod: QUOTA_PERIOD,
    cpuQuota: milliCpuToQuota(cpuLimit),
    oomScoreAdj: oomScoreAdj(qos, container, memoryCapacity),
  };
  if (memoryLimit) r.memoryLimitInBytes = memoryLimit;
  return r;
}

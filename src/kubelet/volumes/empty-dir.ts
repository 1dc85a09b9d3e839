// emptyDir: a 0777 directory under the pod; `medium: Memory` mounts a tmpfs there, sized as
// upstream's SizeMemoryBackedVolumes does (the smallest of sizeLimit, the pod's memory limit and
// node allocatable memory).

import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { integerValue, parseQuantity } from '../../api/validation/quantity.js';
import type { PodSpec, ResourceList } from './types.js';

const run = promisify(execFile);

function bytes(v: string | number | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  const r = parseQuantity(v);
  return r.ok ? integerValue(r.quantity) : undefined;
}

/** The pod's memory limit (the larger of the containers' sum and any init container's), only when every container sets one. */
export function podMemoryLimit(spec: PodSpec): bigint | undefined {
  const cs = spec.containers ?? [];
  let sum = 0n;
  for (const c of cs) {
    const b = bytes(c.resources?.limits?.memory);
    if (b === undefined) return undefined;
    sum += b;
  }
  for (const c of spec.initContainers ?? []) {
    const b = bytes(c.resources?.limits?.memory);
    if (b === undefined) return undefined;
    if (b > sum) sum = b;
  }
  return cs.length ? sum : undefined;
}

/** tmpfs size in bytes; undefined leaves the kernel default (half of RAM). */
export function memoryVolumeSize(spec: PodSpec, sizeLimit: string | number | undefined, nodeAllocatable: ResourceList = {}): bigint | undefined {
  let size = bytes(nodeAllocatable.memory);
  const pod = podMemoryLimit(spec);
  if (pod !== undefined && pod > 0n && (size === undefined || pod <= size)) size = pod;
  const vol = bytes(sizeLimit);
  if (vol !== undefined && vol > 0n && (size === undefined || vol <= size)) size = vol;
  return size;
}

/** Mount points, from /proc/self/mountinfo (octal escapes decoded). */
export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.add(f[4].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8))));
  }
  return out;
}

export async function setUpEmptyDir(dir: string, memory: boolean, size: bigint | undefined): Promise<void> {
  await mkdir(dir, { recursive: true });
  // An agent restarted over a live pod finds its tmpfs still mounted.
  if (memory && !(await mountPoints()).has(dir)) {
    const opts = size !== undefined ? ['-o', `size=${size}`] : [];
    await run('mount', ['-t', 'tmpfs', ...opts, 'tmpfs', dir]);
  }
  await chmod(dir, 0o777);
}

/** Unmounts every mount at or below dir (deepest first). */
export async function unmountUnder(dir: string): Promise<void> {
  const points = [...(await mountPoints())].filter((p) => p === dir || p.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
  for (const p of points) {
    // A host process sitting in the directory makes it busy; detach it rather than leak it.
    await run('umount', [p]).catch(() => run('umount', ['-l', p]));
  }
}

// Resource arithmetic for scheduling: a pod's effective requests (upstream's PodRequests: sum of
// containers, sidecars running alongside, the largest init container, plus overhead) and a node's
// allocatable, as plain numbers (cpu in millicores, everything else in units).

import { integerValue, milliValue, parseQuantity } from '../api/validation/quantity.js';
import type { Container, Node, Pod, ResourceList } from './types.js';

/** Requested amounts by resource name; cpu is in millicores. */
export type Amounts = Map<string, number>;

// Quantities repeat a lot ("100m", "128Mi"): parse each spelling once.
const parsed = new Map<string, number>();

export function quantityValue(name: string, q: string | number): number {
  const key = `${name === 'cpu' ? 'm' : 'v'}${q}`;
  let v = parsed.get(key);
  if (v === undefined) {
    const r = parseQuantity(typeof q === 'number' ? String(q) : q);
    v = r.ok ? Number(name === 'cpu' ? milliValue(r.quantity) : integerValue(r.quantity)) : 0;
    if (parsed.size < 10000) parsed.set(key, v);
  }
  return v;
}

function addList(to: Amounts, rl: ResourceList | undefined): void {
  if (!rl) return;
  for (const [k, q] of Object.entries(rl)) to.set(k, (to.get(k) ?? 0) + quantityValue(k, q));
}

function maxInto(to: Amounts, from: Amounts): void {
  for (const [k, v] of from) if (v > (to.get(k) ?? 0)) to.set(k, v);
}

function listAmounts(rl: ResourceList | undefined): Amounts {
  const a: Amounts = new Map();
  addList(a, rl);
  return a;
}

const isSidecar = (c: Container) => c.restartPolicy === 'Always';

/** Effective requests of a pod; `nonZero` substitutes upstream's defaults (100m cpu, 200Mi memory) for unset cpu/memory, as scoring does. */
export function podRequests(pod: Pod, nonZero = false): Amounts {
  const spec = pod.spec ?? {};
  const reqOf = (c: Container): ResourceList | undefined => {
    const r = c.resources?.requests;
    if (!nonZero) return r;
    const out: ResourceList = { ...(r ?? {}) };
    if (out.cpu === undefined) out.cpu = '100m';
    if (out.memory === undefined) out.memory = String(200 * 1024 * 1024);
    return out;
  };
  const total: Amounts = new Map();
  for (const c of spec.containers ?? []) addList(total, reqOf(c));
  // Sidecars run for the pod's life; an init container runs alone with the sidecars started before it.
  const sidecars: Amounts = new Map();
  const initMax: Amounts = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = listAmounts(reqOf(c));
    if (isSidecar(c)) {
      for (const [k, v] of own) sidecars.set(k, (sidecars.get(k) ?? 0) + v);
      const peak = new Map(sidecars);
      maxInto(initMax, peak);
    } else {
      const peak = new Map(sidecars);
      for (const [k, v] of own) peak.set(k, (peak.get(k) ?? 0) + v);
      maxInto(initMax, peak);
    }
  }
  for (const [k, v] of sidecars) total.set(k, (total.get(k) ?? 0) + v);
  maxInto(total, initMax);
  addList(total, spec.overhead);
  return total;
}

export interface NodeAllocatable {
  cpu: number;
  memory: number;
  pods: number;
  all: Amounts;
}

export function nodeAllocatable(node: Node): NodeAllocatable {
  const all = listAmounts(node.status?.allocatable ?? node.status?.capacity);
  return { cpu: all.get('cpu') ?? 0, memory: all.get('memory') ?? 0, pods: all.get('pods') ?? 0, all };
}

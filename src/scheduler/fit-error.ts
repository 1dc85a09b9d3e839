// The FailedScheduling message, as upstream v1.32 builds it: "0/N nodes are available: <reason
// histogram>." followed by default preemption's own verdict ("preemption: 0/N nodes are
// available: ..."). Histogram entries are "<count> <reason>", sorted as strings.

import type { FilterFailure } from './filters.js';

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

function histogram(counts: Map<string, number>): string {
  return [...counts].map(([reason, n]) => `${n} ${reason}`).sort().join(', ');
}

/**
 * `failures` holds one entry per node that failed a filter. Preemption is reported as upstream
 * does when there is nothing of lower priority to evict: nodes that failed only resolvably
 * (Unschedulable) found no victims, the others are not helped by preemption.
 */
export function fitErrorMessage(numAllNodes: number, failures: FilterFailure[], opts: { preemptionPolicy?: string } = {}): string {
  const reasons = new Map<string, number>();
  for (const f of failures) for (const r of f.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  let msg = `0/${numAllNodes} nodes are available:`;
  if (reasons.size) msg += ` ${histogram(reasons)}.`;
  let post: string;
  if (opts.preemptionPolicy === 'Never') post = 'not eligible due to preemptionPolicy=Never.';
  else {
    const pre = new Map<string, number>();
    const resolvable = failures.filter((f) => f.code === 'Unschedulable').length;
    if (resolvable) pre.set('No preemption victims found for incoming pod', resolvable);
    const rest = numAllNodes - resolvable;
    if (rest) pre.set('Preemption is not helpful for scheduling', rest);
    post = `0/${numAllNodes} nodes are available: ${histogram(pre)}.`;
  }
  return `${msg} preemption: ${post}`;
}

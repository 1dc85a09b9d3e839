// The scheduler's use of taints and tolerations; the matching rule itself lives in src/api/taints.ts.

import { toleratesTaint, untoleratedTaint } from '../api/taints.js';
import type { Taint, Toleration } from './types.js';

export function tolerated(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** The first NoSchedule/NoExecute taint no toleration covers, as the TaintToleration filter reports it. */
export function firstUntoleratedTaint(taints: Taint[], tolerations: Toleration[]): Taint | undefined {
  return untoleratedTaint(taints, tolerations);
}

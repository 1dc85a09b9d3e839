// Taints and tolerations (upstream's ToleratesTaint): an empty toleration key with Exists matches
// every taint, an empty effect matches every effect, and Equal (or no operator) compares values.

import type { Taint, Toleration } from './types.js';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerated(tolerations: Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint no toleration covers, as the TaintToleration filter reports it. */
export function firstUntoleratedTaint(taints: Taint[], tolerations: Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerated(tolerations, taint)) return taint;
  }
  return undefined;
}

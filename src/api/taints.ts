// Taints and tolerations (k8s.io/api/core/v1 ToleratesTaint): an empty toleration key with
// Exists matches every taint, an empty effect matches every effect, and Equal (or no operator)
// compares values. Used by the scheduler, the DaemonSet controller and taint-based eviction.

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

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

/** The first taint with one of `effects` that no toleration covers. */
export function untoleratedTaint<T extends Taint>(taints: readonly T[], tolerations: readonly Toleration[], effects: readonly string[] = ['NoSchedule', 'NoExecute']): T | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)));
}

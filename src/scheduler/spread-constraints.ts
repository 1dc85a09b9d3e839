// A pod's topologySpreadConstraints parsed once (upstream's filterTopologySpreadConstraints): the
// selector with matchLabelKeys merged in and the defaults for minDomains and the inclusion policies.

import { labelSelectorFromMeta, newRequirement, type LabelSelector } from '../api/selectors/label-selector.js';
import type { TopologySpreadConstraint } from './types.js';

export type InclusionPolicy = 'Honor' | 'Ignore';

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  /** 1 when unset: below it, the global minimum counts as 0. */
  minDomains: number;
  /** Honor (default): only nodes matching the pod's nodeSelector and required node affinity are domains. */
  nodeAffinityPolicy: InclusionPolicy;
  /** Ignore (default): tainted nodes count as domains even if the pod does not tolerate them. */
  nodeTaintsPolicy: InclusionPolicy;
}

function selectorOf(c: TopologySpreadConstraint, podLabels: Record<string, string>): LabelSelector {
  let sel: LabelSelector;
  try {
    sel = labelSelectorFromMeta(c.labelSelector ?? null);
  } catch {
    // The API rejects invalid selectors; one that slipped through matches nothing.
    return { requirements: [], nothing: true };
  }
  const extra = [];
  for (const k of c.matchLabelKeys ?? []) {
    const v = podLabels[k];
    if (v === undefined) continue;
    try {
      extra.push(newRequirement(k, '=', [v]));
    } catch {
      // A pod label is always a valid requirement; nothing to add if not.
    }
  }
  if (extra.length === 0) return sel;
  // As upstream's merge: a nil selector (matches nothing) contributes no requirements, so the pod's
  // own values alone then select.
  return { requirements: [...extra, ...sel.requirements] };
}

/** The constraints with the given whenUnsatisfiable action, in the pod's order. */
export function spreadConstraints(constraints: TopologySpreadConstraint[] | undefined, podLabels: Record<string, string>, action: 'DoNotSchedule' | 'ScheduleAnyway'): SpreadConstraint[] {
  if (!constraints || constraints.length === 0) return [];
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if ((c.whenUnsatisfiable ?? '') !== action) continue;
    out.push({
      maxSkew: c.maxSkew ?? 1,
      topologyKey: c.topologyKey ?? '',
      selector: selectorOf(c, podLabels),
      minDomains: typeof c.minDomains === 'number' ? c.minDomains : 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
    });
  }
  return out;
}

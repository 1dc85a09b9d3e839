// The status conditions the namespace deleter keeps on a terminating namespace, as upstream's
// namespaceConditionUpdater: each maintained type is always present, True with the failure or
// False with its "ok" reason and message.

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK: Record<(typeof CONDITION_TYPES)[number], { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
};

/** What one pass of content deletion found. */
export interface DeletionOutcome {
  /** client-go discovery failures ("group/version: message"); empty when discovery worked. */
  discoveryFailures: string[];
  /** Errors deleting content, one per resource. */
  contentErrors: string[];
  /** Instances left, by "resource.group". */
  remaining: Map<string, number>;
  /** Instances left, by finalizer. */
  finalizers: Map<string, number>;
}

/** The failing conditions an outcome calls for (types absent here are "ok"). */
export function failureConditions(o: DeletionOutcome, now: string): NamespaceCondition[] {
  const out: NamespaceCondition[] = [];
  const cond = (type: string, reason: string, message: string): NamespaceCondition => ({ type, status: 'True', lastTransitionTime: now, reason, message });
  if (o.discoveryFailures.length) {
    out.push(cond('NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', `Discovery failed for some groups, ${o.discoveryFailures.length} failing: unable to retrieve the complete list of server APIs: ${o.discoveryFailures.join(', ')}`));
  }
  if (o.contentErrors.length) {
    const msgs = [...o.contentErrors].sort();
    out.push(cond('NamespaceDeletionContentFailure', 'ContentDeletionFailed', `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`));
  }
  const remaining = [...o.remaining].filter(([, n]) => n > 0).map(([gr, n]) => `${gr} has ${n} resource instances`).sort();
  if (o.remaining.size) out.push(cond('NamespaceContentRemaining', 'SomeResourcesRemain', `Some resources are remaining: ${remaining.join(', ')}`));
  const fins = [...o.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  if (o.finalizers.size) out.push(cond('NamespaceFinalizersRemaining', 'SomeFinalizerRemain', `Some finalizers are remaining: ${fins.join(', ')}`));
  return out;
}

/**
 * Merges the new conditions into the existing list: every maintained type ends up present;
 * lastTransitionTime moves only when status flips. Returns the list and whether it changed.
 */
export function mergeConditions(existing: NamespaceCondition[], failing: NamespaceCondition[], now: string): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = existing.map((c) => ({ ...c }));
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const want = failing.find((c) => c.type === type) ?? { type, status: 'False' as const, lastTransitionTime: now, ...OK[type] };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push(want);
      changed = true;
    } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
      if (old.status !== want.status) old.lastTransitionTime = now;
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return { conditions, changed };
}

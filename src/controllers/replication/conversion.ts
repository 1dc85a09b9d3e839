// How a ReplicationController reads as a ReplicaSet (upstream's conversion.go): its spec.selector
// is a plain label map, which is a LabelSelector's matchLabels. Every other field the ReplicaSet
// controller reads (replicas, minReadySeconds, template, the status fields and the ReplicaFailure
// condition) has the same name and meaning in both kinds, so only the selector is converted.

import type { KubeObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import { labelSelectorFromMeta, type LabelSelector } from '../../api/selectors/index.js';

/**
 * An RC's selector as a metav1.LabelSelector: an absent one stays absent (selects nothing, as
 * upstream's nil), a map becomes matchLabels. The API server defaults an empty selector to the
 * template's labels, so a stored RC always has one.
 */
export function rcLabelSelector(rc: KubeObject): LabelSelector {
  const sel = (rc.spec as Record<string, unknown> | undefined)?.selector;
  return labelSelectorFromMeta(isPlainObject(sel) ? { matchLabels: sel } : undefined);
}

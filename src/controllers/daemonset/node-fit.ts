// Whether a DaemonSet's pod belongs on a node (upstream's NodeShouldRunDaemonPod): the node's
// name, the pod's node selector and required node affinity, and its NoSchedule/NoExecute taints
// against the pod's tolerations, including the ones the controller adds to every daemon pod.

import type { KubeObject } from '../../api/object.js';

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).map(obj) : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? (v as unknown[]).map(String) : []);

import { untoleratedTaint, type Taint, type Toleration } from '../../api/taints.js';
import { objOf as obj } from '../../api/validation/util.js';

function requirementMatches(req: Obj, value: string | undefined): boolean {
  const values = strs(req.values);
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || values.length !== 1 || !/^-?\d+$/.test(values[0]!)) return false;
      const a = BigInt(value), b = BigInt(values[0]!);
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelector: terms are ORed, a term's requirements ANDed, an empty term matches nothing. */
export function nodeSelectorMatches(selector: unknown, node: KubeObject): boolean {
  const labels = node.metadata?.labels ?? {};
  return arr(obj(selector).nodeSelectorTerms).some((term) => {
    const exprs = arr(term.matchExpressions);
    const fields = arr(term.matchFields);
    if (exprs.length === 0 && fields.length === 0) return false;
    return exprs.every((r) => requirementMatches(r, labels[r.key as string])) && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata?.name));
  });
}

/** The pod's nodeName, nodeSelector and required node affinity all admit the node. */
export function podFitsNode(podSpec: Obj, node: KubeObject): { name: boolean; affinity: boolean } {
  const name = !podSpec.nodeName || podSpec.nodeName === node.metadata?.name;
  const labels = node.metadata?.labels ?? {};
  const selectorOk = Object.entries(obj(podSpec.nodeSelector)).every(([k, v]) => labels[k] === v);
  const required = obj(obj(obj(podSpec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution);
  const affinityOk = Object.keys(required).length === 0 || nodeSelectorMatches(required, node);
  return { name, affinity: selectorOk && affinityOk };
}

export function nodeTaints(node: KubeObject): Taint[] {
  return arr(obj(node.spec).taints) as unknown as Taint[];
}

/**
 * shouldRun: a new daemon pod may be placed on the node; shouldContinueRunning: an existing one
 * may stay (only NoExecute taints evict).
 */
export function nodeShouldRunDaemonPod(node: KubeObject, podSpec: Obj): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const fit = podFitsNode(podSpec, node);
  if (!fit.name || !fit.affinity) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = arr(podSpec.tolerations) as Toleration[];
  const taints = nodeTaints(node);
  if (untoleratedTaint(taints, tolerations)) return { shouldRun: false, shouldContinueRunning: !untoleratedTaint(taints, tolerations, ['NoExecute']) };
  return { shouldRun: true, shouldContinueRunning: true };
}

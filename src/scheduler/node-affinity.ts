// Node selection terms (upstream's nodeaffinity helpers): nodeSelector, required terms (ORed;
// each term's expressions and fields ANDed) and the weights of matching preferred terms.

import type { NodeSelectorRequirement, NodeSelectorTerm } from './types.js';

function intOf(s: string | undefined): number | undefined {
  if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
  return Number(s);
}

export function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(v!);
    case 'NotIn':
      return !has || !values.includes(v!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const a = intOf(v);
      const b = values.length === 1 ? intOf(values[0]) : undefined;
      if (a === undefined || b === undefined) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** One term: every expression on labels and every field (only metadata.name exists) must match; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, nodeName: string, labels: Record<string, string>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const e of exprs) if (!requirementMatches(e, labels)) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementMatches(f, { 'metadata.name': nodeName })) return false;
  }
  return true;
}

/** nodeSelector plus required node affinity. */
export function matchesNodeSelectorAndAffinity(
  nodeSelector: Record<string, string> | undefined,
  requiredTerms: NodeSelectorTerm[] | undefined,
  nodeName: string,
  labels: Record<string, string>,
): boolean {
  if (nodeSelector) for (const [k, v] of Object.entries(nodeSelector)) if (labels[k] !== v) return false;
  if (requiredTerms !== undefined) return requiredTerms.some((t) => termMatches(t, nodeName, labels));
  return true;
}

/** Sum of the weights of preferred terms the node matches. */
export function preferredAffinityWeight(terms: { weight: number; preference: NodeSelectorTerm }[], nodeName: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const t of terms) if (t.weight && termMatches(t.preference, nodeName, labels)) sum += t.weight;
  return sum;
}

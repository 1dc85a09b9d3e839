// Ingress, IngressClass and NetworkPolicy rows.

import { formatLabelSelector } from '../selectors/label-selector.js';
import { arr, get, has, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import { loadBalancerIngress } from './service.js';
import type { Printer } from './types.js';

/** formatHosts: the first three hosts of rules that name one, "*" if none do. */
function formatHosts(rules: unknown[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    const host = str(rule, 'host');
    if (!more && host.length !== 0) list.push(host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export const ingressPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Class', 'string', 'IngressClass that handles the ingress.'),
    col('Hosts', 'string', 'Hosts the rules match.'),
    col('Address', 'string', 'Load-balancer addresses of the ingress.'),
    col('Ports', 'string', 'Ports the ingress serves.'),
    ageColumn(),
  ],
  cells(ing, now) {
    const className = has(ing, 'spec', 'ingressClassName') ? str(ing, 'spec', 'ingressClassName') : '<none>';
    const ports = arr(ing, 'spec', 'tls').length !== 0 ? '80, 443' : '80';
    return [nameOf(ing), className, formatHosts(arr(ing, 'spec', 'rules')), loadBalancerIngress(get(ing, 'status', 'loadBalancer')), ports, ageOf(ing, now)];
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Controller', 'string', 'Controller that implements the class.'),
    col('Parameters', 'string', 'Resource holding extra configuration for the class.'),
    ageColumn(),
  ],
  cells(ic, now) {
    let parameters = '<none>';
    const p = get(ic, 'spec', 'parameters');
    if (p !== undefined && p !== null) {
      parameters = str(p, 'kind');
      if (has(p, 'apiGroup')) parameters += `.${str(p, 'apiGroup')}`;
      parameters += `/${str(p, 'name')}`;
    }
    return [nameOf(ic), str(ic, 'spec', 'controller'), parameters, ageOf(ic, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [nameColumn(), col('Pod-Selector', 'string', 'Pods the policy applies to.'), ageColumn()],
  // The pod selector is a struct, never nil: an absent one is the empty selector.
  cells: (np, now) => [nameOf(np), formatLabelSelector(get(np, 'spec', 'podSelector') ?? {}), ageOf(np, now)],
};

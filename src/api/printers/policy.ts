// PodDisruptionBudget and Lease rows.

import { get, intOrString, num, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import type { Printer } from './types.js';

const orNA = (v: unknown): string => (v === undefined || v === null ? 'N/A' : intOrString(v));

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Min Available', 'string', 'Pods that must stay available.'),
    col('Max Unavailable', 'string', 'Pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Pod disruptions currently allowed.'),
    ageColumn(),
  ],
  cells: (pdb, now) => [
    nameOf(pdb),
    orNA(get(pdb, 'spec', 'minAvailable')),
    orNA(get(pdb, 'spec', 'maxUnavailable')),
    num(pdb, 'status', 'disruptionsAllowed'),
    ageOf(pdb, now),
  ],
};

export const leasePrinter: Printer = {
  columns: [nameColumn(), col('Holder', 'string', 'Identity of the current holder of the lease.'), ageColumn()],
  cells: (l, now) => [nameOf(l), str(l, 'spec', 'holderIdentity'), ageOf(l, now)],
};

// The apiserver's default table for kinds without a printer (and for custom resources without
// additionalPrinterColumns): NAME plus CREATED AT as an RFC 3339 date.

import { col, nameColumn, nameOf } from './common.js';
import { formatRFC3339 } from './duration.js';
import type { Printer } from './types.js';

export const defaultPrinter: Printer = {
  columns: [nameColumn(), col('Created At', 'date', 'Time the object was created.')],
  cells: (o) => [nameOf(o), formatRFC3339(o.metadata?.creationTimestamp)],
};

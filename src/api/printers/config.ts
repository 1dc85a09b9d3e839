// ConfigMap, Secret, ServiceAccount and ResourceQuota rows.

import { arr, mapLen, obj, quantity, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import type { Printer } from './types.js';

export const configMapPrinter: Printer = {
  columns: [nameColumn(), col('Data', 'string', 'Number of data and binaryData entries.'), ageColumn()],
  cells: (cm, now) => [nameOf(cm), mapLen(cm, 'data') + mapLen(cm, 'binaryData'), ageOf(cm, now)],
};

export const secretPrinter: Printer = {
  columns: [nameColumn(), col('Type', 'string', 'Secret type.'), col('Data', 'string', 'Number of data entries.'), ageColumn()],
  cells(s, now) {
    // stringData merges into data on the way in; count the union in case it was stored unmerged.
    const keys = new Set([...Object.keys(obj(s, 'data')), ...Object.keys(obj(s, 'stringData'))]);
    return [nameOf(s), str(s, 'type'), keys.size, ageOf(s, now)];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn(), col('Secrets', 'string', 'Number of secrets listed on the account.'), ageColumn()],
  cells: (sa, now) => [nameOf(sa), arr(sa, 'secrets').length, ageOf(sa, now)],
};

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Request', 'string', 'Used out of hard limits for everything but limits.* resources.'),
    col('Limit', 'string', 'Used out of hard limits for limits.* resources.'),
    ageColumn(),
  ],
  cells(q, now) {
    const hard = obj(q, 'status', 'hard');
    const used = obj(q, 'status', 'used');
    const names = Object.keys(hard).sort();
    const requests: string[] = [];
    const limits: string[] = [];
    for (const r of names) {
      const pieces = r.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${r}: ${quantity(used[r])}/${quantity(hard[r])}`);
    }
    return [nameOf(q), requests.join(', '), limits.join(', '), ageOf(q, now)];
  },
};

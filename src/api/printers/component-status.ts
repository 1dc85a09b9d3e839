// ComponentStatus rows (`kubectl get cs`): upstream's printComponentStatus reads only the Healthy
// condition; any status but True prints Unhealthy, and no Healthy condition prints Unknown.

import { arr, str } from './access.js';
import { col, nameColumn, nameOf } from './common.js';
import type { Printer } from './types.js';

export const componentStatusPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Status of the component conditions'),
    col('Message', 'string', 'Message of the component conditions'),
    col('Error', 'string', 'Error of the component conditions'),
  ],
  cells: (cs) => {
    const healthy = arr(cs, 'conditions').find((c) => str(c, 'type') === 'Healthy');
    if (healthy === undefined) return [nameOf(cs), 'Unknown', '', ''];
    return [nameOf(cs), str(healthy, 'status') === 'True' ? 'Healthy' : 'Unhealthy', str(healthy, 'message'), str(healthy, 'error')];
  },
};

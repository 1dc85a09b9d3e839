// Node and Namespace rows. Node STATUS comes from the Ready condition alone (plus
// SchedulingDisabled when cordoned); ROLES from node-role.kubernetes.io/<role> and
// kubernetes.io/role labels.

import type { KubeObject } from '../object.js';
import { arr, bool, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf, sortedUnique } from './common.js';
import type { Printer } from './types.js';

export function nodeStatus(node: unknown): string {
  const status: string[] = [];
  // Upstream keeps the last Ready condition it sees in a map.
  const ready = arr(node, 'status', 'conditions').filter((c) => str(c, 'type') === 'Ready').pop();
  if (ready !== undefined) status.push(str(ready, 'status') === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (bool(node, 'spec', 'unschedulable')) status.push('SchedulingDisabled');
  return status.join(',');
}

export function nodeRoles(node: KubeObject): string {
  const roles: string[] = [];
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role.length > 0) roles.push(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.push(v);
    }
  }
  const out = sortedUnique(roles).join(',');
  return out === '' ? '<none>' : out;
}

function nodeAddress(node: unknown, type: string): string {
  const a = arr(node, 'status', 'addresses').find((x) => str(x, 'type') === type);
  return a === undefined ? '<none>' : str(a, 'address');
}

export const nodePrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Readiness of the node, and whether it is cordoned.'),
    col('Roles', 'string', 'Roles taken from node-role labels.'),
    ageColumn(),
    col('Version', 'string', 'Kubelet version.'),
    col('Internal-IP', 'string', 'First internal address of the node.', 1),
    col('External-IP', 'string', 'First external address of the node.', 1),
    col('OS-Image', 'string', 'Operating system image reported by the node.', 1),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container runtime and its version.', 1),
  ],
  cells(node, now) {
    const info = (k: string) => str(node, 'status', 'nodeInfo', k) || '<unknown>';
    return [
      nameOf(node),
      nodeStatus(node),
      nodeRoles(node),
      ageOf(node, now),
      str(node, 'status', 'nodeInfo', 'kubeletVersion'),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info('osImage'),
      info('kernelVersion'),
      info('containerRuntimeVersion'),
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: [nameColumn(), col('Status', 'string', 'Lifecycle phase of the namespace.'), ageColumn()],
  cells: (ns, now) => [nameOf(ns), str(ns, 'status', 'phase'), ageOf(ns, now)],
};

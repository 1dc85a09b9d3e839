// RoleBinding and ClusterRoleBinding rows (roles themselves have no printer upstream and use the
// default NAME / CREATED AT table).

import { arr, str } from './access.js';
import { ageColumn, ageOf, col, nameColumn, nameOf } from './common.js';
import type { Printer } from './types.js';

/** rbac.SubjectsStrings: users, groups and service accounts (as namespace/name). */
export function subjectsStrings(subjects: unknown[]): { users: string[]; groups: string[]; sas: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects) {
    switch (str(s, 'kind')) {
      case 'ServiceAccount':
        sas.push(`${str(s, 'namespace')}/${str(s, 'name')}`);
        break;
      case 'User':
        users.push(str(s, 'name'));
        break;
      case 'Group':
        groups.push(str(s, 'name'));
        break;
    }
  }
  return { users, groups, sas };
}

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      nameColumn(),
      col('Role', 'string', 'Role the binding grants, as Kind/name.'),
      ageColumn(),
      col('Users', 'string', `Users in the ${what}.`, 1),
      col('Groups', 'string', `Groups in the ${what}.`, 1),
      col('ServiceAccounts', 'string', `Service accounts in the ${what}.`, 1),
    ],
    cells(b, now) {
      const { users, groups, sas } = subjectsStrings(arr(b, 'subjects'));
      return [nameOf(b), `${str(b, 'roleRef', 'kind')}/${str(b, 'roleRef', 'name')}`, ageOf(b, now), users.join(', '), groups.join(', '), sas.join(', ')];
    },
  };
}

export const roleBindingPrinter = bindingPrinter('role binding');
export const clusterRoleBindingPrinter = bindingPrinter('cluster role binding');

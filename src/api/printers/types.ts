// The shape of server-side printing (`?as=Table`): a column list and a function giving one row's
// cells. Printers always produce the wide form; kubectl hides priority-1 columns itself.

import type { KubeObject } from '../object.js';

/** meta.k8s.io/v1 TableColumnDefinition. */
export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  type: string;
  /** "name" for the object-name column, otherwise usually empty. */
  format: string;
  description: string;
  /** 0 = always shown, 1 = shown with `-o wide`. */
  priority: number;
}

/** meta.k8s.io/v1 TableRowCondition. */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Printer {
  columns: TableColumnDefinition[];
  /** One cell per column, in order. Integer columns are JSON numbers, string columns strings. */
  cells(obj: KubeObject, now: Date): unknown[];
  /** Row conditions (row.conditions), when upstream sets any: pods mark finished rows Completed. */
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

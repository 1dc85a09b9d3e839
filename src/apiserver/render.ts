// Renders objects and lists the way the client asked: JSON, YAML, or a meta.k8s.io Table.

import { stringify as toYaml } from 'yaml';
import { errors } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { printerFor } from '../api/printers/index.js';
import type { ResourceType } from '../api/registry/types.js';
import type { Rendering } from './codec.js';
import type { ApiResponse } from './types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw errors.badRequest(`includeObject must be one of None, Metadata, or Object; got "${v}"`);
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const { managedFields: _mf, ...meta } = obj.metadata ?? {};
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta };
}

export interface TableMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export function toTable(t: ResourceType, objects: KubeObject[], meta: TableMeta, include: IncludeObject, version: string, now: Date, withColumns = true) {
  const printer = printerFor(t.group, t.resource);
  const rows = objects.map((o) => {
    const row: Record<string, unknown> = { cells: printer.cells(o, now) };
    const conditions = printer.conditions?.(o);
    if (conditions?.length) row.conditions = conditions;
    const ro = rowObject(o, include);
    if (ro) row.object = ro;
    return row;
  });
  const table: Record<string, unknown> = { kind: 'Table', apiVersion: `meta.k8s.io/${version}`, metadata: meta };
  if (withColumns) table.columnDefinitions = printer.columns;
  table.rows = rows;
  return table;
}

/** upstream's NewWarningHeader: code 299, no agent, the text quoted with only `"` and `\` escaped. */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function respond(status: number, value: unknown, rendering: Rendering, warnings: string[] = []): ApiResponse {
  const headers: Record<string, string | string[]> = {};
  if (warnings.length) headers.warning = warnings.map(warningHeader);
  if (rendering.kind === 'yaml') {
    headers['content-type'] = 'application/yaml';
    return { status, headers, body: toYaml(value) };
  }
  headers['content-type'] = rendering.kind === 'table' ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json';
  return { status, headers, body: JSON.stringify(value) };
}

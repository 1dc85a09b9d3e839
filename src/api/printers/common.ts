// Cells and columns many printers share: the name and age columns, the wide container/image/
// selector trio, and upstream's "a,b,c + N more..." list style.

import type { KubeObject } from '../object.js';
import { arr, str } from './access.js';
import { translateTimestampSince } from './duration.js';
import type { TableColumnDefinition } from './types.js';

export function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const nameColumn = (): TableColumnDefinition => col('Name', 'string', 'Name of the object, unique within its namespace.', 0, 'name');
export const ageColumn = (): TableColumnDefinition => col('Age', 'string', 'Time since the object was created.');
export const containersColumn = (): TableColumnDefinition => col('Containers', 'string', 'Container names in the pod template.', 1);
export const imagesColumn = (): TableColumnDefinition => col('Images', 'string', 'Container images in the pod template.', 1);
export const selectorColumn = (): TableColumnDefinition => col('Selector', 'string', 'Label query selecting the pods this object manages.', 1);

export function nameOf(o: KubeObject): string {
  return o.metadata?.name ?? '';
}

export function ageOf(o: KubeObject, now: Date): string {
  return translateTimestampSince(o.metadata?.creationTimestamp, now);
}

/** layoutContainerCells: comma-joined names and images of a container list. */
export function containerCells(containers: unknown[]): [string, string] {
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

export function templateContainers(o: unknown, ...templatePath: string[]): unknown[] {
  return arr(o, ...templatePath, 'spec', 'containers');
}

/** listWithMoreString: at most `max` items, then " + N more...", "<unset>" when empty. */
export function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** net.JoinHostPort: IPv6 literals get brackets. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's sort.Strings order (bytewise) on unique values, as sets.String.List() returns. */
export function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

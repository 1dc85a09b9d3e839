// Downward API values as the kubelet renders them into files: metadata fields, labels and
// annotations as sorted `key="value"` lines (Go %q quoting), container resources by divisor.

import type { KubeObject } from '../../api/object.js';
import { milliValue, integerValue, parseQuantity, type Quantity } from '../../api/validation/quantity.js';
import type { ContainerSpec, PodSpec, ResourceFieldSelector, ResourceList } from './types.js';

/** Go's strconv.Quote: printable characters kept, others escaped as Go escapes them. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c < 0xa0) || c === 0xfffd) out += c > 0xffff ? '\\U' + c.toString(16).padStart(8, '0') : '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Upstream's fieldpath.FormatMap: one `key="value"` line per key, sorted, no trailing newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => `${k}=${goQuote(m![k])}`).join('\n');
}

/** metadata.labels['key'] → ['metadata.labels', 'key']; plain paths → undefined. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  const m = /^(.*)\['(.*)'\]$/.exec(fieldPath);
  return m ? [m[1], m[2]] : undefined;
}

/** fieldpath.ExtractFieldPathAsString for a pod: the fields a downwardAPI volume may project. */
export function extractFieldPath(pod: KubeObject, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const [path, key] = sub;
    if (path === 'metadata.annotations') return meta.annotations?.[key] ?? '';
    if (path === 'metadata.labels') return meta.labels?.[key] ?? '';
    throw new Error(`fieldPath "${fieldPath}" does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

function quantity(v: string | number | undefined): Quantity | undefined {
  if (v === undefined) return undefined;
  const r = parseQuantity(v);
  return r.ok ? r.quantity : undefined;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a % b === 0n ? a / b : a / b + (a > 0n === b > 0n ? 1n : 0n));

function findContainer(spec: PodSpec, name: string): ContainerSpec {
  const c = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((x) => x.name === name);
  if (!c) throw new Error(`container ${name} not found`);
  return c;
}

/**
 * ExtractResourceValueByContainerNameAndNodeAllocatable: limits a container does not set are the
 * node's allocatable; the value is divided by the divisor (default 1) and rounded up.
 */
export function extractResourceValue(pod: KubeObject, ref: ResourceFieldSelector, nodeAllocatable: ResourceList = {}): string {
  const spec = (pod.spec ?? {}) as PodSpec;
  const c = findContainer(spec, ref.containerName ?? '');
  const [kind, name] = ref.resource.split('.', 2) as [string, string];
  const limits = { ...(c.resources?.limits ?? {}) };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) if (limits[r] === undefined && nodeAllocatable[r] !== undefined) limits[r] = nodeAllocatable[r];
  const list = kind === 'limits' ? limits : kind === 'requests' ? c.resources?.requests ?? {} : undefined;
  if (!list || !(name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name?.startsWith('hugepages-'))) {
    throw new Error(`unsupported container resource : ${ref.resource}`);
  }
  const value = quantity(list[name]) ?? { num: 0n, scale: 0, format: 'DecimalSI' as const };
  const divisor = quantity(ref.divisor);
  const d = divisor && divisor.num !== 0n ? divisor : { num: 1n, scale: 0, format: 'DecimalSI' as const };
  if (name === 'cpu') return String(ceilDiv(milliValue(value), milliValue(d)));
  return String(ceilDiv(integerValue(value), integerValue(d)));
}

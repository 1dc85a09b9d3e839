// metadata.managedFields <-> per-manager field sets, keyed as upstream keys them (a JSON manager
// identifier of manager, operation, apiVersion for updaters, and subresource), plus the entry
// ordering upstream writes and the apply-conflict error it returns.
import type { JsonObject, ManagedFieldsEntry } from '../object.js';
import { StatusError } from '../errors.js';
import type { StatusCause } from '../errors.js';
import { FieldSet } from './field-set.js';
import { goJson, pathString } from './path-element.js';
import type { Path } from './path-element.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** Field sets and operation times by manager identifier. */
export interface Managed {
  fields: Map<string, VersionedSet>;
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

export function cloneManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) };
}

interface IdentifierParts {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
}

/** Upstream's manager identifier: the entry's JSON without time and fields (and without apiVersion for appliers). */
export function managerIdentifier(e: IdentifierParts): string {
  const parts: string[] = [];
  if (e.manager) parts.push(`"manager":${goJson(e.manager)}`);
  if (e.operation) parts.push(`"operation":${goJson(e.operation)}`);
  if (e.apiVersion && e.operation !== 'Apply') parts.push(`"apiVersion":${goJson(e.apiVersion)}`);
  if (e.subresource) parts.push(`"subresource":${goJson(e.subresource)}`);
  return `{${parts.join(',')}}`;
}

function parseIdentifier(id: string): IdentifierParts {
  try {
    const o: unknown = JSON.parse(id);
    return typeof o === 'object' && o !== null ? (o as IdentifierParts) : {};
  } catch {
    return {};
  }
}

/** Decodes managedFields; throws on entries upstream rejects (bad operation, apiVersion, fieldsType, fields). */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): Managed {
  const m = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${String(e.fieldsType)}" in managed fields entry ${i}`);
    const id = managerIdentifier(e);
    m.fields.set(id, { set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}), apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, e.time);
  });
  return m;
}

export function decodeOrEmpty(entries: ManagedFieldsEntry[] | undefined): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return emptyManaged();
  }
}

function seconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Encodes to managedFields entries in upstream's order: Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const parts = parseIdentifier(id);
    const e: ManagedFieldsEntry = {};
    if (parts.manager) e.manager = parts.manager;
    e.operation = vs.applied ? 'Apply' : parts.operation === 'Apply' ? 'Apply' : 'Update';
    e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t) e.time = t;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1() as JsonObject;
    if (parts.subresource) e.subresource = parts.subresource;
    out.push(e);
  }
  out.sort((p, q) =>
    cmp(p.operation ?? '', q.operation ?? '') ||
    seconds(p.time) - seconds(q.time) ||
    cmp(p.manager ?? '', q.manager ?? '') ||
    cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
    cmp(p.subresource ?? '', q.subresource ?? ''));
  return out;
}

/** How a conflict names its manager: `"kubectl"`, or `"kubectl" with subresource "scale" using apps/v1` for updaters. */
export function printManager(id: string): string {
  const p = parseIdentifier(id);
  if (p.manager === undefined && p.operation === undefined) return JSON.stringify(id);
  let s = goJson(p.manager ?? '');
  if (p.subresource) s += ` with subresource ${goJson(p.subresource)}`;
  if (p.operation === 'Update') s += ` using ${p.apiVersion ?? ''}`;
  return s;
}

export interface Conflict {
  manager: string;
  path: Path;
}

export function conflictsFromManagers(sets: Map<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  // Upstream walks a Go map here (random manager order); sorted managers keep responses stable.
  for (const id of [...sets.keys()].sort(cmp)) for (const path of sets.get(id)!.paths()) out.push({ manager: id, path });
  return out;
}

/** The 409 upstream answers to an apply that would change fields other managers own. */
export function applyConflictError(conflicts: Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, Path[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort(cmp)) {
      lines.push(`conflicts with ${printManager(id)}:`);
      for (const p of byManager.get(id)!) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

const MAX_UPDATE_MANAGERS = 10;

/** Merges the oldest Update entries into per-version "ancient-changes" buckets beyond ten updaters. */
export function capUpdateManagers(m: Managed): void {
  const updaters = [...m.fields.entries()].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => seconds(m.times.get(a)) - seconds(m.times.get(b)) || cmp(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i];
    const vs = m.fields.get(id)!;
    const time = m.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!m.fields.has(bucket)) {
      const s = m.fields.get(first)!;
      m.fields.delete(first);
      m.fields.set(bucket, s);
    }
    m.fields.set(bucket, { set: vs.set.union(m.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: false });
    m.fields.delete(id);
    length--;
    m.times.set(bucket, time);
  }
}

/** RFC 3339 at second precision, as metav1.Time serializes. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

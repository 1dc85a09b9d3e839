// Schema-aware walks over JSON values, as SMD's typed package does them: the field set a value
// sets, the comparison of two values (added/modified/removed paths), the apply merge (live
// merged with the applied config) and removal of a set of paths.
import type { JsonValue } from '../object.js';
import { FieldSet } from './field-set.js';
import type { Path, PathElement } from './path-element.js';
import type { Schema, SchemaNode } from './schema.js';

type Obj = { [key: string]: JsonValue };
type Resolved =
  | { kind: 'scalar' }
  | { kind: 'map'; node: SchemaNode; atomic: boolean }
  | { kind: 'list'; node: SchemaNode & { kind: 'list' }; atomic: boolean };

export function isObj(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values (SMD's value.Equals). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Which handler applies to a value: the schema's, narrowed by the value's own JSON shape. */
function resolve(node: SchemaNode, v: JsonValue | undefined): Resolved {
  switch (node.kind) {
    case 'struct': return Array.isArray(v) || (v !== undefined && v !== null && typeof v !== 'object') ? { kind: 'scalar' } : { kind: 'map', node, atomic: node.atomic };
    case 'map': return Array.isArray(v) || (v !== undefined && v !== null && typeof v !== 'object') ? { kind: 'scalar' } : { kind: 'map', node, atomic: node.atomic };
    case 'list': return isObj(v) || (v !== undefined && v !== null && typeof v !== 'object') ? { kind: 'scalar' } : { kind: 'list', node, atomic: node.rel === 'atomic' };
    case 'deduced':
      if (isObj(v)) return { kind: 'map', node, atomic: false };
      if (Array.isArray(v)) return { kind: 'list', node: { kind: 'list', elem: node, rel: 'atomic', keys: [] }, atomic: true };
      return { kind: 'scalar' };
    default: return { kind: 'scalar' };
  }
}

function isKnownField(schema: Schema, node: SchemaNode, key: string): boolean {
  return node.kind === 'struct' && schema.structField(node, key) !== undefined;
}

/** The paths a value sets (SMD's ToFieldSet). */
export function toFieldSet(schema: Schema, node: SchemaNode, v: JsonValue): FieldSet {
  const set = new FieldSet();
  walkSet(schema, node, v, [], set);
  return set;
}

function walkSet(schema: Schema, node: SchemaNode, v: JsonValue, path: Path, set: FieldSet): void {
  const r = resolve(node, v);
  if (r.kind === 'scalar') {
    set.insert(path);
    return;
  }
  if (r.atomic) {
    set.insert(path);
    return;
  }
  if (r.kind === 'list') {
    if (!Array.isArray(v)) return;
    const seen = new Set<string>();
    const dup = new Set<string>();
    const pes = v.map((item) => schema.listItemElement(r.node, item));
    const keyOf = (pe: PathElement | undefined): string => JSON.stringify(pe ?? null);
    pes.forEach((pe) => {
      const k = keyOf(pe);
      if (seen.has(k)) {
        if (!dup.has(k) && pe) set.insert([...path, pe]);
        dup.add(k);
      } else seen.add(k);
    });
    v.forEach((item, i) => {
      const pe = pes[i];
      if (!pe || dup.has(keyOf(pe))) return;
      const p = [...path, pe];
      walkSet(schema, r.node.elem, item, p, set);
      set.insert(p);
    });
    return;
  }
  if (!isObj(v)) return;
  for (const [key, val] of Object.entries(v)) {
    const p = [...path, { f: key }];
    walkSet(schema, schema.child(r.node, key), val, p, set);
    if (val === null || (isObj(val) && Object.keys(val).length === 0)) set.insert(p);
    else if (!isKnownField(schema, r.node, key)) set.insert(p);
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed between two values (SMD's Compare). */
export function compare(schema: Schema, node: SchemaNode, lhs: JsonValue, rhs: JsonValue): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  cmpWalk(schema, node, lhs, rhs, [], c);
  return c;
}

function cmpWalk(schema: Schema, node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: Path, c: Comparison): void {
  const rl = resolve(node, lhs);
  const rr = resolve(node, rhs);
  const r = rhs === undefined ? rl : rr;
  let leaf = false;
  const doLeaf = (): void => {
    leaf = true;
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
    else if (!jsonEqual(lhs, rhs)) c.modified.insert(path);
  };
  if (lhs !== undefined && rhs !== undefined && rl.kind !== rr.kind) doLeaf();
  else if (r.kind === 'scalar') doLeaf();
  else if (r.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const rv = Array.isArray(rhs) ? rhs : undefined;
    if (r.atomic || ((!l || l.length === 0) && (!rv || rv.length === 0))) doLeaf();
    else cmpList(schema, r.node, l ?? [], rv ?? [], path, c);
  } else {
    const l = isObj(lhs) ? lhs : undefined;
    const rv = isObj(rhs) ? rhs : undefined;
    const le = !l || Object.keys(l).length === 0;
    const re = !rv || Object.keys(rv).length === 0;
    if (r.atomic || (le && re)) doLeaf();
    else {
      const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(rv ?? {})]);
      for (const k of keys) cmpWalk(schema, schema.child(r.node, k), l?.[k], rv?.[k], [...path, { f: k }], c);
    }
  }
  if (!leaf) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
}

function indexItems(schema: Schema, list: SchemaNode & { kind: 'list' }, items: JsonValue[]): Map<string, { pe: PathElement; values: JsonValue[] }> {
  const m = new Map<string, { pe: PathElement; values: JsonValue[] }>();
  for (const item of items) {
    const pe = schema.listItemElement(list, item);
    if (!pe) continue;
    const k = JSON.stringify(pe);
    const e = m.get(k);
    if (e) e.values.push(item);
    else m.set(k, { pe, values: [item] });
  }
  return m;
}

function cmpList(schema: Schema, list: SchemaNode & { kind: 'list' }, lhs: JsonValue[], rhs: JsonValue[], path: Path, c: Comparison): void {
  const lv = indexItems(schema, list, lhs);
  const rv = indexItems(schema, list, rhs);
  const all = new Map([...lv.entries()].map(([k, e]) => [k, e.pe]));
  for (const [k, e] of rv) if (!all.has(k)) all.set(k, e.pe);
  for (const [k, pe] of all) {
    const l = lv.get(k)?.values ?? [];
    const r = rv.get(k)?.values ?? [];
    const p = [...path, pe];
    if (l.length <= 1 && r.length <= 1) cmpWalk(schema, list.elem, l[0], r[0], p, c);
    else if (l.length >= 2 && r.length >= 2) {
      if (l.length !== r.length || l.some((x, i) => !jsonEqual(x, r[i]))) c.modified.insert(p);
    } else if (l.length >= 2) {
      if (r.length) cmpWalk(schema, list.elem, undefined, r[0], p, c);
      c.removed.insert(p);
    } else {
      if (l.length) cmpWalk(schema, list.elem, l[0], undefined, p, c);
      c.added.insert(p);
    }
  }
}

/** live merged with the applied config: config wins on leaves, maps merge per key, associative lists per item. */
export function merge(schema: Schema, node: SchemaNode, lhs: JsonValue | undefined, rhs: JsonValue | undefined): JsonValue | undefined {
  const rl = resolve(node, lhs);
  const rr = resolve(node, rhs);
  const r = rhs === undefined ? rl : rr;
  const leaf = (): JsonValue | undefined => (rhs !== undefined ? rhs : lhs);
  if (lhs !== undefined && rhs !== undefined && rl.kind !== rr.kind) return leaf();
  if (r.kind === 'scalar') return leaf();
  if (r.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const rv = Array.isArray(rhs) ? rhs : undefined;
    if (r.atomic || ((!l || l.length === 0) && (!rv || rv.length === 0))) return leaf();
    const out = mergeList(schema, r.node, l ?? [], rv ?? []);
    return out.length > 0 ? out : undefined;
  }
  const l = isObj(lhs) ? lhs : undefined;
  const rv = isObj(rhs) ? rhs : undefined;
  if (r.atomic || ((!l || Object.keys(l).length === 0) && (!rv || Object.keys(rv).length === 0))) return leaf();
  const out: Obj = {};
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(rv ?? {})]);
  for (const k of keys) {
    const m = merge(schema, schema.child(r.node, k), l?.[k], rv?.[k]);
    if (m !== undefined) out[k] = m;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function mergeList(schema: Schema, list: SchemaNode & { kind: 'list' }, lhs: JsonValue[], rhs: JsonValue[]): JsonValue[] {
  const index = (items: JsonValue[]): { pes: { k: string; item: JsonValue }[]; seen: Map<string, JsonValue | undefined> } => {
    const pes: { k: string; item: JsonValue }[] = [];
    const seen = new Map<string, JsonValue | undefined>();
    for (const item of items) {
      const pe = schema.listItemElement(list, item);
      if (!pe) continue;
      const k = JSON.stringify(pe);
      // A duplicated live item merges as absent (upstream records a null for it).
      seen.set(k, seen.has(k) ? undefined : item);
      pes.push({ k, item });
    }
    return { pes, seen };
  };
  const L = index(lhs);
  const R = index(rhs);
  const out: JsonValue[] = [];
  const push = (v: JsonValue | undefined): void => {
    if (v !== undefined) out.push(v);
  };
  // Items keep the live order, except that items named by both sides follow the config's order.
  const shared = R.pes.filter((p) => L.seen.has(p.k));
  let sharedIdx = 0;
  let nextShared: string | undefined = shared[0]?.k;
  const advance = (): void => {
    sharedIdx++;
    nextShared = shared[sharedIdx]?.k;
  };
  const mergedR = new Set<string>();
  let li = 0;
  let ri = 0;
  while (li < L.pes.length || ri < R.pes.length) {
    if (li < L.pes.length && ri < R.pes.length) {
      const lk = L.pes[li].k;
      if (lk === R.pes[ri].k) {
        mergedR.add(lk);
        push(merge(schema, list.elem, L.seen.get(lk), R.seen.get(lk)));
        li++;
        ri++;
        advance();
        continue;
      }
      if (R.seen.has(lk) && nextShared !== undefined && nextShared !== lk) {
        li++;
        continue;
      }
    }
    if (li < L.pes.length) {
      const lk = L.pes[li].k;
      if (!R.seen.has(lk)) {
        push(merge(schema, list.elem, L.pes[li].item, undefined));
        li++;
        continue;
      } else if (mergedR.has(lk)) li++;
    }
    if (ri < R.pes.length) {
      const rk = R.pes[ri].k;
      mergedR.add(rk);
      push(merge(schema, list.elem, L.seen.get(rk), R.seen.get(rk)));
      ri++;
      if (nextShared !== undefined && nextShared === rk) advance();
    }
  }
  return out;
}

/** The value without the given paths (SMD's RemoveItems); emptied maps and lists disappear. */
export function removeItems(schema: Schema, node: SchemaNode, v: JsonValue, toRemove: FieldSet): JsonValue | undefined {
  const r = resolve(node, v);
  if (r.kind === 'scalar') return v;
  if (r.kind === 'list') {
    if (!Array.isArray(v) || v.length === 0 || r.atomic) return undefined;
    const out: JsonValue[] = [];
    for (const item of v) {
      const pe = schema.listItemElement(r.node, item);
      if (!pe) {
        out.push(item);
        continue;
      }
      if (toRemove.hasMember(pe)) continue;
      const sub = toRemove.withPrefix(pe);
      if (!sub.empty()) {
        const kept = removeItems(schema, r.node.elem, item, sub);
        if (kept !== undefined) out.push(kept);
      } else out.push(item);
    }
    return out.length > 0 ? out : undefined;
  }
  if (!isObj(v) || Object.keys(v).length === 0 || r.atomic) return undefined;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    const pe = { f: k };
    if (toRemove.hasMember(pe)) continue;
    const sub = toRemove.withPrefix(pe);
    if (!sub.empty()) {
      const kept = removeItems(schema, schema.child(r.node, k), val, sub);
      if (kept !== undefined) out[k] = kept;
    } else out[k] = val;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Adds, as members, the children of the set that are fields declared by their struct. */
export function ensureNamedFieldsAreMembers(schema: Schema, node: SchemaNode, set: FieldSet): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of set.members) out.members.set(k, pe);
  for (const [k, c] of set.children) {
    let childNode: SchemaNode = { kind: 'deduced' };
    if ('f' in c.pe) {
      if (node.kind === 'struct' && schema.structField(node, c.pe.f)) out.members.set(k, c.pe);
      childNode = schema.child(node, c.pe.f);
    } else if ('k' in c.pe && node.kind === 'list') childNode = node.elem;
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(schema, childNode, c.set) });
  }
  return out;
}

/** The value as upstream's typed Go object would present it: value-typed structs present ({}), some slices null. */
export function materialize(schema: Schema, node: SchemaNode, v: JsonValue | undefined): JsonValue | undefined {
  if (v === undefined || v === null) return v;
  if (node.kind === 'list' && Array.isArray(v)) return v.map((x) => materialize(schema, node.elem, x) ?? x);
  if (!isObj(v) || (node.kind !== 'struct' && node.kind !== 'map')) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) out[k] = materialize(schema, schema.child(node, k), val) ?? val;
  const zero = schema.zeroFields(node);
  if (zero) {
    for (const f of zero.structs) if (!(f in out)) out[f] = materialize(schema, schema.child(node, f), {}) ?? {};
    for (const f of zero.nullLists) if (!(f in out)) out[f] = null;
  }
  return out;
}

/** Drops null-valued object entries (absent in the Go object upstream would serialize). */
export function dropNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) if (val !== null) out[k] = dropNulls(val);
  return out;
}

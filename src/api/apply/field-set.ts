// A set of field paths (SMD's fieldpath.Set): members at this level plus child sets, with the
// union/intersection/difference algebra managedFields needs and the FieldsV1 wire form.
import type { JsonObject } from '../object.js';
import { comparePathElements, deserializePathElement, serializePathElement, UnknownPathElementType } from './path-element.js';
import type { Path, PathElement } from './path-element.js';

interface Child {
  pe: PathElement;
  set: FieldSet;
}

export class FieldSet {
  // Keyed by the element's canonical serialization, which is unique per element.
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(p: Path): void {
    if (p.length === 0) return;
    let s: FieldSet = this;
    for (let i = 0; i < p.length - 1; i++) s = s.descend(p[i]);
    const last = p[p.length - 1];
    s.members.set(serializePathElement(last), last);
  }

  /** The child set under pe, created when missing. */
  descend(pe: PathElement): FieldSet {
    const key = serializePathElement(pe);
    let c = this.children.get(key);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.children.set(key, c);
    }
    return c.set;
  }

  has(p: Path): boolean {
    if (p.length === 0) return false;
    let s: FieldSet | undefined = this;
    for (let i = 0; i < p.length - 1; i++) {
      s = s.children.get(serializePathElement(p[i]))?.set;
      if (!s) return false;
    }
    return s.members.has(serializePathElement(p[p.length - 1]));
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePathElement(pe));
  }

  /** The subtree under pe (empty when absent); shared, do not mutate. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePathElement(pe))?.set ?? EMPTY;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, c] of this.children) out.children.set(k, { pe: c.pe, set: c.set.copy() });
    return out;
  }

  union(o: FieldSet): FieldSet {
    const out = this.copy();
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of o.children) {
      const mine = out.children.get(k);
      out.children.set(k, { pe: c.pe, set: mine ? mine.set.union(c.set) : c.set.copy() });
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const theirs = o.children.get(k);
      if (!theirs) continue;
      const r = c.set.intersection(theirs.set);
      if (!r.empty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  /** Members of o are removed here; o's children are subtracted from children (not recursively by membership). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const theirs = o.children.get(k);
      if (!theirs) {
        out.children.set(k, { pe: c.pe, set: c.set.copy() });
        continue;
      }
      const r = c.set.difference(theirs.set);
      if (!r.empty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  /** Like difference, but a member of o also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!o.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const theirs = o.children.get(k);
      if (!theirs) {
        out.children.set(k, { pe: c.pe, set: c.set.copy() });
        continue;
      }
      const r = c.set.recursiveDifference(theirs.set);
      if (!r.empty()) out.children.set(k, { pe: c.pe, set: r });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).empty() && o.difference(this).empty();
  }

  sortedMembers(): PathElement[] {
    return [...this.members.values()].sort(comparePathElements);
  }

  sortedChildren(): Child[] {
    return [...this.children.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  /** Every path, in SMD's order: this level's members first, then each child's paths. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const pe of this.sortedMembers()) out.push([...prefix, pe]);
    for (const c of this.sortedChildren()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  /** The FieldsV1 trie: `{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`. */
  toFieldsV1(): JsonObject {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): JsonObject {
    const out: JsonObject = {};
    if (includeSelf && (this.members.size > 0 || this.children.size > 0)) out['.'] = {};
    const keys = new Map<string, PathElement>();
    for (const [k, pe] of this.members) keys.set(k, pe);
    for (const [k, c] of this.children) keys.set(k, c.pe);
    const sorted = [...keys.entries()].sort((a, b) => comparePathElements(a[1], b[1]));
    for (const [k] of sorted) {
      const c = this.children.get(k);
      out[k] = c ? c.set.emit(this.members.has(k)) : {};
    }
    return out;
  }

  static fromFieldsV1(obj: unknown): FieldSet {
    const { children } = readTrie(obj);
    return children ?? new FieldSet();
  }
}

const EMPTY = new FieldSet();

function readTrie(obj: unknown): { children?: FieldSet; isMember: boolean } {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('FieldsV1 must be an object');
  let children: FieldSet | undefined;
  let isMember = false;
  for (const [key, val] of Object.entries(obj as Record<string, unknown>)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    let pe: PathElement;
    try {
      pe = deserializePathElement(key);
    } catch (e) {
      // Unknown element kinds are dropped, as a newer server's format might hold them.
      if (e instanceof UnknownPathElementType) continue;
      throw e;
    }
    const sub = readTrie(val);
    children ??= new FieldSet();
    if (sub.isMember) children.members.set(serializePathElement(pe), pe);
    if (sub.children) {
      const k = serializePathElement(pe);
      const existing = children.children.get(k);
      children.children.set(k, { pe, set: existing ? existing.set.union(sub.children) : sub.children });
    }
  }
  if (!children) isMember = true;
  return { children, isMember };
}

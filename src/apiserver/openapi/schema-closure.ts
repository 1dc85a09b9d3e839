// Which definitions a document must carry (everything reachable from its operations), and which
// definition serves a group-version-kind.
import { refName } from '../../api/schema/types.js';
import type { Schema, SchemaSet } from '../../api/schema/types.js';
import type { DefResolver, Gvk } from './operations.js';

const indexes = new WeakMap<SchemaSet['definitions'], Map<string, string>>();

/** Looks kinds up by their x-kubernetes-group-version-kind (built once per definition set). */
export function gvkResolver(schemas: SchemaSet): DefResolver {
  let idx = indexes.get(schemas.definitions);
  if (!idx) {
    idx = new Map();
    for (const [name, s] of Object.entries(schemas.definitions)) {
      for (const g of s['x-kubernetes-group-version-kind'] ?? []) {
        const key = `${g.group}/${g.version}/${g.kind}`;
        // DeleteOptions and WatchEvent claim every group; a kind's own definition is unique.
        if (!idx.has(key)) idx.set(key, name);
      }
    }
    indexes.set(schemas.definitions, idx);
  }
  const m = idx;
  return (g: Gvk) => m.get(`${g.group}/${g.version}/${g.kind}`);
}

function eachChild(s: Schema, f: (c: Schema) => void): void {
  if (s.properties) for (const p of Object.values(s.properties)) f(p);
  if (s.items) f(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') f(s.additionalProperties);
  for (const list of [s.allOf, s.anyOf, s.oneOf]) if (list) for (const c of list) f(c);
}

/** The names of the definitions reachable from roots (roots included when they exist), sorted. */
export function closure(roots: Iterable<string>, schemas: SchemaSet): string[] {
  const defs = schemas.definitions;
  const seen = new Set<string>();
  const stack = [...roots];
  const walk = (s: Schema) => {
    const r = refName(s);
    if (r && !seen.has(r)) stack.push(r);
    eachChild(s, walk);
  };
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name) || !defs[name]) continue;
    seen.add(name);
    walk(defs[name]);
  }
  return [...seen].sort();
}

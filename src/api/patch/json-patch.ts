// RFC 6902 JSON Patch as the apiserver applies it (gopkg.in/evanphx/json-patch.v4, via
// applyJSPatch in k8s.io/apiserver): including its quirks, e.g. `replace` of a missing object
// key adds it, `copy` from a missing key copies null, negative array indices count from the end.
import type { JsonValue } from '../object.js';
import { cloneJson, isPlainObject } from '../object.js';
import { errors } from '../errors.js';
import { goJsonKind, patchBadRequest, patchNotApplicable, setOwn } from './patch-errors.js';

const MAX_OPERATIONS = 10000;

type Container = JsonValue[] | { [key: string]: JsonValue };

class OpError extends Error {}

function fail(message: string): never {
  throw new OpError(message);
}

function decodeKey(k: string): string {
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** strconv.Atoi: optional sign then decimal digits. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) fail(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) fail(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

function invalidIndex(idx: number): never {
  fail(`Unable to access invalid index: ${idx}: invalid index referenced`);
}

/** Resolves the index of an existing array element, allowing negative indices. */
function existingIndex(a: JsonValue[], key: string): number {
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -a.length) invalidIndex(idx);
    idx += a.length;
  }
  if (idx >= a.length) invalidIndex(idx);
  return idx;
}

function get(c: Container, key: string): JsonValue | undefined {
  if (Array.isArray(c)) return c[existingIndex(c, key)];
  return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
}

function add(c: Container, key: string, v: JsonValue): void {
  if (!Array.isArray(c)) {
    setOwn(c, key, v);
    return;
  }
  if (key === '-') {
    c.push(v);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    fail(`value was not a proper array index: '${key}': ${(e as Error).message}`);
  }
  const size = c.length + 1;
  if (idx >= size) invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, v);
}

function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.prototype.hasOwnProperty.call(c, key)) fail(`Unable to remove nonexistent key: ${key}: missing value`);
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.length) invalidIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) invalidIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
}

function isContainer(v: JsonValue | undefined): v is Container {
  return typeof v === 'object' && v !== null;
}

/** The container holding the last path segment, and that segment; undefined when the path does not resolve. */
function findObject(root: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: Container = root;
  for (const part of split.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = get(cur, decodeKey(part));
    } catch {
      return undefined;
    }
    if (!isContainer(next)) return undefined;
    cur = next;
  }
  return [cur, decodeKey(split[split.length - 1])];
}

function stringField(op: Record<string, unknown>, name: 'path' | 'from', what: string): string {
  const v = op[name];
  if (v === undefined || v === null) fail(`${what}: operation missing ${name} field: missing value`);
  if (typeof v !== 'string') fail(`${what}: json: cannot unmarshal ${goJsonKind(v)} into Go value of type string`);
  return v;
}

function valueOf(op: Record<string, unknown>): JsonValue {
  // An absent value behaves as null (the library marshals its nil node as null).
  const v = op.value;
  return v === undefined ? null : cloneJson(v as JsonValue);
}

function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (typeof a === 'object') {
    if (typeof b !== 'object' || Array.isArray(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

function applyOne(state: { doc: Container }, op: Record<string, unknown> | null): void {
  const kind = op && typeof op.op === 'string' ? op.op : 'unknown';
  if (!op) fail(`Unexpected kind: ${kind}`);
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path', 'add operation failed to decode path');
      const found = findObject(state.doc, path);
      if (!found) fail(`add operation does not apply: doc is missing path: "${path}": missing value`);
      try {
        add(found[0], found[1], valueOf(op));
      } catch (e) {
        fail(`error in add for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'remove': {
      const path = stringField(op, 'path', 'remove operation failed to decode path');
      const found = findObject(state.doc, path);
      if (!found) fail(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      try {
        remove(found[0], found[1]);
      } catch (e) {
        fail(`error in remove for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'replace': {
      const path = stringField(op, 'path', 'replace operation failed to decode path');
      if (path === '') {
        if (op.value === undefined) fail('replace operation value missing');
        const v = valueOf(op);
        // A scalar root value is silently ignored upstream (the error it builds wraps a nil error).
        if (isContainer(v)) state.doc = v;
        return;
      }
      const found = findObject(state.doc, path);
      if (!found) fail(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      const [c, key] = found;
      try {
        get(c, key);
      } catch {
        fail(`replace operation does not apply: doc is missing key: ${path}: missing value`);
      }
      if (Array.isArray(c)) c[existingIndex(c, key)] = valueOf(op);
      else setOwn(c, key, valueOf(op));
      return;
    }
    case 'move': {
      const from = stringField(op, 'from', 'move operation failed to decode from');
      const src = findObject(state.doc, from);
      if (!src) fail(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      let val: JsonValue | undefined;
      try {
        val = get(src[0], src[1]);
        remove(src[0], src[1]);
      } catch (e) {
        fail(`error in move for path: '${src[1]}': ${(e as Error).message}`);
      }
      const path = stringField(op, 'path', 'move operation failed to decode path');
      const dst = findObject(state.doc, path);
      if (!dst) fail(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
      try {
        add(dst[0], dst[1], val ?? null);
      } catch (e) {
        fail(`error in move for path: '${path}': ${(e as Error).message}`);
      }
      return;
    }
    case 'copy': {
      const from = stringField(op, 'from', 'copy operation failed to decode from');
      const src = findObject(state.doc, from);
      if (!src) fail(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      let val: JsonValue | undefined;
      try {
        val = get(src[0], src[1]);
      } catch (e) {
        fail(`error in copy for from: '${from}': ${(e as Error).message}`);
      }
      const path = stringField(op, 'path', 'copy operation failed to decode path');
      const dst = findObject(state.doc, path);
      if (!dst) fail(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
      try {
        add(dst[0], dst[1], val === undefined ? null : cloneJson(val));
      } catch (e) {
        fail(`error while adding value during copy: ${(e as Error).message}`);
      }
      return;
    }
    case 'test': {
      const path = stringField(op, 'path', 'test operation failed to decode path');
      if (path === '') {
        if (!jsonEqual(state.doc, op.value as JsonValue | undefined)) fail(`testing value ${path} failed: test failed`);
        return;
      }
      const found = findObject(state.doc, path);
      if (!found) fail(`test operation does not apply: is missing path: ${path}: missing value`);
      let val: JsonValue | undefined;
      try {
        val = get(found[0], found[1]);
      } catch (e) {
        fail(`error in test for path: '${path}': ${(e as Error).message}`);
      }
      // Missing and null are the same to the library; they only match an explicit null.
      if (val === undefined || val === null) {
        if (op.value === null) return;
        fail(`testing value ${path} failed: test failed`);
      }
      if (op.value === undefined || !jsonEqual(val, op.value as JsonValue)) fail(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

/**
 * Applies an RFC 6902 patch (already parsed from JSON) to a document and returns the new document;
 * the input is not modified. A patch that is not a list of operations is a 400; an operation that
 * does not apply is upstream's 422.
 */
export function applyJsonPatch(doc: JsonValue, patch: unknown): JsonValue {
  if (patch === null) return cloneJson(doc);
  if (!Array.isArray(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isPlainObject(op)) {
      throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_OPERATIONS) {
    throw errors.requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`);
  }
  if (!isContainer(doc)) throw patchNotApplicable(`json: cannot unmarshal ${goJsonKind(doc)} into Go value of type jsonpatch.partialDoc`);
  const state = { doc: cloneJson(doc) as Container };
  for (const op of patch as (Record<string, unknown> | null)[]) {
    try {
      applyOne(state, op);
    } catch (e) {
      if (e instanceof OpError) throw patchNotApplicable(e.message);
      throw e;
    }
  }
  return state.doc;
}

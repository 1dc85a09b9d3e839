// Strategic merge patch as the apiserver applies it (k8s.io/apimachinery/pkg/util/strategicpatch,
// StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls): lists merge by their
// patchMergeKey, primitive merge lists merge as sets, null deletes, and the directives $patch,
// $retainKeys, $setElementOrder/<list> and $deleteFromPrimitiveList/<list> are honoured, with
// upstream's ordering algorithm and error classes.
import type { JsonObject, JsonValue } from '../object.js';
import { cloneJson, isPlainObject } from '../object.js';
import type { StatusError } from '../errors.js';
import { goFormat, goJsonKind, goTypeName, patchBadRequest, patchNotApplicable, patchUnknownError, setOwn } from './patch-errors.js';
import { goSliceStable } from './go-stable-sort.js';
import type { SmpSchema } from './smp-schema.js';
import { SchemaLookupError, goKindName, lookupForSlice, lookupForStruct, schemaForDef } from './smp-schema.js';

type Obj = { [key: string]: JsonValue };
type List = JsonValue[];

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** How the apiserver classifies a failure (interpretStrategicMergePatchError). */
type ErrorClass = 'badRequest' | 'invalid' | 'unknown';

class SmpError extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
  ) {
    super(message);
  }
}

const errBadPatchFormatForPrimitiveList = () => new SmpError('badRequest', 'invalid patch format of primitive list');
const errBadPatchFormatForRetainKeys = () => new SmpError('badRequest', 'invalid patch format of retainKeys');
const errBadPatchFormatForSetElementOrderList = () => new SmpError('badRequest', 'invalid patch format of setElementOrder list');
const errNoListOfLists = () => new SmpError('invalid', 'lists of lists are not supported');
const errNoMergeKey = (m: Obj, k: string) => new SmpError('unknown', `map: ${goFormat(m)} does not contain declared merge key: ${k}`);
const errBadArgType = (expected: 'map' | 'slice', actual: JsonValue | undefined) =>
  new SmpError('unknown', `expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: JsonValue, m: Obj) => new SmpError('unknown', `unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);
const unknown = (message: string) => new SmpError('unknown', message);

function isObj(v: JsonValue | undefined): v is Obj {
  return isPlainObject(v);
}

function has(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Go's dynamic type of a decoded JSON value; values of different types replace each other. */
function goType(v: JsonValue): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(`${SET_ELEMENT_ORDER}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`);
}

/**
 * Upstream decodes the merged map into the typed object, which drops directive keys (unknown
 * fields) and turns nulls into omitted zero values. Our objects stay JSON, so values that upstream
 * takes from the patch unmerged are cleaned the same way here.
 */
function typedClean(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(typedClean);
  if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null || isDirectiveKey(k)) delete v[k];
      else v[k] = typedClean(v[k]);
    }
  }
  return v;
}

/** Strips elements and fields carrying $patch; false when the value itself carries one. */
function removeDirectives(v: JsonValue): [JsonValue, boolean] {
  if (v === null) return [v, true];
  if (Array.isArray(v)) {
    const res: List = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  if (isObj(v)) {
    if (has(v, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(v)) {
      const [nv, keep] = removeDirectives(v[k]);
      if (keep) v[k] = nv;
      else delete v[k];
    }
    return [v, true];
  }
  return [v, true];
}

function discardNullValuesFromPatch(v: JsonValue): void {
  if (Array.isArray(v)) {
    for (const item of v) discardNullValuesFromPatch(item);
  } else if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValuesFromPatch(v[k]);
    }
  }
}

/** Takes a patch value whole, as upstream does for keys absent from (or of another type in) the original. */
function takePatchValue(original: Obj, k: string, patchV: JsonValue): void {
  discardNullValuesFromPatch(patchV);
  const [v, keep] = removeDirectives(patchV);
  if (keep) setOwn(original, k, typedClean(v));
  else delete original[k];
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw errBadPatchFormatForPrimitiveList();
    if (prefix === SET_ELEMENT_ORDER) throw errBadPatchFormatForSetElementOrderList();
    throw unknown(`fail to find unknown prefix "${prefix}" in ${s}\n`);
  }
  return s.slice(i + 1);
}

function extractRetainKeysPatchStrategy(strategies: string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === RETAIN_KEYS_STRATEGY ? '' : strategies[0];
  if (strategies.length === 2) {
    if (strategies[0] === RETAIN_KEYS_STRATEGY) return strategies[1];
    if (strategies[1] === RETAIN_KEYS_STRATEGY) return strategies[0];
  }
  throw unknown(`unexpected patch strategy: ${goFormat(strategies)}`);
}

/** The element kind shared by the given lists: 'map' or a scalar type; lists of lists are refused. */
function sliceElementType(...lists: (List | undefined)[]): string {
  let prev: string | undefined;
  for (const l of lists) {
    for (const v of l ?? []) {
      const t = goType(v);
      if (prev === undefined) {
        prev = t;
        if (t === 'slice') throw errNoListOfLists();
      } else if (prev !== t) {
        throw unknown(`list element types are not identical: ${goFormat(lists.map((x) => x ?? []))}`);
      }
    }
  }
  if (prev === undefined) throw unknown('no elements in any of the given slices');
  return prev;
}

/** The position of an item in a list: by merge key value for maps, by value otherwise. */
function indexOf(l: List, item: JsonValue, mergeKey: string, kind: string): number {
  const val = (x: JsonValue): JsonValue => (kind === 'map' ? (isObj(x) ? x[mergeKey] ?? null : null) : x);
  const want = val(item);
  for (let i = 0; i < l.length; i++) if (val(l[i]) === want) return i;
  return -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: List[]): void {
  for (const l of lists) {
    for (const item of l) {
      if (!isObj(item)) throw errBadArgType('map', item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(l: List): [List, List] {
  const keep: List = [];
  const del: List = [];
  for (const v of l) {
    if (!isObj(v)) throw errBadArgType('map', v);
    if (has(v, DIRECTIVE) && v[DIRECTIVE] === DELETE) del.push(v);
    else keep.push(v);
  }
  return [keep, del];
}

function normalizeSliceOrder(toSort: List, order: List, mergeKey: string, kind: string): List {
  let items = toSort.slice();
  let toDelete: List = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, order);
    [items, toDelete] = extractToDeleteItems(items);
  }
  goSliceStable(items, (a, b) => {
    const ia = indexOf(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexOf(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return items.concat(toDelete);
}

/** Interleaves server-only items into the patch items, keeping each side's order and the live order where both are known. */
function mergeSortedSlice(left: List, right: List, serverOrder: List, mergeKey: string, kind: string): List {
  const out: List = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey, kind);
      const ri = indexOf(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(patch: List, serverOnly: List, patchOrder: List, serverOrder: List, mergeKey: string, kind: string): List {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function partitionPrimitives(merged: List, by: List): [List, List] {
  const inPatch = new Set(by);
  const patch: List = [];
  const serverOnly: List = [];
  for (const v of merged) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function findByKey(l: List, key: string, value: JsonValue): number {
  for (let i = 0; i < l.length; i++) {
    const v = l[i];
    if (!isObj(v)) throw unknown(`value for key ${i} is not a map`);
    if (has(v, key) && v[key] === value) return i;
  }
  return -1;
}

function partitionMaps(merged: List, by: List, mergeKey: string): [List, List] {
  const patch: List = [];
  const serverOnly: List = [];
  for (const v of merged) {
    if (!isObj(v)) throw errBadArgType('map', v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

function partition(merged: List, by: List, mergeKey: string): [List, List] {
  return mergeKey === '' ? partitionPrimitives(merged, by) : partitionMaps(merged, by, mergeKey);
}

function dedupScalars(s: List): List {
  // Same swap-with-last algorithm as upstream, so the pre-sort order matches too.
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function handleDirectiveInMergeMap(directive: JsonValue, patch: Obj): Obj {
  if (directive === REPLACE) {
    delete patch[DIRECTIVE];
    return typedClean(patch) as Obj;
  }
  if (directive === DELETE) return {};
  throw errBadPatchType(directive, patch);
}

function applyRetainKeysDirective(original: Obj, patch: Obj): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw errBadPatchFormatForRetainKeys();
  const keys = new Set(retain.filter((v): v is string => typeof v === 'string'));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keys.has(k)) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keys.has(k)) delete original[k];
}

function mergeKeyValueEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isObj(left)) throw errBadArgType('map', left);
  if (!isObj(right)) throw errBadArgType('map', right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The patch list may only hold items of $setElementOrder, in the same relative order. */
function validatePatchWithSetOrderList(patchList: List, order: List, mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < nonDelete.length && oi < order.length) {
    const item = nonDelete[pi];
    if (isObj(item) && has(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < nonDelete.length && oi >= order.length) {
    throw unknown(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

/** Handles each $setElementOrder/<list>: merges <list> now and orders it as upstream does. */
function mergePatchIntoOriginal(original: Obj, patch: Obj, schema: SmpSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !has(patch, key)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('slice', order);
    const listKey = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = has(original, listKey);
    const foundPatch = has(patch, listKey);
    let originalList: List | undefined;
    let patchList: List | undefined;
    if (foundOriginal) {
      const v = original[listKey];
      if (!Array.isArray(v)) throw errBadArgType('slice', v);
      originalList = v;
    }
    if (foundPatch) {
      const v = patch[listKey];
      if (!Array.isArray(v)) throw errBadArgType('slice', v);
      patchList = v;
    }
    const [sub, meta] = lookupForSlice(schema, listKey);
    const strategy = extractRetainKeysPatchStrategy(meta.strategies);
    validatePatchWithSetOrderList(patchList ?? [], order, meta.mergeKey);

    let merged: List;
    if (originalList && !patchList) merged = originalList;
    else if (!originalList && patchList) merged = typedClean(removeDirectives(patchList)[0]) as List;
    else if (originalList && patchList) merged = mergeSliceHandler(originalList, patchList, sub, strategy, meta.mergeKey, false);
    else continue;

    const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey);
    const kind = sliceElementType(originalList, patchList);
    original[listKey] = normalizeElementOrder(patchItems, serverOnly, order, originalList ?? [], meta.mergeKey, kind);
    delete patch[listKey];
  }
}

function mergeMap(original: Obj | null, patch: Obj, schema: SmpSchema): Obj {
  if (has(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  const orig = original ?? {};
  applyRetainKeysDirective(orig, patch);
  mergePatchIntoOriginal(orig, patch, schema);

  for (const pk of Object.keys(patch)) {
    const patchV = patch[pk];
    let k = pk;
    let isDeleteList = false;
    if (pk.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(pk, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      continue;
    }
    if (!has(orig, k) || goType(orig[k]) !== goType(patchV)) {
      if (!isDeleteList) takePatchValue(orig, k, patchV);
      continue;
    }
    const origV = orig[k];
    if (isObj(origV) && isObj(patchV)) {
      const [sub, meta] = lookupForStruct(schema, k);
      const strategy = extractRetainKeysPatchStrategy(meta.strategies);
      orig[k] = strategy !== REPLACE ? mergeMap(origV, patchV, sub) : typedClean(patchV);
    } else if (Array.isArray(origV) && Array.isArray(patchV)) {
      const [sub, meta] = lookupForSlice(schema, k);
      const strategy = extractRetainKeysPatchStrategy(meta.strategies);
      orig[k] = mergeSliceHandler(origV, patchV, sub, strategy, meta.mergeKey, isDeleteList);
    } else {
      orig[k] = patchV;
    }
  }
  return orig;
}

function mergeSliceHandler(original: List, patch: List, schema: SmpSchema, strategy: string, mergeKey: string, isDeleteList: boolean): List {
  // Delete lists apply whatever the field's strategy; other non-merge lists are replaced.
  if (strategy === MERGE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return typedClean(patch) as List;
}

function mergeSlice(original: List, patch: List, schema: SmpSchema, mergeKey: string, isDeleteList: boolean): List {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  let merged: List;
  let serverOrder = original;
  let items = patch;
  if (kind !== 'map') {
    if (isDeleteList) {
      const del = new Set(patch);
      return original.filter((v) => !del.has(v));
    }
    merged = dedupScalars(original.concat(patch));
  } else {
    if (mergeKey === '') throw unknown(`cannot merge lists without merge key for ${goKindName(schema)}`);
    const special = mergeSliceWithSpecialElements(original, patch, mergeKey);
    items = special.plain;
    merged = mergeSliceWithoutSpecialElements(special.view, items, mergeKey, schema);
    serverOrder = special.view.arr.slice(0, special.len);
  }
  const [patchItems, serverOnly] = partition(merged, items, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, items, serverOrder, mergeKey, kind);
}

/**
 * A Go slice over a shared backing array. Upstream deletes list items by shifting them within the
 * live list's backing array and appends new items into its spare capacity, and the live list it
 * later orders by sees those writes; modelling that is what reproduces upstream's item order when
 * one patch both deletes and adds items. The live list's capacity equals its length (it was deep
 * copied), so the backing array is the live JS array itself and is mutated in place.
 */
interface SliceView {
  arr: List;
  len: number;
  /** False once an append outgrew the backing array and moved to a private copy. */
  shared: boolean;
}

/** Applies `$patch` elements: delete removes by merge key, replace makes the rest of the patch the list. */
function mergeSliceWithSpecialElements(original: List, patch: List, mergeKey: string): { view: SliceView; len: number; plain: List } {
  const plain: List = [];
  let replace = false;
  const view: SliceView = { arr: original, len: original.length, shared: true };
  for (const v of patch) {
    const item = v as Obj;
    if (!has(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === DELETE) {
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      for (;;) {
        const i = findByKey(view.arr.slice(0, view.len), mergeKey, item[mergeKey]);
        if (i < 0) break;
        view.arr.copyWithin(i, i + 1, view.len);
        view.len--;
      }
    } else if (directive === REPLACE) {
      replace = true;
    } else if (directive === MERGE) {
      throw unknown('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  if (replace) {
    const cleaned = typedClean(plain) as List;
    return { view: { arr: cleaned, len: cleaned.length, shared: false }, len: cleaned.length, plain: [] };
  }
  return { view, len: view.len, plain };
}

function mergeSliceWithoutSpecialElements(view: SliceView, patch: List, mergeKey: string, schema: SmpSchema): List {
  for (const v of patch) {
    const item = v as Obj;
    if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const i = findByKey(view.arr.slice(0, view.len), mergeKey, item[mergeKey]);
    if (i >= 0) {
      view.arr[i] = mergeMap(view.arr[i] as Obj, item, schema);
    } else {
      if (view.shared && view.len >= view.arr.length) {
        view.arr = view.arr.slice(0, view.len);
        view.shared = false;
      }
      view.arr[view.len++] = typedClean(item);
    }
  }
  return view.arr.slice(0, view.len);
}

function toStatusError(e: SmpError | SchemaLookupError): StatusError {
  if (e instanceof SchemaLookupError) return patchUnknownError(e.message);
  switch (e.errorClass) {
    case 'badRequest':
      return patchBadRequest(e.message);
    case 'invalid':
      return patchNotApplicable(e.message);
    case 'unknown':
      return patchUnknownError(e.message);
  }
}

/**
 * Applies a strategic merge patch (already parsed from JSON) to an object of the given OpenAPI
 * definition (e.g. io.k8s.api.core.v1.Pod) and returns the result; inputs are not modified.
 * Definitions without metadata merge maps and replace lists, like a merge patch with directives.
 */
export function applyStrategicMergePatch(doc: JsonObject, patch: JsonObject, defName: string): JsonObject {
  const p: unknown = patch;
  if (p === null) return cloneJson(doc);
  if (!isPlainObject(p)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(p)} into Go value of type map[string]interface {}`);
  }
  try {
    return mergeMap(cloneJson(doc), cloneJson(patch), schemaForDef(defName));
  } catch (e) {
    if (e instanceof SmpError || e instanceof SchemaLookupError) throw toStatusError(e);
    throw e;
  }
}

// The field set an object sets, for a given API type, and its FieldsV1 wire form.
import type { JsonObject, JsonValue, KubeObject } from '../object.js';
import { FieldSet } from './field-set.js';
import { Schema } from './schema.js';
import type { TypeLookup } from './schema.js';
import { toFieldSet as walk } from './typed.js';

/** Every path `obj` sets, typed as the OpenAPI definition `defName` (e.g. io.k8s.api.apps.v1.Deployment). */
export function toFieldSet(obj: KubeObject | JsonValue, defName: string, types?: TypeLookup): FieldSet {
  const schema = new Schema(types);
  return walk(schema, schema.root(defName), obj as JsonValue);
}

/** The FieldsV1 trie of the paths `obj` sets. */
export function toFieldsV1(obj: KubeObject | JsonValue, defName: string, types?: TypeLookup): JsonObject {
  return toFieldSet(obj, defName, types).toFieldsV1();
}

/** Parses a FieldsV1 trie; throws on malformed keys. */
export function parseFieldsV1(fields: unknown): FieldSet {
  return FieldSet.fromFieldsV1(fields);
}

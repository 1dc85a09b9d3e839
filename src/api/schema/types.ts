// The shape of the OpenAPI definitions k8ts serves and validates against: Swagger 2.0-style
// schemas (refs are `#/definitions/<name>`), as scripts/gen-schemas.mjs writes them.
import type { JsonValue } from '../object.js';

export interface GroupVersionKindExt {
  group: string;
  kind: string;
  version: string;
}

export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: JsonValue[];
  $ref?: string;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: JsonValue;
  nullable?: boolean;
  'x-kubernetes-group-version-kind'?: GroupVersionKindExt[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extension: `x-${string}`]: unknown;
}

/** Definitions by OpenAPI name (io.k8s.api.core.v1.Pod). CRDs may add their own at run time. */
export interface SchemaSet {
  definitions: Record<string, Schema>;
}

export const DEFINITIONS_PREFIX = '#/definitions/';

/** The definition a `$ref` points at, or undefined for inline schemas. */
export function refName(s: Schema | undefined): string | undefined {
  const r = s?.$ref;
  if (!r) return undefined;
  return r.startsWith(DEFINITIONS_PREFIX) ? r.slice(DEFINITIONS_PREFIX.length) : r.slice(r.lastIndexOf('/') + 1);
}

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

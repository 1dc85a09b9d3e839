// fieldValidation=Strict|Warn|Ignore (default Warn for requests that do not say, as upstream's
// default; kubectl always says Strict): unknown and duplicate fields checked against the schema.

import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { checkObjectFields, decodeTypeError, patchDecodeError, strictDecodingError, warningsFor } from '../../api/schema/field-check.js';
import { loadSchemas } from '../../api/schema/load.js';
import { jsonEqual } from '../../api/validation/util.js';
import type { RequestContext } from '../context.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

/**
 * Type errors always fail (upstream cannot decode them); unknown fields fail, warn or pass
 * depending on the directive.
 */
export function checkFieldValidation(rc: RequestContext, obj: KubeObject, fromPatch = false, duplicates: string[] = [], before?: KubeObject): void {
  const mode = fieldValidationOf(rc.query);
  const result = checkObjectFields(before ? changedParts(obj, before) : obj, rc.type.schemaName, loadSchemas());
  const handledAs = { kind: rc.type.kind, version: rc.type.version };
  if (result.typeErrors.length) {
    throw fromPatch ? patchDecodeError(JSON.stringify(obj), result.typeErrors[0]) : decodeTypeError(handledAs, result.typeErrors[0]);
  }
  if (mode === 'Ignore' || (result.unknownFields.length === 0 && duplicates.length === 0)) return;
  if (mode === 'Strict') throw strictDecodingError(result.unknownFields, fromPatch ? undefined : handledAs, duplicates);
  rc.warnings.push(...warningsFor(result.unknownFields, duplicates));
}

/**
 * A patched object's top-level fields that differ from the stored object it was made from: the
 * stored one already passed these checks, so only what the patch changed can fail them (a status
 * patch then never walks the spec).
 */
function changedParts(obj: KubeObject, before: KubeObject): KubeObject {
  const out: Record<string, unknown> = { apiVersion: obj.apiVersion, kind: obj.kind };
  for (const [k, v] of Object.entries(obj)) if (!jsonEqual(v, (before as Record<string, unknown>)[k])) out[k] = v;
  return out as KubeObject;
}

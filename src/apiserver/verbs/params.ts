// Query parameters shared by list and watch: selectors, limit, resourceVersion semantics.

import { errors, field, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/registry/types.js';
import { checkFieldSelector, fieldSetFor } from '../../api/selectors/field-labels.js';
import { matchesFields, parseFieldSelector } from '../../api/selectors/field-selector.js';
import { matchesLabels, parseLabelSelector } from '../../api/selectors/label-selector.js';

export interface ListQuery {
  filter?: (obj: KubeObject) => boolean;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
}

/** strconv.ParseInt(v, 10, 64) as the query decoder runs it, with its error words. */
export function goParseInt(v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const big = BigInt(v);
  if (big > 9223372036854775807n || big < -9223372036854775808n) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(big);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  return goParseInt(v);
}

/** upstream's ValidateListOptions: resourceVersionMatch and sendInitialEvents combinations. */
function listOptionErrors(q: URLSearchParams, watch: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const rvm = q.get('resourceVersionMatch') ?? '';
  const rv = q.get('resourceVersion') ?? '';
  const cont = q.get('continue') ?? '';
  const sie = q.get('sendInitialEvents');
  if (watch) {
    if (sie !== null && rvm !== 'NotOlderThan') errs.push(field.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    if (rvm) {
      if (sie === null) errs.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      if (rvm !== 'NotOlderThan') errs.push(field.notSupported('resourceVersionMatch', rvm, ['NotOlderThan']));
      if (cont) errs.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
    return errs;
  }
  if (rvm) {
    if (!rv) errs.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (cont) errs.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (rvm !== 'Exact' && rvm !== 'NotOlderThan') errs.push(field.notSupported('resourceVersionMatch', rvm, ['Exact', 'NotOlderThan', '']));
    if (rvm === 'Exact' && rv === '0') errs.push(field.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (sie !== null) errs.push(field.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

// A watch event's object is shared by every watcher and never changes, and a hundred watchers
// with field selectors would each work out the same field set: it is worked out once per object.
const fieldSets = new WeakMap<KubeObject, Record<string, string>>();

function selectableFields(t: ResourceType, obj: KubeObject): Record<string, string> {
  let f = fieldSets.get(obj);
  if (!f) fieldSets.set(obj, (f = fieldSetFor(t.group, t.resource, obj)));
  return f;
}

export function parseListQuery(t: ResourceType, q: URLSearchParams, watch = false): ListQuery {
  const labelSel = q.get('labelSelector');
  const fieldSel = q.get('fieldSelector');
  const labels = labelSel ? parseLabelSelector(labelSel) : undefined;
  // The checked selector may rename legacy labels (pods' spec.host): match with what it returns.
  const fields = fieldSel ? checkFieldSelector(t.group, t.resource, parseFieldSelector(fieldSel)) : undefined;
  const filter =
    labels || fields
      ? (obj: KubeObject) => (!labels || matchesLabels(labels, obj.metadata?.labels)) && (!fields || matchesFields(fields, selectableFields(t, obj)))
      : undefined;
  // Query decoding (400) comes before the options validation (422), as upstream.
  const limit = intParam(q, 'limit');
  const timeoutSeconds = intParam(q, 'timeoutSeconds');
  const optErrs = listOptionErrors(q, watch);
  if (optErrs.length) throw errors.invalid('meta.k8s.io', 'ListOptions', '', optErrs);
  const rv = q.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
    throw errors.badRequest(`invalid value "${rv}" for resourceVersion: must be a non-negative integer`);
  }
  const rvm = q.get('resourceVersionMatch') ?? undefined;
  const sie = q.get('sendInitialEvents');
  return {
    filter,
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continueToken: q.get('continue') || undefined,
    resourceVersion: rv || undefined,
    resourceVersionMatch: rvm || undefined,
    timeoutSeconds,
    allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: sie === null ? undefined : sie === 'true',
  };
}

// Query parameters shared by list and watch: selectors, limit, resourceVersion semantics.

import { errors } from '../../api/errors.js';
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

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`invalid value "${v}" for parameter ${name}: must be an integer`);
  return Number(v);
}

export function parseListQuery(t: ResourceType, q: URLSearchParams): ListQuery {
  const labelSel = q.get('labelSelector');
  const fieldSel = q.get('fieldSelector');
  const labels = labelSel ? parseLabelSelector(labelSel) : undefined;
  // The checked selector may rename legacy labels (pods' spec.host): match with what it returns.
  const fields = fieldSel ? checkFieldSelector(t.group, t.resource, parseFieldSelector(fieldSel)) : undefined;
  const filter =
    labels || fields
      ? (obj: KubeObject) => (!labels || matchesLabels(labels, obj.metadata?.labels)) && (!fields || matchesFields(fields, fieldSetFor(t.group, t.resource, obj)))
      : undefined;
  const limit = intParam(q, 'limit');
  if (limit !== undefined && limit < 0) throw errors.badRequest('limit must be a non-negative integer');
  const rv = q.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
    throw errors.badRequest(`invalid value "${rv}" for resourceVersion: must be a non-negative integer`);
  }
  const rvm = q.get('resourceVersionMatch') ?? undefined;
  if (rvm !== undefined && rvm !== '' && rvm !== 'Exact' && rvm !== 'NotOlderThan') {
    throw errors.badRequest(`invalid resourceVersionMatch "${rvm}": must be one of "Exact" or "NotOlderThan"`);
  }
  const sie = q.get('sendInitialEvents');
  return {
    filter,
    limit,
    continueToken: q.get('continue') || undefined,
    resourceVersion: rv || undefined,
    resourceVersionMatch: rvm || undefined,
    timeoutSeconds: intParam(q, 'timeoutSeconds'),
    allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: sie === null ? undefined : sie === 'true',
  };
}

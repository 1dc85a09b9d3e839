// RuntimeClass validation (node.k8s.io/v1), as upstream's ValidateRuntimeClass and
// ValidateRuntimeClassUpdate: the handler is a DNS label (it names a CRI runtime configuration),
// the overhead is held to the rules of container limits, scheduling carries valid node labels and
// tolerations, and the handler cannot change once pods may be running with it.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateImmutable, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validateTolerations } from './pod-spec.js';
import { validateResourceRequirements } from './resources.js';
import { asObj, asStr, child, isSet } from './util.js';

export function validateRuntimeClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const handler = asStr(obj.handler);
  for (const m of nameIsDNSLabel(handler, false)) errs.push(field.invalid('handler', handler, m));
  const overhead = asObj(obj.overhead);
  // Upstream reuses the container-limits rules, so errors read overhead.limits[<name>].
  if (overhead) errs.push(...validateResourceRequirements({ limits: overhead.podFixed }, 'overhead'));
  const scheduling = asObj(obj.scheduling);
  if (scheduling) {
    if (isSet(scheduling.nodeSelector)) errs.push(...validateLabels(scheduling.nodeSelector, child('scheduling', 'nodeSelector')));
    errs.push(...validateTolerations(scheduling.tolerations, child('scheduling', 'tolerations')));
  }
  return errs;
}

/** Upstream's strategy runs the create rules again, then the metadata update rules and handler immutability. */
export function validateRuntimeClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateRuntimeClass(obj),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateImmutable(obj.handler, old.handler, 'handler'),
  ];
}

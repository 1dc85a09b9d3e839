// PriorityClass validation (scheduling.k8s.io/v1), as upstream's ValidatePriorityClass and
// ValidatePriorityClassUpdate: reserved system- names, the user-definable ceiling, the
// preemption policy, and value/preemptionPolicy immutability.

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { systemPriorityClasses } from '../defaulting/pod-admission.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { asNum } from './util.js';

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const SYSTEM_PREFIX = 'system-';
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

function knownSystemClassError(name: string, value: number | undefined, globalDefault: unknown): string | undefined {
  // Only the classes kube-apiserver bootstraps may use the system- prefix.
  const want = systemPriorityClasses[name];
  if (want === undefined) return `${name} is not a known system priority class`;
  if (value !== want) return `value of ${name} PriorityClass must be ${want}`;
  if (globalDefault === true) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  const name = obj.metadata?.name ?? '';
  const value = asNum(obj.value) ?? 0;
  if (name.startsWith(SYSTEM_PREFIX)) {
    const why = knownSystemClassError(name, value, obj.globalDefault);
    if (why) errs.push(field.forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (typeof obj.preemptionPolicy === 'string' && !PREEMPTION_POLICIES.includes(obj.preemptionPolicy)) {
    errs.push(field.notSupported('preemptionPolicy', obj.preemptionPolicy, PREEMPTION_POLICIES));
  }
  return errs;
}

export function validatePriorityClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if ((asNum(obj.value) ?? 0) !== (asNum(old.value) ?? 0)) errs.push(field.forbidden('value', 'may not be changed in an update.'));
  errs.push(...validateImmutable(obj.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
  return errs;
}

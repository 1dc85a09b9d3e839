// apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision
// (pkg/apis/apps/validation).

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered, notSupportedRendered, goStringMap, goIntOrString, goLabelSelector, goQuote } from './go-errors.js';
import { isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateNonnegative, fieldImmutableErrorMsg } from './object-meta.js';
import { validateLabelSelector, selectorIsEmpty, selectorMatches } from './label-selector.js';
import { validatePodTemplateSpec, validatePodTemplateSpecForStatefulSet } from './pod-spec.js';
import { child, asObj, asStr, asNum, asStrMap, objOf, isSet, semanticEqual } from './util.js';
import type { Obj } from './util.js';

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return Number.parseInt(v, 10);
  return 0;
}

export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalidRendered(path, goIntOrString(v), m));
  if (typeof v === 'number') return validateNonnegative(v, path);
  return [];
}

export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string' && /^[0-9]+%$/.test(v) && intOrPercentValue(v) > 100) return [invalidRendered(path, goIntOrString(v), 'must not be greater than 100%')];
  return [];
}

function templateLabels(spec: Obj): Record<string, string> | undefined {
  const meta = asObj(objOf(spec.template).metadata);
  return meta && asObj(meta.labels) ? asStrMap(meta.labels) : undefined;
}

/** Selector required, non-empty, matching the template's labels; template valid with restartPolicy Always. */
function validateSelectorAndTemplate(spec: Obj, path: string, kind: string, emptyWord: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec.selector;
  if (!isSet(sel)) errs.push(field.required(child(path, 'selector'), ''));
  else {
    errs.push(...validateLabelSelector(sel, child(path, 'selector')));
    if (selectorIsEmpty(sel)) errs.push(invalidRendered(child(path, 'selector'), goLabelSelector(sel), `empty selector is invalid for ${emptyWord}`));
  }
  const tpath = child(path, 'template');
  const labels = templateLabels(spec);
  if (!selectorIsEmpty(sel) && !selectorMatches(sel, labels)) {
    errs.push(invalidRendered(child(child(tpath, 'metadata'), 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(spec.template, tpath));
  const tspec = objOf(objOf(spec.template).spec);
  const rp = asStr(tspec.restartPolicy);
  if (rp !== 'Always') errs.push(field.notSupported(child(child(tpath, 'spec'), 'restartPolicy'), rp, ['Always']));
  if (isSet(tspec.activeDeadlineSeconds)) errs.push(field.forbidden(child(child(tpath, 'spec'), 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

function goDeploymentStrategy(s: Obj): string {
  return `apps.DeploymentStrategy{Type:${goQuote(asStr(s.type))}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`;
}

export function validateDeployment(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  errs.push(...validateNonnegative(asNum(spec.replicas), 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec, 'spec', 'Deployment', 'deployment'));
  const strategy = objOf(spec.strategy);
  switch (asStr(strategy.type)) {
    case 'Recreate':
      if (isSet(strategy.rollingUpdate)) errs.push(field.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      const ru = asObj(strategy.rollingUpdate);
      if (!ru) errs.push(field.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
      else {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
        errs.push(...validatePositiveIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
        if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
          errs.push(invalidRendered('spec.strategy.rollingUpdate.maxUnavailable', goIntOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
        }
        errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
      }
      break;
    }
    default:
      errs.push(notSupportedRendered('spec.strategy', goDeploymentStrategy(strategy), ['Recreate', 'RollingUpdate']));
  }
  const mrs = asNum(spec.minReadySeconds) ?? 0;
  errs.push(...validateNonnegative(mrs, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(asNum(spec.revisionHistoryLimit), 'spec.revisionHistoryLimit'));
  const pds = asNum(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...validateNonnegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= mrs) errs.push(field.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** apps/v1 forbids selector changes (the registry's strategy adds this to the spec checks). */
function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const n = objOf(obj.spec).selector;
  const o = objOf(old.spec).selector;
  return semanticEqual(n, o) ? [] : [invalidRendered('spec.selector', goLabelSelector(n), fieldImmutableErrorMsg)];
}

export function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const full = validateDeployment(obj).filter((e) => !e.field.startsWith('metadata'));
  return [...errs, ...full, ...selectorImmutable(obj, old)];
}

export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  errs.push(...validateNonnegative(asNum(spec.replicas), 'spec.replicas'));
  errs.push(...validateNonnegative(asNum(spec.minReadySeconds), 'spec.minReadySeconds'));
  errs.push(...validateSelectorAndTemplate(spec, 'spec', 'ReplicaSet', 'deployment'));
  return errs;
}

export function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  return [...errs, ...validateReplicaSet(obj).filter((e) => !e.field.startsWith('metadata')), ...selectorImmutable(obj, old)];
}

export function validateStatefulSet(obj: KubeObject): FieldError[] {
  // A DNS label since v1.27: the name becomes each pod's hostname prefix.
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSLabel });
  const spec = objOf(obj.spec);
  const pmp = asStr(spec.podManagementPolicy);
  if (!pmp) errs.push(field.required('spec.podManagementPolicy', ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(field.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = objOf(spec.updateStrategy);
  switch (asStr(us.type)) {
    case '':
      errs.push(field.required('spec.updateStrategy', ''));
      break;
    case 'OnDelete':
      if (isSet(us.rollingUpdate)) errs.push(invalidRendered('spec.updateStrategy.rollingUpdate', '&apps.RollingUpdateStatefulSetStrategy{...}', "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate': {
      const ru = asObj(us.rollingUpdate);
      if (ru) {
        errs.push(...validateNonnegative(asNum(ru.partition), 'spec.updateStrategy.rollingUpdate.partition'));
        if (isSet(ru.maxUnavailable)) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalidRendered('spec.updateStrategy.rollingUpdate.maxUnavailable', goIntOrString(ru.maxUnavailable), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
        }
      }
      break;
    }
    default:
      errs.push(invalidRendered('spec.updateStrategy', `apps.StatefulSetUpdateStrategy{Type:${goQuote(asStr(us.type))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const pol = asObj(spec.persistentVolumeClaimRetentionPolicy);
  if (pol) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      const v = asStr(pol[k]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(field.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v, ['Retain', 'Delete']));
    }
  }
  errs.push(...validateNonnegative(asNum(spec.replicas), 'spec.replicas'));
  errs.push(...validateNonnegative(asNum(spec.minReadySeconds), 'spec.minReadySeconds'));
  const ord = asObj(spec.ordinals);
  if (ord) errs.push(...validateNonnegative(asNum(ord.start), 'spec.ordinals.start'));
  const sel = spec.selector;
  if (!isSet(sel)) errs.push(field.required('spec.selector', ''));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (selectorIsEmpty(sel)) errs.push(invalidRendered('spec.selector', goLabelSelector(sel), 'empty selector is invalid for statefulset'));
  }
  const labels = templateLabels(spec);
  if (!selectorIsEmpty(sel) && !selectorMatches(sel, labels)) errs.push(invalidRendered('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplateSpecForStatefulSet(spec.template, 'spec.template'));
  const tspec = objOf(objOf(spec.template).spec);
  if (asStr(tspec.restartPolicy) !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', asStr(tspec.restartPolicy), ['Always']));
  if (isSet(tspec.activeDeadlineSeconds)) errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'));
  return errs;
}

export function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateStatefulSet(obj).filter((e) => !e.field.startsWith('metadata')));
  // Only these spec fields may change.
  const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
  const strip = (s: unknown) => Object.fromEntries(Object.entries(objOf(s)).filter(([k]) => !mutable.includes(k)));
  if (!semanticEqual(strip(obj.spec), strip(old.spec))) {
    errs.push(field.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

export function validateDaemonSet(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  const sel = spec.selector;
  if (!isSet(sel)) errs.push(field.required('spec.selector', ''));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (selectorIsEmpty(sel)) errs.push(invalidRendered('spec.selector', goLabelSelector(sel), 'empty selector is invalid for daemonset'));
  }
  const labels = templateLabels(spec);
  if (!selectorIsEmpty(sel) && !selectorMatches(sel, labels)) errs.push(invalidRendered('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  const tspec = objOf(objOf(spec.template).spec);
  if (asStr(tspec.restartPolicy) !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', asStr(tspec.restartPolicy), ['Always']));
  if (isSet(tspec.activeDeadlineSeconds)) errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in DaemonSet is not Supported'));
  errs.push(...validateNonnegative(asNum(spec.minReadySeconds), 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(asNum(spec.templateGeneration), 'spec.templateGeneration'));
  const us = objOf(spec.updateStrategy);
  switch (asStr(us.type)) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      const ru = asObj(us.rollingUpdate);
      if (!ru) {
        errs.push(field.required('spec.updateStrategy.rollingUpdate', ''));
        break;
      }
      const p = 'spec.updateStrategy.rollingUpdate';
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalidRendered(`${p}.maxSurge`, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(field.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      break;
    }
    default:
      errs.push(notSupportedRendered('spec.updateStrategy', `apps.DaemonSetUpdateStrategy{Type:${goQuote(asStr(us.type))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`, ['RollingUpdate', 'OnDelete']));
  }
  errs.push(...validateNonnegative(asNum(spec.revisionHistoryLimit), 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateDaemonSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  return [...errs, ...validateDaemonSet(obj).filter((e) => !e.field.startsWith('metadata')), ...selectorImmutable(obj, old)];
}

export function validateControllerRevision(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  if (!isSet(obj.data)) errs.push(field.required('data', 'data is mandatory'));
  errs.push(...validateNonnegative(asNum(obj.revision), 'revision'));
  return errs;
}

export function validateControllerRevisionUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (!semanticEqual(obj.data, old.data)) errs.push(invalidRendered('data', 'runtime.RawExtension{...}', fieldImmutableErrorMsg));
  errs.push(...validateControllerRevision(obj).filter((e) => !e.field.startsWith('metadata')));
  return errs;
}


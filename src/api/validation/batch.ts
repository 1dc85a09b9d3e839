// batch/v1 Job and CronJob validation (pkg/apis/batch/validation).

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { invalidRendered, goStringMap, goLabelSelector } from './go-errors.js';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateNonnegative, fieldImmutableErrorMsg } from './object-meta.js';
import { validateLabelSelector, selectorIsEmpty, selectorMatches } from './label-selector.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { parseCronSchedule } from './cron-schedule.js';
import { child, asObj, asStr, asNum, asStrMap, objOf, isSet, semanticEqual } from './util.js';
import type { Obj } from './util.js';

const controllerUidLabel = 'batch.kubernetes.io/controller-uid';

function templateLabels(spec: Obj): Record<string, string> | undefined {
  const meta = asObj(objOf(spec.template).metadata);
  return meta && asObj(meta.labels) ? asStrMap(meta.labels) : undefined;
}

function validateJobTemplate(template: unknown, path: string): FieldError[] {
  const errs = validatePodTemplateSpec(template, path);
  const rp = asStr(objOf(objOf(template).spec).restartPolicy);
  if (rp !== 'OnFailure' && rp !== 'Never') errs.push(field.required(child(child(path, 'spec'), 'restartPolicy'), 'valid values: "OnFailure", "Never"'));
  return errs;
}

/** validateJobSpec: the part shared by Jobs and CronJob job templates. */
function validateJobSpecCommon(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...validateNonnegative(asNum(spec[k]), child(path, k)));
  const mode = spec.completionMode;
  if (typeof mode === 'string' && mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(field.notSupported(child(path, 'completionMode'), mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (!isSet(spec.completions)) errs.push(field.required(child(path, 'completions'), 'when completion mode is Indexed'));
  }
  const prp = spec.podReplacementPolicy;
  if (typeof prp === 'string' && prp !== 'TerminatingOrFailed' && prp !== 'Failed') errs.push(field.notSupported(child(path, 'podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']));
  const sel = spec.selector;
  if (isSet(sel)) errs.push(...validateLabelSelector(sel, child(path, 'selector')));
  const labels = templateLabels(spec);
  if (isSet(sel) && !selectorIsEmpty(sel) && !selectorMatches(sel, labels)) {
    errs.push(invalidRendered(child(child(child(path, 'template'), 'metadata'), 'labels'), goStringMap(labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validateJobTemplate(spec.template, child(path, 'template')));
  return errs;
}

export function validateJob(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = objOf(obj.spec);
  // Generated selectors must carry this job's uid.
  if (spec.manualSelector !== true && isSet(spec.selector) && obj.metadata?.uid) {
    const ml = asStrMap(objOf(spec.selector).matchLabels);
    if (ml[controllerUidLabel] !== undefined && ml[controllerUidLabel] !== obj.metadata.uid) {
      errs.push(invalidRendered('spec.selector', goLabelSelector(spec.selector), '`selector` not auto-generated'));
    }
  }
  if (!isSet(spec.selector)) errs.push(field.required('spec.selector', ''));
  errs.push(...validateJobSpecCommon(spec, 'spec'));
  // An Indexed job's pods are named and hostnamed <job>-<index>: the last one must be a DNS label.
  const completions = asNum(spec.completions);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const name = obj.metadata?.name ?? '';
    const lastHostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(lastHostname).length) errs.push(field.invalid('metadata.name', name, `will not able to create pod with invalid DNS label: ${lastHostname}`));
  }
  return errs;
}

export function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateJob(obj).filter((e) => !e.field.startsWith('metadata')));
  const spec = objOf(obj.spec);
  const oldSpec = objOf(old.spec);
  if (!semanticEqual(spec.selector, oldSpec.selector)) errs.push(invalidRendered('spec.selector', goLabelSelector(spec.selector), fieldImmutableErrorMsg));
  const indexedElastic = spec.completionMode === 'Indexed' && asNum(spec.completions) === asNum(spec.parallelism);
  if (asNum(spec.completions) !== asNum(oldSpec.completions) && !indexedElastic) {
    const c = asNum(spec.completions);
    errs.push(c === undefined ? invalidRendered('spec.completions', 'null', fieldImmutableErrorMsg) : field.invalid('spec.completions', c, fieldImmutableErrorMsg));
  }
  if (asStr(spec.completionMode) !== asStr(oldSpec.completionMode)) errs.push(field.invalid('spec.completionMode', asStr(spec.completionMode), fieldImmutableErrorMsg));
  // The template may only change while the job is suspended and has never started.
  const mayMutateTemplate = spec.suspend === true && !isSet(objOf(old.status).startTime);
  if (!mayMutateTemplate && !semanticEqual(spec.template, oldSpec.template)) {
    errs.push(invalidRendered('spec.template', 'core.PodTemplateSpec{...}', fieldImmutableErrorMsg));
  }
  return errs;
}

export function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const name = obj.metadata?.name ?? '';
  if (name.length > 52) errs.push(field.invalid('metadata.name', name, 'must be no more than 52 characters'));
  const spec = objOf(obj.spec);
  const schedule = asStr(spec.schedule);
  if (!schedule) errs.push(field.required('spec.schedule', ''));
  else {
    const err = parseCronSchedule(schedule);
    if (err) errs.push(field.invalid('spec.schedule', schedule, err));
    if (schedule.includes('TZ')) errs.push(field.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  const tz = spec.timeZone;
  if (typeof tz === 'string') {
    let valid = tz.length > 0 && !tz.includes(' ');
    if (valid) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch {
        valid = false;
      }
    }
    if (!valid) errs.push(field.invalid('spec.timeZone', tz, 'unknown time zone ' + tz));
  }
  const cp = asStr(spec.concurrencyPolicy);
  if (!cp) errs.push(field.required('spec.concurrencyPolicy', ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(field.notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateNonnegative(asNum(spec.startingDeadlineSeconds), 'spec.startingDeadlineSeconds'));
  errs.push(...validateNonnegative(asNum(spec.successfulJobsHistoryLimit), 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegative(asNum(spec.failedJobsHistoryLimit), 'spec.failedJobsHistoryLimit'));
  const jt = objOf(spec.jobTemplate);
  const jtMeta = objOf(jt.metadata);
  errs.push(...validateObjectMetaLabelsAnnotations(jtMeta, 'spec.jobTemplate.metadata'));
  errs.push(...validateJobSpecCommon(objOf(jt.spec), 'spec.jobTemplate.spec'));
  return errs;
}

function validateObjectMetaLabelsAnnotations(meta: Obj, path: string): FieldError[] {
  return validateObjectMeta({ name: 'x', labels: asStrMap(meta.labels), annotations: asStrMap(meta.annotations) }, { namespaced: false, nameFn: () => [] }, path);
}

export function validateCronJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  return [...errs, ...validateCronJob(obj).filter((e) => !e.field.startsWith('metadata'))];
}

// Pod validation on create and update (ValidatePodCreate / ValidatePodUpdate).

import { field } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { nameIsDNSSubdomain, inclusiveRangeError } from './names.js';
import { validatePodSpec, validateTolerations } from './pod-spec.js';
import { child, index, asArr, asObj, asStr, asNum, objOf, semanticEqual, jsonEqual } from './util.js';
import type { Obj } from './util.js';

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validatePodMetadataAndSpec(pod: KubeObject): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const mirror = pod.metadata?.annotations?.['kubernetes.io/config.mirror'];
  const spec = objOf(pod.spec);
  if (mirror !== undefined && !asStr(spec.nodeName)) errs.push(field.invalid('metadata.annotations[kubernetes.io/config.mirror]', mirror, 'must set spec.nodeName if mirror pod annotation is set'));
  errs.push(...validatePodSpec(pod.spec, 'spec', { resourceIsPod: true, podName: pod.metadata?.name }));
  if (!asStr(spec.serviceAccountName)) {
    asArr(spec.volumes).forEach((v, vi) => {
      const proj = asObj(objOf(v).projected);
      if (!proj) return;
      asArr(proj.sources).forEach((s, si) => {
        if (asObj(objOf(s).serviceAccountToken)) errs.push(field.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
      });
    });
  }
  for (const list of ['containers', 'initContainers']) {
    asArr(spec[list]).forEach((c, i) => {
      const image = asStr(objOf(c).image);
      if (image.length !== image.trim().length) errs.push(field.invalid(child(index(child('spec', list), i), 'image'), image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

export function validatePod(pod: KubeObject): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = objOf(pod.spec);
  if (asArr(spec.ephemeralContainers).length > 0) errs.push(field.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (asStr(spec.nodeName) && asArr(spec.schedulingGates).length > 0) errs.push(field.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return errs;
}

function goFieldName(k: string): string {
  const special: Record<string, string> = { dnsPolicy: 'DNSPolicy', nodeName: 'NodeName', hostIPC: 'HostIPC', hostPID: 'HostPID', dnsConfig: 'DNSConfig', os: 'OS' };
  return special[k] ?? k.charAt(0).toUpperCase() + k.slice(1);
}

/** An approximation of go-cmp's diff of two PodSpecs: one -/+ pair per changed top-level field. */
export function podSpecDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])];
  const lines = ['  core.PodSpec{'];
  let same = 0;
  for (const k of keys) {
    if (semanticEqual(oldSpec[k], newSpec[k])) {
      same++;
      continue;
    }
    if (oldSpec[k] !== undefined) lines.push(`- \t${goFieldName(k)}: ${JSON.stringify(oldSpec[k])},`);
    if (newSpec[k] !== undefined) lines.push(`+ \t${goFieldName(k)}: ${JSON.stringify(newSpec[k])},`);
  }
  if (same) lines.push(`  \t... // ${same} identical fields`);
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}

function validateContainerUpdates(newList: unknown[], oldList: unknown[], path: string): { errs: FieldError[]; stop: boolean } {
  if (newList.length !== oldList.length) return { errs: [field.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  newList.forEach((c, i) => {
    const image = asStr(objOf(c).image);
    if (!image) errs.push(field.required(child(index(path, i), 'image'), ''));
    if (image.trim().length !== image.length) errs.push(field.invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function validateOnlyAddedTolerations(newT: unknown[], oldT: unknown[], path: string): FieldError[] {
  for (const old of oldT) {
    const found = newT.some((n) => jsonEqual({ ...objOf(old), tolerationSeconds: objOf(n).tolerationSeconds }, n));
    if (!found) return [field.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newT, path);
}

export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod));
  const oldMirror = old.metadata?.annotations?.['kubernetes.io/config.mirror'];
  const newMirror = pod.metadata?.annotations?.['kubernetes.io/config.mirror'];
  if (oldMirror !== undefined && oldMirror !== newMirror) errs.push(field.forbidden('metadata.annotations[kubernetes.io/config.mirror]', 'may not remove or update mirror pod annotation'));
  if (oldMirror === undefined && newMirror !== undefined) errs.push(field.forbidden('metadata.annotations[kubernetes.io/config.mirror]', 'may not add mirror pod annotation'));
  const spec = objOf(pod.spec);
  const oldSpec = objOf(old.spec);
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(asArr(spec[list]), asArr(oldSpec[list]), child('spec', list));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const newADS = asNum(spec.activeDeadlineSeconds);
  const oldADS = asNum(oldSpec.activeDeadlineSeconds);
  if (newADS !== undefined) {
    if (newADS < 0 || newADS > 2147483647) return [...errs, field.invalid('spec.activeDeadlineSeconds', newADS, inclusiveRangeError(0, 2147483647))];
    if (oldADS !== undefined && oldADS < newADS) return [...errs, field.invalid('spec.activeDeadlineSeconds', newADS, 'must be less than or equal to previous value')];
  } else if (oldADS !== undefined) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(asArr(spec.tolerations), asArr(oldSpec.tolerations), 'spec.tolerations'));
  const oldGates = asArr(oldSpec.schedulingGates).map((g) => asStr(objOf(g).name));
  asArr(spec.schedulingGates).forEach((g, i) => {
    const name = asStr(objOf(g).name);
    if (!oldGates.includes(name)) errs.push(field.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${name}'`));
  });
  if (semanticEqual(spec, oldSpec)) return errs;
  // Neutralise the mutable fields, then anything left over is a forbidden change.
  const munged: Obj = { ...spec };
  for (const list of ['containers', 'initContainers']) {
    if (!Array.isArray(spec[list])) continue;
    munged[list] = asArr(spec[list]).map((c, i) => ({ ...objOf(c), image: objOf(asArr(oldSpec[list])[i]).image }));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldTGPS = asNum(oldSpec.terminationGracePeriodSeconds);
  if (oldTGPS !== undefined && oldTGPS < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldTGPS;
  if (oldGates.length > 0) {
    munged.nodeSelector = oldSpec.nodeSelector;
    munged.affinity = oldSpec.affinity;
  }
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(field.forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${podSpecDiff(oldSpec, munged)}`));
  }
  return errs;
}

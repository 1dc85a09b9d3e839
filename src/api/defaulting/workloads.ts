// apps/v1 and batch/v1 defaults (pkg/apis/apps/v1 and batch/v1 defaults.go), plus the Job selector
// generation the Job strategy does at create.

import type { KubeObject } from '../object.js';
import { defaultPodTemplate } from './pod.js';
import { ensureObj, objAt, arrAt, setDefault, isObj } from './util.js';
import type { Obj } from './util.js';

function templateOf(spec: Obj): void {
  defaultPodTemplate(ensureObj(spec, 'template'));
}

function defaultNumber(obj: Obj, k: string, v: number): void {
  if (typeof obj[k] !== 'number') obj[k] = v;
}

export function defaultDeployment(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  defaultNumber(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  defaultNumber(spec, 'revisionHistoryLimit', 10);
  defaultNumber(spec, 'progressDeadlineSeconds', 600);
  templateOf(spec);
}

export function defaultReplicaSet(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  defaultNumber(spec, 'replicas', 1);
  templateOf(spec);
}

function defaultPVCTemplate(pvc: Obj): void {
  const meta = ensureObj(pvc, 'metadata');
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
  setDefault(ensureObj(pvc, 'spec'), 'volumeMode', 'Filesystem');
  setDefault(ensureObj(pvc, 'status'), 'phase', 'Pending');
}

export function defaultStatefulSet(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const us = ensureObj(spec, 'updateStrategy');
  if (!us.type) {
    us.type = 'RollingUpdate';
    ensureObj(us, 'rollingUpdate');
  }
  const ru = objAt(us, 'rollingUpdate');
  if (us.type === 'RollingUpdate' && ru) defaultNumber(ru, 'partition', 0);
  const pol = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(pol, 'whenDeleted', 'Retain');
  setDefault(pol, 'whenScaled', 'Retain');
  defaultNumber(spec, 'replicas', 1);
  defaultNumber(spec, 'revisionHistoryLimit', 10);
  for (const t of arrAt(spec, 'volumeClaimTemplates')) defaultPVCTemplate(t);
  templateOf(spec);
}

export function defaultDaemonSet(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  const us = ensureObj(spec, 'updateStrategy');
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  defaultNumber(spec, 'revisionHistoryLimit', 10);
  templateOf(spec);
}

/** Job templates (in CronJobs) get only the pod-template defaults; SetDefaults_Job applies to Jobs. */
export function defaultJob(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  if (typeof spec.completions !== 'number' && typeof spec.parallelism !== 'number') {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  defaultNumber(spec, 'parallelism', 1);
  if (typeof spec.backoffLimit !== 'number') spec.backoffLimit = typeof spec.backoffLimitPerIndex === 'number' ? 2147483647 : 6;
  const tmeta = objAt(ensureObj(spec, 'template'), 'metadata');
  const tlabels = tmeta && isObj(tmeta.labels) ? tmeta.labels : undefined;
  const meta = ensureObj(obj as Obj, 'metadata');
  if (tlabels && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...tlabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  if (typeof spec.suspend !== 'boolean') spec.suspend = false;
  setDefault(spec, 'podReplacementPolicy', isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  const pfp = objAt(spec, 'podFailurePolicy');
  if (pfp) {
    for (const rule of arrAt(pfp, 'rules')) for (const c of arrAt(rule, 'onPodConditions')) setDefault(c, 'status', 'True');
  }
  templateOf(spec);
}

/**
 * The Job strategy's generateSelector (when manualSelector is not true): job-name and
 * controller-uid labels on the template and a controller-uid selector. Re-reading the stored Job
 * applies defaults again, which copies those labels onto a Job that had none; done here too.
 */
export function admitJobSelector(job: KubeObject, uid: string): void {
  const spec = ensureObj(job as Obj, 'spec');
  if (spec.manualSelector === true) return;
  const meta = ensureObj(job as Obj, 'metadata');
  const name = typeof meta.name === 'string' ? meta.name : '';
  const tmeta = ensureObj(ensureObj(spec, 'template'), 'metadata');
  const labels = ensureObj(tmeta, 'labels');
  for (const k of ['job-name', 'batch.kubernetes.io/job-name']) if (labels[k] === undefined) labels[k] = name;
  for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (labels[k] === undefined) labels[k] = uid;
  const sel = ensureObj(spec, 'selector');
  const ml = ensureObj(sel, 'matchLabels');
  if (ml['batch.kubernetes.io/controller-uid'] === undefined) ml['batch.kubernetes.io/controller-uid'] = uid;
  if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
}

export function defaultCronJob(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  if (typeof spec.suspend !== 'boolean') spec.suspend = false;
  defaultNumber(spec, 'successfulJobsHistoryLimit', 3);
  defaultNumber(spec, 'failedJobsHistoryLimit', 1);
  const jt = ensureObj(spec, 'jobTemplate');
  const jmeta = ensureObj(jt, 'metadata');
  if (jmeta.creationTimestamp === undefined) jmeta.creationTimestamp = null;
  templateOf(ensureObj(jt, 'spec'));
}

export function defaultReplicationController(obj: KubeObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  const tmeta = objAt(ensureObj(spec, 'template'), 'metadata');
  const tlabels = tmeta && isObj(tmeta.labels) ? tmeta.labels : undefined;
  if (tlabels) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...tlabels };
    const meta = ensureObj(obj as Obj, 'metadata');
    if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0) meta.labels = { ...tlabels };
  }
  defaultNumber(spec, 'replicas', 1);
  templateOf(spec);
}

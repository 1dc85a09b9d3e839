// The pod a Job creates (upstream's pod control plus indexed_job_utils.go): the template with
// the Job's controller reference and tracking finalizer; in Indexed mode the completion index
// as annotation, label, JOB_COMPLETION_INDEX env var and hostname.

import { cloneJson, type KubeObject } from '../../api/object.js';
import { COMPLETION_INDEX, INDEX_FAILURE_COUNT, TRACKING_FINALIZER, type Job, type Pod } from './types.js';

type Container = { env?: { name: string }[] } & Record<string, unknown>;

function addIndexEnv(containers: unknown): void {
  if (!Array.isArray(containers)) return;
  for (const c of containers as Container[]) {
    const env = (c.env ??= []);
    if (env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
    env.push({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } } as never);
  }
}

export function podForJob(job: Job, index?: number, failureCount?: number): Pod {
  const jm = job.metadata ?? {};
  const t = cloneJson(job.spec?.template ?? {});
  const tm = t.metadata ?? {};
  const labels = { ...(tm.labels ?? {}) };
  const annotations = { ...(tm.annotations ?? {}) };
  const spec = (t.spec ?? {}) as Record<string, unknown>;
  let generateName = `${jm.name}-`;
  if (index !== undefined) {
    generateName = `${jm.name}-${index}-`;
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    if (failureCount !== undefined) annotations[INDEX_FAILURE_COUNT] = String(failureCount);
    if (spec.hostname === undefined) spec.hostname = `${jm.name}-${index}`;
    addIndexEnv(spec.containers);
    addIndexEnv(spec.initContainers);
  }
  const meta: KubeObject['metadata'] = {
    generateName,
    namespace: jm.namespace,
    labels,
    finalizers: [...(tm.finalizers ?? []), TRACKING_FINALIZER],
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jm.name ?? '', uid: jm.uid ?? '', controller: true, blockOwnerDeletion: true }],
  };
  if (Object.keys(annotations).length) meta.annotations = annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec };
}

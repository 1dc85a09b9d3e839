// The Job a CronJob starts for one scheduled time (upstream's getJobFromTemplate2): named
// "<cronjob>-<minutes since the epoch>" so that one scheduled time can never start two Jobs.

import { cloneJson, type KubeObject } from '../../api/object.js';
import { formatRFC3339 } from './time-zone.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJob extends KubeObject {
  spec?: {
    schedule?: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate?: { metadata?: KubeObject['metadata']; spec?: Record<string, unknown> };
  };
  status?: {
    active?: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; resourceVersion?: string }[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };
}

export function jobName(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

export function jobFromTemplate(cj: CronJob, scheduledMs: number): KubeObject {
  const m = cj.metadata ?? {};
  const tm = cj.spec?.jobTemplate?.metadata ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(m.name ?? '', scheduledMs),
      namespace: m.namespace,
      labels: { ...(tm.labels ?? {}) },
      annotations: { ...(tm.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRFC3339(scheduledMs, cj.spec?.timeZone ?? '') },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: m.name ?? '', uid: m.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: cloneJson(cj.spec?.jobTemplate?.spec ?? {}),
  };
}

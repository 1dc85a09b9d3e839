// Job and CronJob rows. v1.32's job STATUS checks, in order: Complete, Failed, deletion pending
// (Terminating), Suspended, FailureTarget, else Running.

import { formatLabelSelector } from '../selectors/label-selector.js';
import { arr, get, has, num, str } from './access.js';
import { ageColumn, ageOf, col, containerCells, containersColumn, imagesColumn, nameColumn, nameOf, selectorColumn, templateContainers } from './common.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

// hasJobCondition: the first condition of the type decides.
function jobCondition(job: unknown, type: string): boolean {
  const c = arr(job, 'status', 'conditions').find((x) => str(x, 'type') === type);
  return c !== undefined && str(c, 'status') === 'True';
}

export function jobStatus(job: { metadata?: { deletionTimestamp?: string } }): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Overall state of the job.'),
    col('Completions', 'string', 'Succeeded pods out of required completions.'),
    col('Duration', 'string', 'Time the job ran, or has been running.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(job, now) {
    const succeeded = num(job, 'status', 'succeeded');
    let completions: string;
    if (has(job, 'spec', 'completions')) completions = `${succeeded}/${num(job, 'spec', 'completions')}`;
    else {
      const parallelism = num(job, 'spec', 'parallelism');
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(get(job, 'status', 'startTime'));
    const end = parseTime(get(job, 'status', 'completionTime'));
    let duration = '';
    if (start !== undefined) duration = humanDuration((end ?? now.getTime()) - start);
    const [names, images] = containerCells(templateContainers(job, 'spec', 'template'));
    return [nameOf(job), jobStatus(job), completions, duration, ageOf(job, now), names, images, formatLabelSelector(get(job, 'spec', 'selector'))];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn(),
    col('Schedule', 'string', 'Cron schedule of the job.'),
    col('Timezone', 'string', 'Time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new runs are suspended.'),
    col('Active', 'integer', 'Jobs currently running.'),
    col('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    selectorColumn(),
  ],
  cells(cj, now) {
    const last = get(cj, 'status', 'lastScheduleTime');
    const lastSchedule = typeof last === 'string' && last !== '' ? translateTimestampSince(last, now) : '<none>';
    const timeZone = has(cj, 'spec', 'timeZone') ? str(cj, 'spec', 'timeZone') : '<none>';
    // spec.suspend defaults to false, so a stored object always has it; printBoolPtr spells it.
    const suspend = get(cj, 'spec', 'suspend') === true ? 'True' : 'False';
    const [names, images] = containerCells(templateContainers(cj, 'spec', 'jobTemplate', 'spec', 'template'));
    return [
      nameOf(cj),
      str(cj, 'spec', 'schedule'),
      timeZone,
      suspend,
      arr(cj, 'status', 'active').length,
      lastSchedule,
      ageOf(cj, now),
      names,
      images,
      formatLabelSelector(get(cj, 'spec', 'jobTemplate', 'spec', 'selector')),
    ];
  },
};

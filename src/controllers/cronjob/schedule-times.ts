// Which scheduled time a CronJob is due for, and when to look again (upstream's cronjob
// utils.go: mostRecentScheduleTime and nextScheduleTimeDuration), as pure functions of the
// CronJob's times, the schedule and now.

import type { CronSchedule } from './cron-schedule.js';

/** Requeue this long after the next activation, so that it is surely due. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
const MANY_MISSED = 100;

export interface ScheduleState {
  creationMs: number;
  lastScheduleMs?: number;
  startingDeadlineSeconds?: number;
  tz: string;
}

export interface MostRecent {
  earliest: number;
  mostRecent?: number;
  /** More than 100 starts were missed: upstream warns with TooManyMissedTimes. */
  tooMany: boolean;
}

export function mostRecentScheduleTime(st: ScheduleState, now: number, sched: CronSchedule, includeDeadline: boolean): MostRecent {
  let earliest = st.lastScheduleMs ?? st.creationMs;
  if (includeDeadline && st.startingDeadlineSeconds !== undefined) {
    // Nothing older than the deadline can still start.
    earliest = Math.max(earliest, now - st.startingDeadlineSeconds * 1000);
  }
  const t1 = sched.next(earliest, st.tz);
  if (t1 === undefined || now < t1) return { earliest, tooMany: false };
  const t2 = sched.next(t1, st.tz);
  if (t2 === undefined || now < t2) return { earliest, mostRecent: t1, tooMany: false };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const missed = Math.floor((now - t1) / 1000 / between) + 1;
  // Start a little before the estimate so irregular schedules (months, weekdays) are exact.
  let t = sched.next(t1 + (missed - 2) * between * 1000, st.tz);
  let mostRecent: number | undefined;
  while (t !== undefined && t <= now) {
    mostRecent = t;
    t = sched.next(t, st.tz);
  }
  return { earliest, mostRecent, tooMany: missed > MANY_MISSED };
}

/** How long until the CronJob should be looked at again (ms). */
export function nextScheduleDelay(st: ScheduleState, now: number, sched: CronSchedule): number {
  let m: MostRecent;
  try {
    m = mostRecentScheduleTime(st, now, sched, false);
  } catch {
    return NEXT_SCHEDULE_DELTA_MS;
  }
  const from = m.mostRecent ?? (m.tooMany ? undefined : m.earliest);
  if (from === undefined) return NEXT_SCHEDULE_DELTA_MS;
  const next = sched.next(from, st.tz);
  if (next === undefined) return 24 * 3_600_000;
  return next + NEXT_SCHEDULE_DELTA_MS - now;
}

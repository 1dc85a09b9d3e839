// Table tests for the cron parser, the schedule arithmetic and time-zone formatting.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from './cron-schedule.js';
import { mostRecentScheduleTime, nextScheduleDelay } from './schedule-times.js';
import { formatRFC3339, isValidTimeZone } from './time-zone.js';

const t = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseSchedule next', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['*/15 * * * *', '', '2025-01-01T00:07:30Z', '2025-01-01T00:15:00.000Z'],
    ['* * * * *', '', '2025-01-01T00:07:00Z', '2025-01-01T00:08:00.000Z'],
    ['0 0 * * *', '', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00.000Z'],
    ['@hourly', '', '2025-01-01T10:00:00Z', '2025-01-01T11:00:00.000Z'],
    ['@daily', '', '2025-01-01T10:00:00Z', '2025-01-02T00:00:00.000Z'],
    ['@midnight', '', '2025-01-01T10:00:00Z', '2025-01-02T00:00:00.000Z'],
    ['@weekly', '', '2025-01-01T10:00:00Z', '2025-01-05T00:00:00.000Z'],
    ['@monthly', '', '2025-01-01T10:00:00Z', '2025-02-01T00:00:00.000Z'],
    ['@yearly', '', '2025-01-01T10:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['@annually', '', '2025-01-01T10:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['30 9 * * mon-fri', '', '2025-01-04T12:00:00Z', '2025-01-06T09:30:00.000Z'],
    ['0 0 1,15 * *', '', '2025-01-02T00:00:00Z', '2025-01-15T00:00:00.000Z'],
    // Both day fields restricted: either matches.
    ['0 0 13 * 5', '', '2025-01-01T00:00:00Z', '2025-01-03T00:00:00.000Z'],
    // A stepped day-of-week is not a star: days must match either field.
    ['0 0 * * */2', '', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00.000Z'],
    ['0 12 * JAN,jul *', '', '2025-02-01T00:00:00Z', '2025-07-01T12:00:00.000Z'],
    ['5/20 * * * *', '', '2025-01-01T00:06:00Z', '2025-01-01T00:25:00.000Z'],
    ['10-20/5 8 * * *', '', '2025-01-01T08:16:00Z', '2025-01-01T08:20:00.000Z'],
    ['0 0 ? * 0', '', '2025-01-01T00:00:00Z', '2025-01-05T00:00:00.000Z'],
    ['0 9 * * *', 'Asia/Tokyo', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00.000Z'],
    ['0 9 * * *', 'Asia/Tokyo', '2024-12-31T23:59:00Z', '2025-01-01T00:00:00.000Z'],
    ['30 1 * * *', 'America/New_York', '2025-07-01T00:00:00Z', '2025-07-01T05:30:00.000Z'],
    ['59 23 31 2 *', '', '2025-01-01T00:00:00Z', undefined],
    // 02:30 does not exist on 9 March 2025 in New York; 01:30 happens twice on 2 November.
    ['30 2 * * *', 'America/New_York', '2025-03-09T05:00:00Z', '2025-03-09T07:30:00.000Z'],
    ['30 3 * * *', 'America/New_York', '2025-03-09T05:00:00Z', '2025-03-09T07:30:00.000Z'],
    ['30 1 * * *', 'America/New_York', '2025-11-02T04:00:00Z', '2025-11-02T05:30:00.000Z'],
    ['@every 90s', '', '2025-01-01T10:00:00.500Z', '2025-01-01T10:01:30.000Z'],
  ];
  for (const [spec, tz, after, want] of cases) {
    test(`${spec} ${tz} after ${after}`, () => assert.equal(iso(parseSchedule(spec).next(t(after), tz)), want));
  }
  for (const bad of ['61 * * * *', '* * *', '* * * * * *', '@foo', '*/0 * * * *', '5-1 * * * *', '0 0 * * 7', 'x * * * *', '1/2/3 * * * *']) {
    test(`rejects ${bad}`, () => assert.throws(() => parseSchedule(bad)));
  }
});

describe('schedule times', () => {
  const every = parseSchedule('* * * * *');
  const cases: [string, Parameters<typeof mostRecentScheduleTime>[0], string, string | undefined, boolean][] = [
    ['one missed', { creationMs: t('2025-01-01T10:00:30Z'), tz: '' }, '2025-01-01T10:01:10Z', '2025-01-01T10:01:00.000Z', false],
    ['several missed: the latest', { creationMs: t('2025-01-01T10:00:30Z'), tz: '' }, '2025-01-01T10:05:10Z', '2025-01-01T10:05:00.000Z', false],
    ['nothing due', { creationMs: 0, lastScheduleMs: t('2025-01-01T10:05:00Z'), tz: '' }, '2025-01-01T10:05:30Z', undefined, false],
    ['too many missed', { creationMs: t('2025-01-01T00:00:00Z'), tz: '' }, '2025-01-01T10:00:30Z', '2025-01-01T10:00:00.000Z', true],
    ['deadline bounds the look-back', { creationMs: t('2025-01-01T00:00:00Z'), startingDeadlineSeconds: 200, tz: '' }, '2025-01-01T10:00:30Z', '2025-01-01T10:00:00.000Z', false],
  ];
  for (const [name, st, now, want, tooMany] of cases) {
    test(name, () => {
      const m = mostRecentScheduleTime(st, t(now), every, true);
      assert.equal(iso(m.mostRecent), want);
      assert.equal(m.tooMany, tooMany);
    });
  }
  test('irregular monthly schedule', () => {
    const m = mostRecentScheduleTime({ creationMs: t('2025-01-15T00:00:00Z'), tz: '' }, t('2025-05-20T00:00:00Z'), parseSchedule('@monthly'), true);
    assert.equal(iso(m.mostRecent), '2025-05-01T00:00:00.000Z');
  });
  test('next delay is the next activation plus 100 ms', () => {
    assert.equal(nextScheduleDelay({ creationMs: 0, lastScheduleMs: t('2025-01-01T10:05:00Z'), tz: '' }, t('2025-01-01T10:05:30Z'), every), 30_100);
    assert.equal(nextScheduleDelay({ creationMs: t('2025-01-01T10:04:10Z'), tz: '' }, t('2025-01-01T10:04:30Z'), every), 30_100);
  });
});

describe('time zones', () => {
  const cases: [string, string, string][] = [
    ['2025-01-01T00:00:00Z', '', '2025-01-01T00:00:00Z'],
    ['2025-01-01T00:00:00Z', 'Asia/Tokyo', '2025-01-01T09:00:00+09:00'],
    ['2025-07-01T12:00:00Z', 'America/New_York', '2025-07-01T08:00:00-04:00'],
    ['2025-01-01T12:00:00Z', 'America/St_Johns', '2025-01-01T08:30:00-03:30'],
    ['2025-01-01T12:00:00Z', 'Etc/UTC', '2025-01-01T12:00:00Z'],
  ];
  for (const [at, tz, want] of cases) test(`${at} in ${tz || 'UTC'}`, () => assert.equal(formatRFC3339(t(at), tz), want));
  test('validity', () => {
    assert.equal(isValidTimeZone('Europe/Paris'), true);
    assert.equal(isValidTimeZone('Mars/Base'), false);
  });
});

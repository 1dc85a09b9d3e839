// Standard five-field cron schedules as upstream parses them (robfig/cron's ParseStandard):
// minute hour day-of-month month day-of-week, with lists, ranges, steps, month and weekday
// names, "?" for "*", the @yearly... descriptors and "@every <duration>".

import { fromWall, toWall } from './time-zone.js';

export interface CronSchedule {
  /** The first activation strictly after `ms` (an instant), in zone `tz`; undefined if none. */
  next(ms: number, tz: string): number | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const FIELDS: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, MONTHS, DOW];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface Field {
  values: Set<number>;
  /** "*" or "?": matters for how day-of-month and day-of-week combine. */
  star: boolean;
}

function parseNumber(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
}

function parseField(expr: string, b: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const part of expr.split(',')) {
    const [range, stepS, ...extra] = part.split('/');
    if (extra.length) throw new Error(`too many slashes: ${part}`);
    let lo: number;
    let hi: number;
    let partStar = false;
    if (range === '*' || range === '?') {
      lo = b.min;
      hi = b.max;
      partStar = true;
    } else {
      const [a, c, ...more] = range.split('-');
      if (more.length) throw new Error(`too many hyphens: ${range}`);
      lo = parseNumber(a, b);
      hi = c === undefined ? lo : parseNumber(c, b);
    }
    let step = 1;
    if (stepS !== undefined) {
      step = parseNumber(stepS, { min: 0, max: 0 });
      if (step === 0) throw new Error(`step of range should be a positive number: ${part}`);
      // "N/step" means N through the maximum.
      if (!range.includes('-') && !partStar) hi = b.max;
      if (step > 1) partStar = false;
    }
    if (lo < b.min) throw new Error(`beginning of range (${lo}) below minimum (${b.min}): ${part}`);
    if (hi > b.max) throw new Error(`end of range (${hi}) above maximum (${b.max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
    star ||= partStar;
  }
  return { values, star };
}

function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  if (!s || consumed !== s.length) throw new Error(`failed to parse duration ${s}: time: invalid duration "${s}"`);
  return total;
}

export function parseSchedule(spec: string): CronSchedule {
  const s = spec.trim();
  if (s.startsWith('@every ')) {
    // Rounded to whole seconds, at least one, as robfig's Every does.
    const d = Math.max(1000, Math.floor(parseDuration(s.slice(7).trim()) / 1000) * 1000);
    return { next: (ms) => Math.floor(ms / 1000) * 1000 + d };
  }
  const expanded = s.startsWith('@') ? DESCRIPTORS[s.toLowerCase()] : s;
  if (expanded === undefined) throw new Error(`unrecognized descriptor: ${s}`);
  const parts = expanded.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]));
  const dayMatches = (d: Date) => {
    const a = dom.values.has(d.getUTCDate());
    const b = dow.values.has(d.getUTCDay());
    return dom.star || dow.star ? a && b : a || b;
  };
  return {
    next(ms, tz) {
      let w = Math.floor(toWall(ms, tz) / 60_000) * 60_000 + 60_000;
      const limit = w + 5 * 366 * 86_400_000;
      while (w <= limit) {
        const d = new Date(w);
        if (!month.values.has(d.getUTCMonth() + 1)) {
          w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
          continue;
        }
        if (!dayMatches(d)) {
          w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
          continue;
        }
        if (!hour.values.has(d.getUTCHours())) {
          w = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
          continue;
        }
        if (!minute.values.has(d.getUTCMinutes())) {
          w += 60_000;
          continue;
        }
        const t = fromWall(w, tz);
        // A wall time repeated when clocks go back must still be after `ms`.
        if (t > ms) return t;
        w += 60_000;
      }
      return undefined;
    },
  };
}

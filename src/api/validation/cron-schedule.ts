// Standard cron schedule parsing as robfig/cron/v3 ParseStandard does it, returning its error text.

const macros = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const bounds: Array<{ min: number; max: number; names?: Record<string, number> }> = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

function parseIntStrict(s: string): number | string {
  if (!/^-?[0-9]+$/.test(s)) return `failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`;
  return Number.parseInt(s, 10);
}

function parseField(fieldText: string, b: (typeof bounds)[number]): string | undefined {
  for (const expr of fieldText.split(',')) {
    const rangeAndStep = expr.split('/');
    const lowAndHigh = rangeAndStep[0].split('-');
    let start: number;
    let end: number;
    const singleDigit = lowAndHigh.length === 1;
    if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
      start = b.min;
      end = b.max;
    } else {
      const v = b.names?.[lowAndHigh[0].toLowerCase()] ?? parseIntStrict(lowAndHigh[0]);
      if (typeof v === 'string') return v;
      start = v;
      if (lowAndHigh.length === 1) end = start;
      else if (lowAndHigh.length === 2) {
        const e = b.names?.[lowAndHigh[1].toLowerCase()] ?? parseIntStrict(lowAndHigh[1]);
        if (typeof e === 'string') return e;
        end = e;
      } else return `too many hyphens: ${expr}`;
    }
    if (rangeAndStep.length === 2) {
      const step = parseIntStrict(rangeAndStep[1]);
      if (typeof step === 'string') return step;
      if (singleDigit && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = b.max;
      if (step === 0) return `step of range should be a positive number: ${expr}`;
    } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
    if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
    if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
    if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  }
  return undefined;
}

/** undefined when valid, else robfig/cron's error message. */
export function parseCronSchedule(spec: string): string | undefined {
  let s = spec.trim();
  if (s.length === 0) return 'empty spec string';
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) {
    if (macros.has(s)) return undefined;
    if (s.startsWith('@every ')) return /^@every\s+([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s) ? undefined : `failed to parse duration ${s}: time: invalid duration "${s.slice(7)}"`;
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    const err = parseField(fields[i], bounds[i]);
    if (err) return err;
  }
  return undefined;
}

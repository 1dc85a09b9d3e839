// Wall-clock arithmetic in an IANA time zone through Intl: a "wall" time is the zone's local
// date and time encoded as if it were UTC, which lets the cron search step through local
// minutes, hours and days with plain Date.UTC fields.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether the name is a time zone this runtime knows ("" and UTC always are). */
export function isValidTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'UTC') return true;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone's wall clock at an instant, as ms since the epoch read as UTC fields. */
export function toWall(ms: number, tz: string): number {
  if (tz === '' || tz === 'UTC') return ms;
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + (ms % 1000 + 1000) % 1000;
}

/** The instant a wall-clock time denotes in the zone; a repeated one is its first occurrence. */
export function fromWall(wall: number, tz: string): number {
  if (tz === '' || tz === 'UTC') return wall;
  const off1 = toWall(wall, tz) - wall;
  const guess = wall - off1;
  const off2 = toWall(guess, tz) - guess;
  if (off1 === off2) return guess;
  const other = wall - off2;
  // A wall time inside a spring-forward gap does not exist: read it with the offset before
  // the gap, as Go's time.Date does (02:30 becomes 03:30 summer time).
  return toWall(other, tz) === wall ? other : guess;
}

/** RFC 3339 in the zone, as Go's time.Format(time.RFC3339) prints it ("Z" for UTC). */
export function formatRFC3339(ms: number, tz: string): string {
  const s = Math.floor(ms / 1000) * 1000;
  const wall = toWall(s, tz);
  const offMin = Math.round((wall - s) / 60000);
  const base = new Date(wall).toISOString().replace(/\.\d{3}Z$/, '');
  if (offMin === 0) return `${base}Z`;
  const sign = offMin < 0 ? '-' : '+';
  const a = Math.abs(offMin);
  return `${base}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

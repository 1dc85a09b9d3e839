// JSON forms of apimachinery's wire-special types: metav1.Time / MicroTime (RFC 3339 in UTC, whole
// seconds or 6 fractional digits) and metav1.Duration (Go's time.Duration.String()), both ways.
import { protoError } from './wire.js';

const NS_PER_SEC = 1_000_000_000n;

/** Go's time.Unix(seconds, nanos) normalisation: nanos outside [0, 1e9) carry into seconds. */
function normalise(seconds: bigint, nanos: number): { seconds: bigint; nanos: number } {
  const total = seconds * NS_PER_SEC + BigInt(nanos);
  let s = total / NS_PER_SEC;
  let n = total % NS_PER_SEC;
  if (n < 0n) {
    n += NS_PER_SEC;
    s -= 1n;
  }
  return { seconds: s, nanos: Number(n) };
}

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: Go refuses to marshal years outside [0, 9999].
const MIN_SECONDS = -62167219200n;
const MAX_SECONDS = 253402300799n;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function formatTime(secondsIn: bigint, nanosIn: number, micro: boolean): string {
  const { seconds, nanos } = normalise(secondsIn, nanosIn);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw protoError('Time.MarshalJSON: year outside of range [0,9999]');
  const d = new Date(Number(seconds) * 1000);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp into Unix seconds and nanos (used by the test encoder). */
export function parseTime(text: string): { seconds: bigint; nanos: number } {
  const m = RFC3339.exec(text);
  if (!m) throw new Error(`not an RFC 3339 time: ${text}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  // Date.UTC maps years 0-99 to 1900-1999; Go does not.
  const d = new Date(ms);
  d.setUTCFullYear(Number(m[1]));
  let seconds = BigInt(d.getTime() / 1000);
  if (m[8]) {
    const offset = (Number(m[9]) * 60 + Number(m[10])) * 60;
    seconds -= BigInt(m[8] === '+' ? offset : -offset);
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return { seconds, nanos };
}

function frac(v: bigint, prec: number): { whole: bigint; text: string } {
  const scale = 10n ** BigInt(prec);
  const f = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return { whole: v / scale, text: f ? `.${f}` : '' };
}

/** Go's time.Duration.String(), e.g. 1h0m0s, 1.5s, 300ms, 2µs, -1ns. */
export function formatDuration(ns: bigint): string {
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  let out: string;
  if (u === 0n) return '0s';
  if (u < NS_PER_SEC) {
    const [prec, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const { whole, text } = frac(u, prec);
    out = `${whole}${text}${unit}`;
  } else {
    const { whole: secs, text } = frac(u, 9);
    out = `${secs % 60n}${text}s`;
    const mins = secs / 60n;
    if (mins > 0n) {
      out = `${mins % 60n}m${out}`;
      const hours = mins / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: NS_PER_SEC, m: 60n * NS_PER_SEC, h: 3600n * NS_PER_SEC };

/** Go's time.ParseDuration for the forms formatDuration produces (used by the test encoder). */
export function parseDuration(text: string): bigint {
  const m = /^([+-])?(.*)$/.exec(text)!;
  if (m[2] === '0') return 0n;
  const part = /(\d+)(?:\.(\d+))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let pos = 0;
  const body = m[2]!;
  if (!body) throw new Error(`invalid duration ${text}`);
  while (pos < body.length) {
    part.lastIndex = pos;
    const p = part.exec(body);
    if (!p) throw new Error(`invalid duration ${text}`);
    const unit = UNIT_NS[p[3]!]!;
    total += BigInt(p[1]!) * unit;
    if (p[2]) total += (BigInt(p[2]) * unit) / 10n ** BigInt(p[2].length);
    pos = part.lastIndex;
  }
  return m[1] === '-' ? -total : total;
}

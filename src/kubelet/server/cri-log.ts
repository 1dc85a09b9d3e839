// CRI container log files ("<RFC3339Nano time> <stdout|stderr> <P|F> <text>" per line, as conmon
// writes them) turned into what `kubectl logs` shows: partial lines joined, tail/since/timestamps
// options applied. Pure functions; reading and following files lives in log-reader.ts.

export interface CriEntry {
  /** Nanoseconds since the epoch. */
  time: bigint;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: Buffer;
}

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Only the last N lines (of the current file). */
  tailLines?: number;
  /** Nanoseconds since the epoch: lines older than this are skipped. */
  sinceTime?: bigint;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
}

const TIME_RE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** RFC 3339 (with up to nanosecond fractions) as nanoseconds since the epoch. */
export function parseRfc3339Nano(s: string): bigint | undefined {
  const m = TIME_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
  if (Number.isNaN(ms)) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const nanos = BigInt((frac ?? '').padEnd(9, '0') || '0');
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + nanos;
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped, as the kubelet prints. */
export function formatRfc3339Nano(ns: bigint): string {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
  const secs = ms / 1000n - (ms % 1000n < 0n ? 1n : 0n);
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  const frac = ns - secs * 1_000_000_000n;
  const f = frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${f ? `.${f}` : ''}Z`;
}

/** One line of a CRI log file (without its newline); undefined when it is not in that format. */
export function parseCriLine(line: Buffer): CriEntry | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const time = parseRfc3339Nano(line.subarray(0, s1).toString('latin1'));
  const stream = line.subarray(s1 + 1, s2).toString('latin1');
  if (time === undefined || (stream !== 'stdout' && stream !== 'stderr')) return undefined;
  // The tag is a ':'-separated list whose first element is P or F; an empty line may have no text after the tag.
  let s3 = line.indexOf(0x20, s2 + 1);
  if (s3 < 0) s3 = line.length;
  const tag = line.subarray(s2 + 1, s3).toString('latin1').split(':')[0];
  if (tag !== 'P' && tag !== 'F') return undefined;
  return { time, stream, partial: tag === 'P', content: line.subarray(Math.min(s3 + 1, line.length)) };
}

/** A whole logical line: partial pieces joined, stamped with the first piece's time. */
export interface LogLine { time: bigint; stream: 'stdout' | 'stderr'; content: Buffer }

/**
 * Joins P pieces with the F that ends them, per stream (stdout and stderr interleave in one file).
 * Feed it entries in file order.
 */
export class LineAssembler {
  private pending = new Map<string, { time: bigint; parts: Buffer[] }>();

  push(e: CriEntry): LogLine | undefined {
    const p = this.pending.get(e.stream);
    if (e.partial) {
      if (p) p.parts.push(e.content);
      else this.pending.set(e.stream, { time: e.time, parts: [e.content] });
      return undefined;
    }
    if (!p) return { time: e.time, stream: e.stream, content: e.content };
    this.pending.delete(e.stream);
    return { time: p.time, stream: e.stream, content: Buffer.concat([...p.parts, e.content]) };
  }
}

/** How a line is written out: its text and a newline, optionally after its time. */
export function formatLine(l: LogLine, timestamps: boolean): Buffer {
  const text = Buffer.concat([l.content, Buffer.from('\n')]);
  return timestamps ? Buffer.concat([Buffer.from(`${formatRfc3339Nano(l.time)} `), text]) : text;
}

/** Splits off complete lines; `rest` is an unfinished last line to keep for the next read. */
export function splitLines(buf: Buffer): { lines: Buffer[]; rest: Buffer } {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, start)) {
    lines.push(buf.subarray(start, i));
    start = i + 1;
  }
  return { lines, rest: buf.subarray(start) };
}

/** Parses file lines into logical lines, skipping what is not CRI format (as the kubelet does). */
export function assemble(lines: Buffer[], asm = new LineAssembler()): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of lines) {
    const e = parseCriLine(raw);
    if (!e) continue;
    const l = asm.push(e);
    if (l) out.push(l);
  }
  return out;
}

/** The lines of a file's current content that the options select (tail first, then since). */
export function selectLines(lines: LogLine[], opts: Pick<LogOptions, 'tailLines' | 'sinceTime'>): LogLine[] {
  let sel = opts.tailLines !== undefined ? lines.slice(Math.max(0, lines.length - opts.tailLines)) : lines;
  if (opts.sinceTime !== undefined) sel = sel.filter((l) => l.time >= opts.sinceTime!);
  return sel;
}

function parseBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

function parseInteger(v: string | null, name: string): number | undefined | Error {
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) return new Error(`${name}: invalid value ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * The kubelet's reading of /containerLogs query parameters (the API server validated them
 * already; this only refuses what cannot be read). sinceSeconds is relative to `now`.
 */
export function parseLogQuery(q: URLSearchParams, now: Date): LogOptions | Error {
  const tail = parseInteger(q.get('tailLines'), 'tailLines');
  const limit = parseInteger(q.get('limitBytes'), 'limitBytes');
  const sinceSeconds = parseInteger(q.get('sinceSeconds'), 'sinceSeconds');
  for (const v of [tail, limit, sinceSeconds]) if (v instanceof Error) return v;
  const opts: LogOptions = { follow: parseBool(q.get('follow')), previous: parseBool(q.get('previous')), timestamps: parseBool(q.get('timestamps')) };
  if (typeof tail === 'number' && tail >= 0) opts.tailLines = tail;
  if (typeof limit === 'number' && limit > 0) opts.limitBytes = limit;
  const sinceTime = q.get('sinceTime');
  if (sinceTime) {
    const t = parseRfc3339Nano(sinceTime);
    if (t === undefined) return new Error(`sinceTime: invalid value ${JSON.stringify(sinceTime)}`);
    opts.sinceTime = t;
  } else if (typeof sinceSeconds === 'number' && sinceSeconds > 0) {
    opts.sinceTime = (BigInt(now.getTime()) - BigInt(sinceSeconds) * 1000n) * 1_000_000n;
  }
  return opts;
}

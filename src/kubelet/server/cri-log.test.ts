// CRI log parsing and the logs options (tail, since, timestamps, limit), plus file following.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assemble, formatLine, formatRfc3339Nano, parseCriLine, parseLogQuery, parseRfc3339Nano, selectLines, splitLines, type LogOptions,
} from './cri-log.js';
import { openLog, streamLog } from './log-reader.js';

const T0 = parseRfc3339Nano('2024-01-02T03:04:05.123456789Z')!;

describe('CRI log lines', () => {
  test('timestamps: parse to nanoseconds and format like Go RFC3339Nano', () => {
    const cases: [string, string][] = [
      ['2024-01-02T03:04:05.123456789Z', '2024-01-02T03:04:05.123456789Z'],
      ['2024-01-02T03:04:05.120000000Z', '2024-01-02T03:04:05.12Z'],
      ['2024-01-02T03:04:05.000000000Z', '2024-01-02T03:04:05Z'],
      ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z'],
      ['2024-01-02T05:04:05.5+02:00', '2024-01-02T03:04:05.5Z'],
      ['2024-01-01T23:04:05.000000001-04:00', '2024-01-02T03:04:05.000000001Z'],
    ];
    for (const [input, out] of cases) assert.equal(formatRfc3339Nano(parseRfc3339Nano(input)!), out, input);
    assert.equal(parseRfc3339Nano('yesterday'), undefined);
  });

  test('parse lines', () => {
    const cases: [string, object | undefined][] = [
      ['2024-01-02T03:04:05.123456789Z stdout F hello world', { stream: 'stdout', partial: false, content: 'hello world' }],
      ['2024-01-02T03:04:05.123456789Z stderr P part', { stream: 'stderr', partial: true, content: 'part' }],
      ['2024-01-02T03:04:05.123456789Z stdout F ', { stream: 'stdout', partial: false, content: '' }],
      ['2024-01-02T03:04:05.123456789Z stdout F', { stream: 'stdout', partial: false, content: '' }],
      ['2024-01-02T03:04:05.123456789Z stdout F:x  two spaces', { stream: 'stdout', partial: false, content: ' two spaces' }],
      ['2024-01-02T03:04:05.123456789Z stdin F nope', undefined],
      ['2024-01-02T03:04:05.123456789Z stdout X nope', undefined],
      ['garbage', undefined],
    ];
    for (const [line, want] of cases) {
      const e = parseCriLine(Buffer.from(line));
      assert.deepEqual(e && { stream: e.stream, partial: e.partial, content: e.content.toString() }, want, line);
      if (e) assert.equal(e.time, T0);
    }
  });

  const file = [
    '2024-01-02T03:04:01Z stdout F one',
    '2024-01-02T03:04:02Z stdout P tw',
    '2024-01-02T03:04:02.5Z stderr F err',
    '2024-01-02T03:04:03Z stdout F o',
    'not a log line',
    '2024-01-02T03:04:04Z stdout F three',
    '2024-01-02T03:04:05Z stdout F four',
  ].join('\n') + '\n';

  test('partial lines are joined per stream, stamped with their first piece', () => {
    const lines = assemble(splitLines(Buffer.from(file)).lines);
    assert.deepEqual(lines.map((l) => l.content.toString()), ['one', 'err', 'two', 'three', 'four']);
    assert.equal(formatRfc3339Nano(lines[2].time), '2024-01-02T03:04:02Z');
  });

  test('tail, since and timestamps', () => {
    const lines = assemble(splitLines(Buffer.from(file)).lines);
    const out = (o: Partial<LogOptions>, ts = false) => selectLines(lines, o).map((l) => formatLine(l, ts).toString()).join('');
    const cases: [Partial<LogOptions>, boolean, string][] = [
      [{}, false, 'one\nerr\ntwo\nthree\nfour\n'],
      [{ tailLines: 2 }, false, 'three\nfour\n'],
      [{ tailLines: 0 }, false, ''],
      [{ tailLines: 99 }, false, 'one\nerr\ntwo\nthree\nfour\n'],
      [{ sinceTime: parseRfc3339Nano('2024-01-02T03:04:02.5Z') }, false, 'err\nthree\nfour\n'],
      [{ tailLines: 4, sinceTime: parseRfc3339Nano('2024-01-02T03:04:04Z') }, false, 'three\nfour\n'],
      [{ tailLines: 1 }, true, '2024-01-02T03:04:05Z four\n'],
    ];
    for (const [o, ts, want] of cases) assert.equal(out(o, ts), want, JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  });

  test('query parameters', () => {
    const now = new Date('2024-01-02T03:05:00Z');
    const q = (s: string) => parseLogQuery(new URLSearchParams(s), now);
    assert.deepEqual(q('follow=true&timestamps=1&tailLines=3&limitBytes=10'), { follow: true, previous: false, timestamps: true, tailLines: 3, limitBytes: 10 });
    const since = q('sinceSeconds=60') as LogOptions;
    assert.equal(formatRfc3339Nano(since.sinceTime!), '2024-01-02T03:04:00Z');
    assert.equal(formatRfc3339Nano((q('sinceTime=2024-01-02T03:04:03Z') as LogOptions).sinceTime!), '2024-01-02T03:04:03Z');
    assert.ok(q('tailLines=x') instanceof Error);
    assert.ok(q('sinceTime=soon') instanceof Error);
  });
});

describe('log files', () => {
  const run = async (path: string, opts: Partial<LogOptions>, extra: { signal?: AbortSignal; stillRunning?: () => Promise<boolean> } = {}) => {
    const chunks: Buffer[] = [];
    await streamLog(path, await openLog(path), { follow: false, previous: false, timestamps: false, ...opts }, (b) => chunks.push(b), {
      signal: extra.signal ?? new AbortController().signal,
      stillRunning: extra.stillRunning,
      pollMs: 2,
    });
    return Buffer.concat(chunks).toString();
  };

  test('limitBytes cuts the output exactly; an unfinished last line waits', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8tE-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, '0.log');
    writeFileSync(path, '2024-01-02T03:04:01Z stdout F hello\n2024-01-02T03:04:02Z stdout F world\n2024-01-02T03:04:03Z stdout F unfinish');
    assert.equal(await run(path, {}), 'hello\nworld\n');
    assert.equal(await run(path, { limitBytes: 8 }), 'hello\nwo');
  });

  test('follow reads appended lines across a rotation until the container stops', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8tE-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, '0.log');
    writeFileSync(path, '2024-01-02T03:04:01Z stdout F first\n');
    let step = 0;
    // Each "is it still running?" (asked only when the file has nothing new) moves the container on.
    const stillRunning = async () => {
      step++;
      if (step === 1) appendFileSync(path, '2024-01-02T03:04:02Z stdout P sec');
      else if (step === 2) appendFileSync(path, '\n2024-01-02T03:04:02Z stdout F ond\n');
      else if (step === 3) {
        appendFileSync(path, '2024-01-02T03:04:03Z stdout F before rotation\n');
        renameSync(path, `${path}.1`);
        writeFileSync(path, '2024-01-02T03:04:04Z stdout F after rotation\n');
      } else if (step === 4) appendFileSync(path, '2024-01-02T03:04:05Z stderr F last words\n');
      else return false;
      return true;
    };
    const out = await run(path, { follow: true, timestamps: true }, { stillRunning });
    assert.equal(out, [
      '2024-01-02T03:04:01Z first',
      '2024-01-02T03:04:02Z second',
      '2024-01-02T03:04:03Z before rotation',
      '2024-01-02T03:04:04Z after rotation',
      '2024-01-02T03:04:05Z last words',
      '',
    ].join('\n'));
  });

  test('follow ends when the client goes away', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'k8tE-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, '0.log');
    writeFileSync(path, '2024-01-02T03:04:01Z stdout F only\n');
    const ac = new AbortController();
    const out = await run(path, { follow: true }, { signal: ac.signal, stillRunning: async () => (ac.abort(), true) });
    assert.equal(out, 'only\n');
  });
});

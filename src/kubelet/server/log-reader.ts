// Reads a container's CRI log file for /containerLogs: the selected lines of what is there,
// then (follow) whatever gets appended, across rotations (the file renamed away and a new one
// created at the same path) and truncations, until the container stops or the client leaves.

import { open, stat, type FileHandle } from 'node:fs/promises';
import { assemble, formatLine, LineAssembler, selectLines, splitLines, type LogLine, type LogOptions } from './cri-log.js';

export interface FollowControl {
  signal: AbortSignal;
  /** Following ends once this says false and the file has nothing more. */
  stillRunning?: () => Promise<boolean>;
  /** How often to look for new data (default 250 ms). */
  pollMs?: number;
}

const READ_CHUNK = 64 * 1024;

async function readFrom(fh: FileHandle, pos: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (;;) {
    const buf = Buffer.alloc(READ_CHUNK);
    const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, pos);
    if (bytesRead === 0) break;
    parts.push(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return Buffer.concat(parts);
}

/** Writes to `write` under limitBytes; says false once the limit is reached. */
class LimitedWriter {
  private written = 0;
  constructor(private readonly write: (b: Buffer) => void, private readonly limit?: number) {}

  emit(lines: LogLine[], timestamps: boolean): boolean {
    for (const l of lines) {
      let b = formatLine(l, timestamps);
      if (this.limit !== undefined) {
        const left = this.limit - this.written;
        if (left <= 0) return false;
        if (b.length > left) b = b.subarray(0, left);
      }
      this.written += b.length;
      this.write(b);
    }
    return this.limit === undefined || this.written < this.limit;
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Opens the log file; a missing file is the caller's error to report before any output. */
export function openLog(path: string): Promise<FileHandle> {
  return open(path, 'r');
}

/** Streams the log. `fh` comes from openLog(path) and is closed here. */
export async function streamLog(path: string, fh: FileHandle, opts: LogOptions, write: (b: Buffer) => void, ctl: FollowControl): Promise<void> {
  const out = new LimitedWriter(write, opts.limitBytes);
  const asm = new LineAssembler();
  const since = opts.sinceTime;
  let pos = 0;
  let rest: Buffer = Buffer.alloc(0);
  try {
    const first = await readFrom(fh, 0);
    pos = first.length;
    const split = splitLines(first);
    rest = split.rest;
    if (!out.emit(selectLines(assemble(split.lines, asm), opts), opts.timestamps)) return;
    if (!opts.follow) return;

    const pollMs = ctl.pollMs ?? 250;
    let ino = (await fh.stat()).ino;
    while (!ctl.signal.aborted) {
      const more = await readFrom(fh, pos);
      if (more.length) {
        pos += more.length;
        const s = splitLines(rest.length ? Buffer.concat([rest, more]) : more);
        rest = s.rest;
        if (!out.emit(selectLines(assemble(s.lines, asm), { sinceTime: since }), opts.timestamps)) return;
        continue;
      }
      const current = await stat(path).catch(() => undefined);
      if (current && current.ino !== ino) {
        // Rotated: the old file is drained (read above returned nothing); go on with the new one.
        await fh.close();
        fh = await open(path, 'r');
        ino = (await fh.stat()).ino;
        pos = 0;
        rest = Buffer.alloc(0);
        continue;
      }
      if (current && current.size < pos) {
        pos = 0;
        rest = Buffer.alloc(0);
        continue;
      }
      if (ctl.stillRunning && !(await ctl.stillRunning())) {
        // One last look: the container may have written its final lines just before exiting.
        const tail = await readFrom(fh, pos);
        if (tail.length) {
          pos += tail.length;
          const s = splitLines(rest.length ? Buffer.concat([rest, tail]) : tail);
          out.emit(selectLines(assemble(s.lines, asm), { sinceTime: since }), opts.timestamps);
        }
        return;
      }
      await sleep(pollMs, ctl.signal);
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

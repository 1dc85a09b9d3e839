// Process-level plumbing for exec, port-forward and the log-following attach fallback. `runc exec` runs the command in all the
// container's namespaces with its user, env and caps, and returns its exit code; on a timeout it gets
// SIGTERM, which it forwards (a SIGKILLed `runc exec` would orphan the command inside the container).
// A tty exec runs `runc exec -t` under util-linux `script`, which gives runc the host pty it needs.

import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { Duplex, PassThrough } from 'node:stream';
import type { ExecSyncResponse, StreamOptions, StreamSession } from '../cri/types.js';
import { run } from './command.js';

export class ExecTimeoutError extends Error {
  constructor(cmd: string[], seconds: number) {
    super(`command '${cmd.join(' ')}' timed out after ${seconds}s`);
    this.name = 'ExecTimeoutError';
  }
}

/** Waits for exit, then briefly for the pipes: a daemon started by the command may keep them open. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      let closed = false;
      child.on('close', () => { if (!closed) { closed = true; resolve({ code, signal }); } });
      setTimeout(() => {
        if (closed) return;
        closed = true;
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({ code, signal });
      }, 200).unref();
    });
  });
}

function terminate(child: ChildProcess, graceMs = 2000): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); }, graceMs).unref();
}

export async function runcExecSync(runc: string, root: string, id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
  const child = spawn(runc, ['--root', root, 'exec', id, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  let timedOut = false;
  const timer = timeoutSeconds > 0 ? setTimeout(() => { timedOut = true; terminate(child); }, timeoutSeconds * 1000) : undefined;
  const { code, signal } = await exitOf(child).finally(() => clearTimeout(timer));
  if (timedOut) throw new ExecTimeoutError(cmd, timeoutSeconds);
  const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function runcExecSession(runc: string, root: string, id: string, cmd: string[], opts: StreamOptions): StreamSession {
  let child: ChildProcess;
  if (opts.tty) {
    const line = [runc, '--root', root, 'exec', '-t', id, ...cmd].map(shellQuote).join(' ');
    child = spawn('script', ['-qfec', line, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
    if (!opts.stdin) child.stdin!.end();
  } else {
    child = spawn(runc, ['--root', root, 'exec', id, ...cmd], {
      stdio: [opts.stdin ? 'pipe' : 'ignore', opts.stdout ? 'pipe' : 'ignore', opts.stderr ? 'pipe' : 'ignore'],
    });
  }
  const exited = exitOf(child).then(({ code, signal }) => code ?? (signal === 'SIGKILL' ? 137 : 143));
  const session: StreamSession = {
    resize(width: number, height: number): void {
      if (!opts.tty || !child.pid) return;
      // runc copies the size of its own terminal (script's pty) to the container's on SIGWINCH,
      // which the kernel sends when we change that pty's size.
      // Right after the start runc may not have been forked yet: retry briefly.
      const pid = child.pid;
      void (async () => {
        for (let i = 0; i < 40; i++) {
          const pts = runcPtyOf(pid);
          if (pts) return void (await run('stty', ['-F', pts, 'cols', String(width), 'rows', String(height)]));
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
    },
    exited,
    close(): void { terminate(child); },
  };
  if (opts.stdin && child.stdin) session.stdin = child.stdin;
  if (child.stdout) session.stdout = child.stdout;
  if (!opts.tty && child.stderr) session.stderr = child.stderr;
  return session;
}

function runcPtyOf(scriptPid: number): string | undefined {
  try {
    const kids = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim().split(/\s+/);
    for (const k of kids) {
      const l = readlinkSync(`/proc/${k}/fd/0`);
      if (l.startsWith('/dev/pts/')) return l;
    }
  } catch { /* gone */ }
  return undefined;
}

/**
 * Attach to the main process's output by following its CRI log file from the current end; the session
 * ends when the container exits. The fallback when attach.ts has no python3 for conmon's socket: no stdin,
 * no resize.
 */
export function logAttachSession(logPath: string, opts: StreamOptions, isExited: () => boolean): StreamSession {
  const stdout = new PassThrough();
  const stderr = opts.tty ? stdout : new PassThrough();
  let pos = existsSync(logPath) ? statSync(logPath).size : 0;
  let partial = '';
  let closed = false;
  let reading = false;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => { resolveExit = r; });
  const pump = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const size = existsSync(logPath) ? statSync(logPath).size : 0;
      if (size < pos) pos = 0; // truncated by conmon's size cap
      if (size > pos) {
        const chunks: Buffer[] = [];
        for await (const c of createReadStream(logPath, { start: pos, end: size - 1 })) chunks.push(c as Buffer);
        pos = size;
        partial += Buffer.concat(chunks).toString();
        let nl: number;
        while ((nl = partial.indexOf('\n')) >= 0) {
          const line = partial.slice(0, nl);
          partial = partial.slice(nl + 1);
          const m = /^(\S+) (stdout|stderr) ([FP])(?: (.*))?$/s.exec(line);
          if (!m) continue;
          const text = (m[4] ?? '') + (m[3] === 'F' ? '\n' : '');
          if (m[2] === 'stdout' && opts.stdout) stdout.write(text);
          else if (m[2] === 'stderr' && opts.stderr) stderr.write(text);
        }
      }
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => {
    void pump().then(() => {
      if (!closed && isExited()) finish(0);
    });
  }, 100);
  const finish = (code: number): void => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    stdout.end();
    if (stderr !== stdout) stderr.end();
    resolveExit(code);
  };
  const session: StreamSession = { resize: () => undefined, exited, close: () => finish(0) };
  if (opts.stdout || opts.tty) session.stdout = stdout;
  if (opts.stderr && !opts.tty) session.stderr = stderr;
  return session;
}

/** A byte stream to 127.0.0.1:port inside the network namespace (host network when netnsPath is empty). */
export function netnsConnect(netnsPath: string, port: number): Duplex {
  const args = ['busybox', 'nc', '127.0.0.1', String(port)];
  const child = netnsPath
    ? spawn('nsenter', [`--net=${netnsPath}`, ...args], { stdio: ['pipe', 'pipe', 'ignore'] })
    : spawn(args[0]!, args.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
  return new ProcessDuplex(child);
}

/** The stdio of a helper process as one Duplex; the process ending is the stream ending, not an error. */
class ProcessDuplex extends Duplex {
  constructor(private readonly child: ChildProcess) {
    super();
    const out = child.stdout!;
    out.on('data', (d: Buffer) => { if (!this.push(d)) out.pause(); });
    out.on('end', () => this.push(null));
    out.on('error', () => this.push(null));
    child.stdin!.on('error', () => undefined);
    child.on('error', (e) => this.destroy(e));
  }
  override _read(): void { this.child.stdout!.resume(); }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const stdin = this.child.stdin!;
    if (stdin.destroyed || !stdin.writable) return cb();
    stdin.write(chunk, () => cb());
  }
  override _final(cb: (e?: Error | null) => void): void { this.child.stdin!.end(); cb(); }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void { terminate(this.child, 500); cb(err); }
}

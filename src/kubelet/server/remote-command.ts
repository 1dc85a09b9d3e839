// exec and attach independent of the wire: the options of the request, the run of a runtime
// session between the client's streams, and the final status. WebSocket (ws-command.ts) and SPDY
// (spdy-command.ts) only supply the streams.

import type { Readable, Writable } from 'node:stream';
import type { RuntimeService, StreamSession } from '../cri/types.js';
import { exitCodeStatus, internalErrorStatus, successStatus, type StreamStatus } from './status.js';

export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** exec only. */
  command: string[];
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  // The API server sends "1" as upstream does; "true" is accepted for clients talking to us directly.
  return v === '1' || v === 'true';
}

/** Upstream's remotecommand NewOptions: at least one stream; no stderr with a tty. */
export function parseRemoteCommandQuery(q: URLSearchParams): RemoteCommandOptions | Error {
  const opts: RemoteCommandOptions = { stdin: flag(q, 'stdin') || flag(q, 'input'), stdout: flag(q, 'stdout') || flag(q, 'output'), stderr: flag(q, 'stderr') || flag(q, 'error'), tty: flag(q, 'tty'), command: q.getAll('command') };
  if (opts.tty && opts.stderr) opts.stderr = false;
  if (!opts.stdin && !opts.stdout && !opts.stderr) return new Error('you must specify at least 1 of stdin, stdout, stderr');
  return opts;
}

/** Splits a stream of concatenated JSON objects (the resize channel) into values. */
export class ResizeDecoder {
  private text = '';

  push(chunk: Buffer | string): { width: number; height: number }[] {
    this.text += chunk.toString();
    const out: { width: number; height: number }[] = [];
    for (;;) {
      const start = this.text.indexOf('{');
      if (start < 0) {
        this.text = '';
        break;
      }
      const end = this.text.indexOf('}', start);
      if (end < 0) {
        this.text = this.text.slice(start);
        break;
      }
      const raw = this.text.slice(start, end + 1);
      this.text = this.text.slice(end + 1);
      try {
        const v = JSON.parse(raw) as { Width?: unknown; Height?: unknown };
        out.push({ width: Number(v.Width) || 0, height: Number(v.Height) || 0 });
      } catch {
        // A garbled size is dropped, as upstream's decoder loop ends on errors without failing the session.
      }
    }
    return out;
  }
}

/** What a transport provides to a session. */
export interface CommandStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Registers the receiver of terminal size changes. */
  onResize(cb: (width: number, height: number) => void): void;
  /** Registers what to do when the client goes away before the end. */
  onGone(cb: () => void): void;
  writeStatus(s: StreamStatus): void;
  /** Ends the connection after the status. */
  close(): void;
}

/** After the process exits, output streams get this long to drain (a leftover child may hold them open). */
const DRAIN_GRACE_MS = 2000;

function pump(from: Readable | undefined, to: Writable | undefined): Promise<void> {
  if (!from) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      to?.end();
      resolve();
    };
    from.on('data', (c: Buffer) => to?.write(c));
    from.once('end', done);
    from.once('close', done);
    from.once('error', done);
  });
}

export async function runRemoteCommand(
  kind: 'exec' | 'attach',
  runtime: Pick<RuntimeService, 'exec' | 'attach'>,
  containerId: string,
  opts: RemoteCommandOptions,
  streams: CommandStreams,
): Promise<void> {
  const so = { stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, tty: opts.tty };
  let session: StreamSession;
  try {
    session = kind === 'exec' ? await runtime.exec(containerId, opts.command, so) : await runtime.attach(containerId, so);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    streams.writeStatus(internalErrorStatus(kind === 'exec' ? `error executing command in container: ${msg}` : `error attaching to container: ${msg}`));
    streams.close();
    return;
  }
  let gone = false;
  streams.onGone(() => {
    gone = true;
    session.close();
  });
  if (streams.stdin) {
    if (session.stdin) {
      const sin = session.stdin;
      sin.on('error', () => undefined);
      streams.stdin.on('data', (c: Buffer) => sin.write(c));
      streams.stdin.once('end', () => sin.end());
    } else streams.stdin.resume();
  }
  streams.onResize((w, h) => session.resize(w, h));
  const outputs = Promise.all([pump(session.stdout, streams.stdout), pump(session.stderr, streams.stderr)]);
  let code: number;
  try {
    code = await session.exited;
  } catch (e) {
    code = -1;
    if (!gone) streams.writeStatus(internalErrorStatus(e instanceof Error ? e.message : String(e)));
    streams.close();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([outputs, new Promise<void>((r) => (timer = setTimeout(r, DRAIN_GRACE_MS)))]);
  clearTimeout(timer);
  if (gone) return;
  // attach has no exit status of its own: it ends when the container's streams do.
  streams.writeStatus(kind === 'attach' || code === 0 ? successStatus() : exitCodeStatus(opts.command, code));
  streams.close();
}

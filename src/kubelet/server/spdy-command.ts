// exec/attach streams over SPDY (the fallback older kubectl uses): the client opens one SPDY
// stream per role, named by its streamType header; the session starts once every stream the
// options ask for is there. Status goes to the error stream (JSON from v4 on, text before).

import type { SpdySession, SpdyStream } from './spdy-session.js';
import { ResizeDecoder, type CommandStreams, type RemoteCommandOptions } from './remote-command.js';
import type { StreamStatus } from './status.js';

/** Client order wins in negotiation; these are what this server speaks. */
export const SPDY_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** How long the client has to open its streams (upstream's streamCreationTimeout). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

/**
 * Collects the client's streams on `session` and resolves with them. Call it before the
 * session receives any bytes. Rejects (and closes the session) on timeout.
 */
export function spdyCommandStreams(session: SpdySession, protocol: string, opts: RemoteCommandOptions, timeoutMs = STREAM_CREATION_TIMEOUT_MS): Promise<CommandStreams> {
  const structuredStatus = protocol.startsWith('v4.') || protocol.startsWith('v5.');
  const streams = new Map<string, SpdyStream>();
  const resize = new ResizeDecoder();
  let onResize: (w: number, h: number) => void = () => undefined;
  let onGone: () => void = () => undefined;
  let finished = false;
  const wanted = ['error', ...(opts.stdin ? ['stdin'] : []), ...(opts.stdout ? ['stdout'] : []), ...(opts.stderr ? ['stderr'] : [])];

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.close();
      reject(new Error('timed out waiting for client to create streams'));
    }, timeoutMs);
    let started = false;
    session.setStreamHandler((s) => {
      const type = s.header('streamType') ?? '';
      s.reply();
      s.on('error', () => undefined);
      if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type) || streams.has(type)) {
        s.reset();
        return;
      }
      streams.set(type, s);
      if (type === 'resize') s.on('data', (c: Buffer) => resize.push(c).forEach((r) => onResize(r.width, r.height)));
      // The client never writes on these: drain so their FIN is seen.
      if (type === 'error' || type === 'stdout' || type === 'stderr') s.resume();
      if (started || !wanted.every((w) => streams.has(w))) return;
      started = true;
      clearTimeout(timer);
      const error = streams.get('error')!;
      resolve({
        stdin: streams.get('stdin'),
        stdout: streams.get('stdout'),
        stderr: streams.get('stderr'),
        onResize: (cb) => (onResize = cb),
        onGone: (cb) => (onGone = cb),
        writeStatus(st: StreamStatus) {
          finished = true;
          if (structuredStatus) error.write(Buffer.from(JSON.stringify(st)));
          else if (st.status !== 'Success') error.write(Buffer.from(st.message ?? 'error'));
          error.end();
        },
        close() {
          finished = true;
          for (const t of ['stdout', 'stderr']) streams.get(t)?.sendFin();
          // Let the FINs and the status leave before GOAWAY ends the connection.
          setImmediate(() => session.close());
        },
      });
    });
    session.addCloseListener(() => {
      clearTimeout(timer);
      if (!started) reject(new Error('connection closed before streams were created'));
      else if (!finished) onGone();
    });
  });
}

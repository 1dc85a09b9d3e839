// kubectl attach through conmon's attach socket. The socket is SOCK_SEQPACKET, which Node cannot open,
// so a few lines of Python (Debian's python3) bridge it: each packet conmon sends (first byte 2 =
// stdout, 3 = stderr, then data) is re-framed as [type, u32 length, data] on the bridge's stdout;
// the bridge's stdin is forwarded as the container's stdin. Terminal resizes go to conmon's ctl FIFO.

import { spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { StreamOptions, StreamSession } from '../cri/types.js';
import { whichSync } from './command.js';

// argv: bundle dir (the socket is <bundle>/attach; a relative connect avoids the 108-byte path limit),
// "1" when the client sends stdin. Without stdin we never shut down our write side: conmon would take
// that as the attach client closing stdin and close the container's stdin.
const BRIDGE = `
import os, socket, struct, sys, threading
os.chdir(sys.argv[1])
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect('attach')
out = sys.stdout.buffer
def rd():
    while True:
        try:
            p = s.recv(32768)
        except OSError:
            break
        if not p:
            break
        out.write(struct.pack('>BI', p[0], len(p) - 1) + p[1:])
        out.flush()
    os._exit(0)
threading.Thread(target=rd, daemon=True).start()
if sys.argv[2] == '1':
    while True:
        d = os.read(0, 32000)
        if not d:
            break
        s.sendall(d)
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
threading.Event().wait()
`;

export function attachBridgeAvailable(): boolean {
  return existsSync(whichSync('python3'));
}

/** Writes one control message to conmon's ctl FIFO ("1 h w" resize, "2 0 0" reopen logs). */
export async function conmonCtl(bundle: string, message: string): Promise<void> {
  // Non-blocking: with conmon gone there is no reader and open() fails (ENXIO) instead of hanging.
  const fh = await open(join(bundle, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fh.write(message);
  } finally {
    await fh.close();
  }
}

export function conmonAttachSession(bundle: string, opts: StreamOptions, tty: boolean): StreamSession {
  const child = spawn(whichSync('python3'), ['-c', BRIDGE, bundle, opts.stdin ? '1' : '0'], {
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'ignore'],
  });
  const stdout = new PassThrough();
  const stderr = tty ? stdout : new PassThrough();
  let buf: Buffer = Buffer.alloc(0);
  child.stdout!.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const type = buf[0];
      const data = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      if (type === 2 && (opts.stdout || tty)) stdout.write(data);
      else if (type === 3 && opts.stderr) stderr.write(data);
    }
  });
  const exited = new Promise<number>((resolve) => {
    const done = (): void => {
      stdout.end();
      if (stderr !== stdout) stderr.end();
      resolve(0);
    };
    child.on('exit', done);
    child.on('error', done);
  });
  child.stdin?.on('error', () => undefined);
  const session: StreamSession = {
    resize(width: number, height: number): void {
      if (tty) void conmonCtl(bundle, `1 ${height} ${width}\n`).catch(() => undefined);
    },
    exited,
    close(): void {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
  if (opts.stdin && child.stdin) session.stdin = child.stdin;
  if (opts.stdout || tty) session.stdout = stdout;
  if (opts.stderr && !tty) session.stderr = stderr;
  return session;
}

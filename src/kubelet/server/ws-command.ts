// exec/attach streams over a WebSocket (upstream's wsstream channel protocols): each binary
// message starts with its channel byte (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize);
// v5 adds 255 = "close channel N" so stdin can end without closing the socket. The base64
// variants send text messages: an ASCII channel digit, then the payload in base64.

import { PassThrough, Writable } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import type { CommandStreams, RemoteCommandOptions } from './remote-command.js';
import { ResizeDecoder } from './remote-command.js';
import type { StreamStatus } from './status.js';

/** In the order the server prefers when a client offers several. */
export const WS_CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io'];

/** Upstream's wsstream: the first offered protocol the server supports (client order wins). */
export function pickProtocol(offered: Iterable<string>, supported: string[]): string | undefined {
  for (const p of offered) if (supported.includes(p)) return p;
  return undefined;
}

const CLOSE_CHANNEL = 255;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export function wsCommandStreams(ws: WebSocket, protocol: string, opts: RemoteCommandOptions): CommandStreams {
  const base64 = protocol.includes('base64');
  const structuredStatus = protocol.startsWith('v4.') || protocol.startsWith('v5.');
  const send = (channel: number, payload: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(String(channel) + payload.toString('base64'));
    else ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true });
  };
  const channelWriter = (channel: number) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        send(channel, chunk);
        cb();
      },
    });
  const stdin = opts.stdin ? new PassThrough() : undefined;
  const resize = new ResizeDecoder();
  let onResize: (w: number, h: number) => void = () => undefined;
  let onGone: () => void = () => undefined;
  let finished = false;

  ws.on('message', (data: RawData, isBinary: boolean) => {
    let buf = toBuffer(data);
    if (buf.length === 0) return;
    let channel = buf[0];
    if (base64 && !isBinary) {
      channel = buf[0] - 0x30;
      buf = Buffer.concat([Buffer.from([channel]), Buffer.from(buf.subarray(1).toString('latin1'), 'base64')]);
    }
    const payload = buf.subarray(1);
    switch (channel) {
      case 0:
        stdin?.write(payload);
        break;
      case 4:
        for (const s of resize.push(payload)) onResize(s.width, s.height);
        break;
      case CLOSE_CHANNEL:
        if (protocol.startsWith('v5.') && payload[0] === 0) stdin?.end();
        break;
    }
  });
  ws.on('close', () => {
    stdin?.end();
    if (!finished) onGone();
  });
  ws.on('error', () => undefined);

  return {
    stdin,
    stdout: opts.stdout ? channelWriter(1) : undefined,
    stderr: opts.stderr ? channelWriter(2) : undefined,
    onResize: (cb) => (onResize = cb),
    onGone: (cb) => (onGone = cb),
    writeStatus(s: StreamStatus) {
      finished = true;
      if (structuredStatus) send(3, Buffer.from(JSON.stringify(s)));
      else if (s.status !== 'Success') send(3, Buffer.from(s.message ?? 'error'));
    },
    close() {
      finished = true;
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  };
}

// port-forward over SPDY (protocol portforward.k8s.io), direct or tunnelled in a WebSocket: for
// each forwarded connection the client opens an "error" and a "data" stream sharing a requestID
// and naming the port; data is piped to a connection inside the pod's network namespace, and
// failures are written as text on the error stream, as upstream's kubelet does.

import type { Duplex } from 'node:stream';
import type { RuntimeService } from '../cri/types.js';
import type { SpdySession, SpdyStream } from './spdy-session.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol that carries the SPDY byte stream (kubectl 1.30+). */
export const PORT_FORWARD_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export interface PortForwardTarget {
  sandboxId: string;
  podName: string;
  podUid: string;
  runtime: Pick<RuntimeService, 'portForward'>;
  /** How long the second stream of a pair may take (upstream: streamCreationTimeout). */
  pairTimeoutMs?: number;
}

/**
 * The pairing key: the requestID header, or for clients that predate it, the stream id of the
 * error stream (the data stream follows it, two ids later).
 */
export function requestIdOf(s: Pick<SpdyStream, 'id' | 'header'>): string {
  const id = s.header('requestID');
  if (id !== undefined) return id;
  return String(s.header('streamType') === 'data' ? s.id - 2 : s.id);
}

/** Upstream parses the header as a uint16; 0 is refused later by the dialer. */
export function parsePort(value: string | undefined): number | Error {
  if (value === undefined || value === '') return new Error('"port" header is required');
  if (!/^\d+$/.test(value) || Number(value) > 65535) return new Error(`unable to parse "${value}" as a port: strconv.ParseUint: parsing "${value}": ${/^\d+$/.test(value) ? 'value out of range' : 'invalid syntax'}`);
  return Number(value);
}

export function servePortForward(session: SpdySession, target: PortForwardTarget): void {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream; timer?: NodeJS.Timeout }>();
  const conns = new Set<Duplex>();
  session.addCloseListener(() => {
    for (const c of conns) c.destroy();
    for (const p of pairs.values()) clearTimeout(p.timer);
  });

  session.setStreamHandler((s) => {
    s.reply();
    s.on('error', () => undefined);
    const type = s.header('streamType');
    if (type !== 'error' && type !== 'data') {
      s.reset();
      return;
    }
    const key = requestIdOf(s);
    const pair = pairs.get(key) ?? {};
    if (pair[type]) {
      s.reset();
      return;
    }
    pair[type] = s;
    pairs.set(key, pair);
    if (!(pair.error && pair.data)) {
      pair.timer = setTimeout(() => {
        pairs.delete(key);
        pair.error?.reset();
        pair.data?.reset();
      }, target.pairTimeoutMs ?? 30_000);
      return;
    }
    clearTimeout(pair.timer);
    pairs.delete(key);
    void forward(pair.error, pair.data);
  });

  async function forward(errorStream: SpdyStream, data: SpdyStream): Promise<void> {
    // The client writes nothing on the error stream; reading lets its FIN through.
    errorStream.resume();
    const port = parsePort(data.header('port'));
    const fail = (message: string) => {
      errorStream.end(Buffer.from(message));
      data.sendFin();
    };
    if (port instanceof Error) return fail(port.message);
    let conn: Duplex;
    try {
      conn = await target.runtime.portForward(target.sandboxId, port);
    } catch (e) {
      return fail(`error forwarding port ${port} to pod ${target.podName}, uid ${target.podUid}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (session.closed) {
      conn.destroy();
      return;
    }
    conns.add(conn);
    let failed = false;
    conn.on('error', (e: Error) => {
      if (failed) return;
      failed = true;
      errorStream.end(Buffer.from(`error forwarding port ${port} to pod ${target.podName}, uid ${target.podUid}: ${e.message}`));
    });
    conn.on('data', (c: Buffer) => data.write(c));
    conn.on('end', () => data.sendFin());
    conn.on('close', () => {
      conns.delete(conn);
      data.sendFin();
      if (!failed) errorStream.end();
    });
    data.on('data', (c: Buffer) => conn.write(c));
    data.on('end', () => conn.end());
    data.on('close', () => {
      // A reset from the client: drop the connection.
      if (data.destroyed) conn.destroy();
    });
  }
}

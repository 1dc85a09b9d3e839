// One probe attempt of each kind, with the outcome texts upstream's probers give (they show up in
// "Liveness probe failed: ..." events): exec in the container (non-zero exit fails), httpGet from
// the host to the pod (2xx and 3xx pass), tcpSocket (a connection passes), and grpc
// (grpc.health.v1.Health/Check over HTTP/2, SERVING passes).

import { connect as http2Connect } from 'node:http2';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import type { RuntimeService } from '../cri/types.js';
import type { Container, HttpGetAction, Probe } from '../types.js';

export type ProbeOutcome = { result: 'success' | 'failure' | 'warning'; output: string };

export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** A port given by number or by the name of one of the container's ports. */
export function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = (c.ports ?? []).find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${JSON.stringify(c.ports ?? [])}`);
  return p.containerPort;
}

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function goDialError(e: NodeJS.ErrnoException, addr: string): string {
  if (e.code === 'ECONNREFUSED') return `dial tcp ${addr}: connect: connection refused`;
  if (e.code === 'EHOSTUNREACH') return `dial tcp ${addr}: connect: no route to host`;
  if (e.code === 'ENETUNREACH') return `dial tcp ${addr}: connect: network is unreachable`;
  if (e.code === 'ECONNRESET') return `read tcp ${addr}: read: connection reset by peer`;
  return `dial tcp ${addr}: ${e.message}`;
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = hostPort(host, port);
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (o: ProbeOutcome) => {
      s.destroy();
      resolve(o);
    };
    s.setTimeout(timeoutMs, () => done({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }));
    s.once('error', (e) => done({ result: 'failure', output: goDialError(e, addr) }));
    s.connect(port, host, () => done({ result: 'success', output: '' }));
  });
}

export function httpProbe(action: HttpGetAction, host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  let path = action.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = `${scheme}://${hostPort(host, port)}${path}`;
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
  for (const h of action.httpHeaders ?? []) {
    if (h.name.toLowerCase() === 'host') headers.Host = h.value;
    else headers[h.name] = h.value;
  }
  const req = scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.destroy();
      resolve(o);
    };
    const r = req(url, { method: 'GET', headers, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 10240) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString().slice(0, 10240);
        if (code >= 200 && code < 400) done({ result: 'success', output: body });
        else done({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', () => done({ result: 'failure', output: `Get "${url}": unexpected EOF` }));
    });
    const timer = setTimeout(() => done({ result: 'failure', output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }), timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) => done({ result: 'failure', output: `Get "${url}": ${goDialError(e, hostPort(host, port))}` }));
    r.end();
  });
}

const HEALTH_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** grpc.health.v1.HealthCheckRequest{service}: field 1, length-delimited. */
export function encodeHealthRequest(service: string): Buffer {
  const s = Buffer.from(service);
  const msg = s.length ? Buffer.concat([Buffer.from([0x0a, ...varint(s.length)]), s]) : Buffer.alloc(0);
  const frame = Buffer.alloc(5);
  frame.writeUInt32BE(msg.length, 1);
  return Buffer.concat([frame, msg]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** The status field (1, varint) of a framed HealthCheckResponse; 0 when absent. */
export function decodeHealthResponse(buf: Buffer): number {
  if (buf.length < 5) return 0;
  const len = buf.readUInt32BE(1);
  const msg = buf.subarray(5, 5 + len);
  let i = 0;
  while (i < msg.length) {
    const tag = msg[i++];
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = msg[i++];
      v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && i < msg.length);
    if (tag === 0x08) return v;
    if ((tag & 7) === 2) i += v;
  }
  return 0;
}

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = hostPort(host, port);
  const secs = `${timeoutMs / 1000}s`;
  return new Promise((resolve) => {
    let settled = false;
    const session = http2Connect(`http://${addr}`);
    const done = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ result: 'failure', output: `timeout: health rpc did not complete within ${secs}` }), timeoutMs);
    session.on('error', () => done({ result: 'failure', output: `timeout: failed to connect service "${addr}" within ${secs}: context deadline exceeded` }));
    const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers', 'user-agent': PROBE_USER_AGENT });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    let grpcMessage = '';
    stream.on('response', (h) => {
      if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
    });
    stream.on('trailers', (t) => {
      grpcStatus = String(t['grpc-status'] ?? grpcStatus ?? '');
      grpcMessage = decodeURIComponent(String(t['grpc-message'] ?? ''));
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => done({ result: 'failure', output: `timeout: failed to connect service "${addr}" within ${secs}: context deadline exceeded` }));
    stream.on('end', () => {
      if (grpcStatus && grpcStatus !== '0') {
        const codes: Record<string, string> = { '12': 'Unimplemented', '5': 'NotFound', '14': 'Unavailable', '2': 'Unknown', '13': 'Internal' };
        return done({ result: 'failure', output: `rpc error: code = ${codes[grpcStatus] ?? grpcStatus} desc = ${grpcMessage}` });
      }
      const status = decodeHealthResponse(Buffer.concat(chunks));
      if (status === 1) done({ result: 'success', output: '' });
      else done({ result: 'failure', output: `service unhealthy (responded with "${HEALTH_STATUS[status] ?? status}")` });
    });
    stream.end(encodeHealthRequest(service));
  });
}

export async function execProbe(runtime: RuntimeService, containerId: string, cmd: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  const timedOut = `command ${JSON.stringify(cmd.join(' '))} timed out`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ result: 'failure', output: timedOut }), timeoutSeconds * 1000 + 1000);
  });
  const run = runtime.execSync(containerId, cmd, timeoutSeconds).then(
    (r): ProbeOutcome => ({ result: r.exitCode === 0 ? 'success' : 'failure', output: Buffer.concat([r.stdout, r.stderr]).toString() }),
    (e: unknown): ProbeOutcome => {
      const msg = e instanceof Error ? e.message : String(e);
      return { result: 'failure', output: /timed? ?out/i.test(msg) ? timedOut : msg };
    },
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one probe of any kind against a container of a pod at podIP. Throws for a probe that cannot run (errored). */
export function runProbe(probe: Probe, c: Container, podIP: string, containerId: string, runtime: RuntimeService): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) return execProbe(runtime, containerId, probe.exec.command ?? [], probe.timeoutSeconds ?? 1);
  if (probe.httpGet) return httpProbe(probe.httpGet, probe.httpGet.host || podIP, resolvePort(probe.httpGet.port, c), timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket.host || podIP, resolvePort(probe.tcpSocket.port, c), timeoutMs);
  if (probe.grpc) return grpcProbe(podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
  return Promise.reject(new Error('missing probe handler'));
}

// pods/log, pods/exec, pods/attach and pods/portforward: the API server validates the request
// against the pod, finds the pod's node and forwards to that node's kubelet (port 10250) with
// its own client certificate: logs as a streamed response, the others as an upgraded connection
// whose bytes are piped both ways (upstream's UpgradeAwareHandler), so the kubelet answers the
// WebSocket/SPDY handshake itself.

import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { errors, field, StatusError, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { RequestContext, ServerContext } from '../context.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import { namespaceFor } from '../verbs/read.js';

export interface KubeletClientConfig {
  /** PEM client certificate and key the API server presents (CN kube-apiserver-kubelet-client, O system:masters). */
  cert: string;
  key: string;
  /** Verifies kubelet serving certificates; without it they are not verified (upstream's default without --kubelet-certificate-authority). */
  ca?: string;
  /** When the node does not publish status.daemonEndpoints.kubeletEndpoint.Port. */
  defaultPort?: number;
}

/** The raw connection of an upgrade request (HTTP server 'upgrade' event). */
export interface UpgradeSocket { socket: Duplex; head: Buffer }
export type UpgradableRequest = ApiRequest & { upgrade?: UpgradeSocket };
/** The connection was taken over: the listener must write nothing. */
export type HijackedResponse = ApiResponse & { hijacked: true };

export function isHijacked(r: ApiResponse): r is HijackedResponse {
  return (r as Partial<HijackedResponse>).hijacked === true;
}

export function kubeletClientOf(server: ServerContext): KubeletClientConfig | undefined {
  return (server as ServerContext & { kubeletClient?: KubeletClientConfig }).kubeletClient;
}

interface ContainerLike { name: string }

function names(list: unknown): string[] {
  return Array.isArray(list) ? (list as ContainerLike[]).map((c) => c.name) : [];
}

/**
 * The container a request is for: the one named (it must exist), else the only one. Messages
 * differ between logs (upstream's validateContainer) and exec/attach (streamLocation).
 */
export function chooseContainer(pod: KubeObject, container: string, kind: 'log' | 'exec' | 'attach'): string {
  const spec = (pod.spec ?? {}) as { containers?: unknown; initContainers?: unknown; ephemeralContainers?: unknown };
  const podName = pod.metadata?.name ?? '';
  const containers = names(spec.containers);
  const init = names(spec.initContainers);
  const ephemeral = names(spec.ephemeralContainers);
  if (container) {
    if (![...containers, ...init, ...ephemeral].includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${podName}`);
    return container;
  }
  if (containers.length === 1) return containers[0];
  if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${podName}`);
  if (kind === 'log') throw errors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${[...init, ...containers, ...ephemeral].join(' ')}]`);
  let msg = `a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]`;
  if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
  throw errors.badRequest(msg);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw errors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** PodLogOptions from the query, validated as upstream's ValidatePodLogOptions; the kubelet's query. */
export function podLogQuery(q: URLSearchParams, podName: string): URLSearchParams {
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime') || undefined;
  if (sinceTime !== undefined && Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTime)} as "2006"`);
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push(field.invalid('tailLines', tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1) errs.push(field.invalid('limitBytes', limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime !== undefined) errs.push(field.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  else if (sinceSeconds !== undefined && sinceSeconds < 1) errs.push(field.invalid('sinceSeconds', sinceSeconds, 'must be greater than 0'));
  if (errs.length) throw errors.invalid('', 'PodLogOptions', podName, errs);
  const out = new URLSearchParams();
  if (boolParam(q, 'follow')) out.set('follow', 'true');
  if (boolParam(q, 'previous')) out.set('previous', 'true');
  if (boolParam(q, 'timestamps')) out.set('timestamps', 'true');
  if (sinceSeconds !== undefined) out.set('sinceSeconds', String(sinceSeconds));
  if (sinceTime !== undefined) out.set('sinceTime', sinceTime);
  if (tailLines !== undefined) out.set('tailLines', String(tailLines));
  if (limitBytes !== undefined) out.set('limitBytes', String(limitBytes));
  return out;
}

/** PodExecOptions/PodAttachOptions as the kubelet reads them: commands, and "1" for each stream asked for. */
export function streamQuery(q: URLSearchParams, kind: 'exec' | 'attach'): URLSearchParams {
  const out = new URLSearchParams();
  if (kind === 'exec') for (const c of q.getAll('command')) out.append('command', c);
  for (const [flag, alias] of [['stdin', 'input'], ['stdout', 'output'], ['stderr', 'error'], ['tty', 'tty']] as const) {
    if (boolParam(q, flag) || boolParam(q, alias)) out.set(flag, '1');
  }
  return out;
}

/** Where a node's kubelet listens: its InternalIP (else ExternalIP, else Hostname) and daemon endpoint port. */
export function kubeletAddress(node: KubeObject, defaultPort = 10250): { host: string; port: number } {
  const status = (node.status ?? {}) as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  const addrs = status.addresses ?? [];
  const pick = ['InternalIP', 'ExternalIP', 'Hostname'].map((t) => addrs.find((a) => a.type === t)?.address).find(Boolean);
  if (!pick) throw new StatusError(500, '', `no preferred addresses found; known addresses: [${addrs.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  return { host: pick, port: status.daemonEndpoints?.kubeletEndpoint?.Port || defaultPort };
}

/** Go's net error text for a failed dial, as upstream's messages carry it. */
export function dialError(host: string, port: number, e: unknown): string {
  const code = (e as { code?: string }).code;
  const hp = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const why: Record<string, string> = { ECONNREFUSED: 'connect: connection refused', EHOSTUNREACH: 'connect: no route to host', ENETUNREACH: 'connect: network is unreachable', ETIMEDOUT: 'i/o timeout', ECONNRESET: 'read: connection reset by peer' };
  return `dial tcp ${hp}: ${(code && why[code]) || (e instanceof Error ? e.message : String(e))}`;
}

/** upstream's GenericHttpResponseChecker: a kubelet error body becomes the API error. */
export function kubeletError(status: number, body: string, resource: string, name: string): StatusError {
  if (status === 500) return errors.internal(body);
  if (status === 400) return errors.badRequest(body);
  const generic: Record<number, [StatusError['reason'], string]> = {
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', body],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  };
  const [reason, message] = generic[status] ?? ['', `the server responded with the status code ${status} but did not return more information`];
  return new StatusError(status, reason, `${message} ( ${resource} ${name})`, { name, kind: resource, causes: [{ reason: 'UnexpectedServerResponse', message: body }] });
}

/** Headers that stay with the API server: credentials, impersonation, hop-by-hop routing. */
const DROPPED = /^(authorization|host|impersonate-.*|proxy-.*|x-remote-.*|content-length)$/;

function requestHead(method: string, path: string, host: string, headers: Record<string, string | undefined>): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || DROPPED.test(k)) continue;
    // Node joined repeated headers with ", "; the kubelet expects one protocol per line, as Go sends them.
    if (k === 'x-stream-protocol-version') for (const p of v.split(',')) lines.push(`${k}: ${p.trim()}`);
    else lines.push(`${k}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A complete HTTP/1.1 answer written to a raw socket (an upgrade request refused before any proxying). */
export function writeHttpResponse(socket: Duplex, answer: ApiResponse): void {
  const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
  for (const [k, v] of Object.entries(answer.headers)) for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
  lines.push(`content-length: ${body.length}`, 'connection: close');
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]));
}

function proxyUpgrade(up: UpgradeSocket, req: ApiRequest, target: { host: string; port: number; path: string }, kc: KubeletClientConfig): HijackedResponse {
  const client = up.socket;
  const backend = tlsConnect({ host: target.host, port: target.port, cert: kc.cert, key: kc.key, ca: kc.ca, rejectUnauthorized: !!kc.ca, servername: /^[\d.:]+$/.test(target.host) ? undefined : target.host });
  let connected = false;
  backend.once('secureConnect', () => {
    connected = true;
    backend.write(requestHead(req.method, target.path, `${target.host}:${target.port}`, req.headers));
    if (up.head.length) backend.write(up.head);
    backend.pipe(client);
    client.pipe(backend);
  });
  backend.on('error', (e) => {
    if (!connected && client.writable) {
      const st = new StatusError(500, '', `error dialing backend: ${dialError(target.host, target.port, e)}`).toStatus();
      writeHttpResponse(client, { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify(st) });
    } else client.destroy();
  });
  client.on('error', () => backend.destroy());
  client.on('close', () => backend.destroy());
  backend.on('close', () => client.destroy());
  return { status: 101, headers: {}, hijacked: true };
}

function streamLogs(target: { host: string; port: number; path: string }, kc: KubeletClientConfig, podName: string): Promise<ApiResponse> {
  const url = `https://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}${target.path}`;
  return new Promise((resolve, reject) => {
    const r = httpsRequest({ host: target.host, port: target.port, path: target.path, method: 'GET', cert: kc.cert, key: kc.key, ca: kc.ca, rejectUnauthorized: !!kc.ca }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 500;
      if (status < 200 || status > 206) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(kubeletError(status, Buffer.concat(chunks).toString().slice(0, 4096), 'pods/log', podName)));
        res.on('error', reject);
        return;
      }
      resolve({
        status: 200,
        headers: { 'content-type': 'text/plain' },
        streamBody: {
          stream: (write, signal) =>
            new Promise<void>((done) => {
              const stop = () => {
                res.destroy();
                done();
              };
              if (signal.aborted) return stop();
              signal.addEventListener('abort', stop, { once: true });
              res.on('data', (c: Buffer) => write(c));
              res.on('end', () => done());
              res.on('error', () => done());
              res.on('close', () => done());
            }),
        },
      });
    });
    r.on('error', (e) => reject(new StatusError(500, '', `Get "${url}": ${dialError(target.host, target.port, e)}`)));
    r.end();
  });
}

/**
 * GET pods/NAME/log, and pods/NAME/exec|attach|portforward (upgrade requests). Needs
 * `kubeletClient` on the server context; without it the node agent is reported unavailable.
 */
export async function podProxy(req: UpgradableRequest, rc: RequestContext): Promise<ApiResponse> {
  const sub = rc.info.subresource as 'log' | 'exec' | 'attach' | 'portforward';
  const podName = rc.info.name;
  const q = req.url.searchParams;
  // Options are decoded (and refused) before the pod is looked up, as upstream does.
  const logQuery = sub === 'log' ? podLogQuery(q, podName) : undefined;
  const pod = await rc.server.objects(rc.type).get(namespaceFor(rc), podName);
  const ns = pod.metadata?.namespace ?? namespaceFor(rc) ?? '';
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
  const enc = encodeURIComponent;
  let path: string;
  if (sub === 'log') {
    const container = chooseContainer(pod, q.get('container') ?? '', 'log');
    // No node, no location: upstream's LocationStreamer then has no stream and answers 204.
    if (!nodeName) return { status: 204, headers: {}, body: '' };
    const qs = logQuery!.toString();
    path = `/containerLogs/${enc(ns)}/${enc(podName)}/${enc(container)}${qs ? `?${qs}` : ''}`;
  } else if (sub === 'exec' || sub === 'attach') {
    const container = chooseContainer(pod, q.get('container') ?? '', sub);
    if (!nodeName) throw errors.badRequest(`pod ${podName} does not have a host assigned`);
    path = `/${sub}/${enc(ns)}/${enc(podName)}/${enc(container)}?${streamQuery(q, sub).toString()}`;
  } else {
    if (!nodeName) throw errors.badRequest(`pod ${podName} does not have a host assigned`);
    const ports = q.getAll('ports').map((p) => `port=${enc(p)}`).join('&');
    path = `/portForward/${enc(ns)}/${enc(podName)}${ports ? `?${ports}` : ''}`;
  }
  const kc = kubeletClientOf(rc.server);
  if (!kc) throw errors.serviceUnavailable(`no node agent is serving node "${nodeName}"`);
  const node = await rc.server.objectsOf('', 'nodes').get(undefined, nodeName);
  const target = { ...kubeletAddress(node, kc.defaultPort), path };
  if (sub === 'log') return streamLogs(target, kc, podName);
  if (!req.upgrade) throw errors.badRequest('Upgrade request required');
  return proxyUpgrade(req.upgrade, req, target, kc);
}

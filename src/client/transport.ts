// How a client reaches the API: in-process (straight into the handler, no socket) or over
// HTTPS with a kubeconfig's credentials. Both carry requests through authentication,
// authorization, admission and validation, so components behave the same in either place.

import { request as httpsRequest, Agent } from 'node:https';
import { StatusError, type Status } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';

export interface WatchEventOf<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface Transport {
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** Streams a watch's events until the signal aborts or the server ends the stream. */
  watch(path: string, onEvent: (ev: WatchEventOf) => void, signal: AbortSignal): Promise<void>;
}

export function statusErrorFrom(code: number, body: unknown): StatusError {
  const s = body as Partial<Status> | undefined;
  return new StatusError(code, s?.reason ?? '', s?.message ?? `request failed with status ${code}`, s?.details);
}

/** Splits a byte stream into newline-delimited JSON watch events. */
export function lineSplitter(onEvent: (ev: WatchEventOf) => void): (chunk: string | Buffer) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.trim()) onEvent(JSON.parse(line) as WatchEventOf);
    }
  };
}

export interface HttpsCredentials {
  server: string;
  ca: string;
  cert?: string;
  key?: string;
  token?: string;
}

export function httpsTransport(creds: HttpsCredentials, userAgent = 'k8ts'): Transport {
  const url = new URL(creds.server);
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: creds.ca, cert: creds.cert, key: creds.key });
  const headers = (contentType?: string): Record<string, string> => ({
    accept: 'application/json',
    'user-agent': userAgent,
    ...(contentType ? { 'content-type': contentType } : {}),
    ...(creds.token ? { authorization: `Bearer ${creds.token}` } : {}),
  });
  const open = (method: string, path: string, contentType: string | undefined, signal?: AbortSignal) =>
    httpsRequest({ host: url.hostname, port: url.port || 443, method, path, agent, headers: headers(contentType), signal });
  return {
    request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
      return new Promise((resolve, reject) => {
        const req = open(method, path, body === undefined ? undefined : contentType);
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            if ((res.statusCode ?? 500) >= 400) reject(statusErrorFrom(res.statusCode ?? 500, parsed));
            else resolve(parsed as T);
          });
        });
        req.on('error', reject);
        req.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
      });
    },
    watch(path, onEvent, signal) {
      return new Promise((resolve, reject) => {
        const req = open('GET', path, undefined, signal);
        req.on('response', (res) => {
          if ((res.statusCode ?? 500) >= 400) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => reject(statusErrorFrom(res.statusCode ?? 500, JSON.parse(Buffer.concat(chunks).toString() || '{}'))));
            return;
          }
          res.on('data', lineSplitter(onEvent));
          res.on('end', () => resolve());
          res.on('error', () => resolve());
        });
        req.on('error', (e) => (signal.aborted ? resolve() : reject(e)));
        req.end();
      });
    },
  };
}

// An in-process transport: requests go straight into the API handler (no socket, no TLS) but
// through the same authorization, admission and validation as any HTTPS request.

import type { ApiHandler } from '../apiserver/handler.js';
import type { ApiRequest, UserInfo } from '../apiserver/types.js';
import { lineSplitter, statusErrorFrom, type Transport } from './transport.js';

export type { Transport } from './transport.js';

export const SYSTEM_USER: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

/** A request as the handler takes it from a client in this process (no socket, no TLS). */
export function handlerRequest(method: string, path: string, body: Buffer, contentType: string, userAgent: string, user: UserInfo | undefined, signal: AbortSignal): ApiRequest {
  return { method, url: new URL(path, 'https://in-process'), headers: { 'content-type': contentType, accept: 'application/json', 'user-agent': userAgent }, body, user, signal };
}

export function inProcessTransport(handler: ApiHandler, user: UserInfo = SYSTEM_USER, userAgent = 'k8ts/in-process'): Transport {
  const call = (method: string, path: string, body: unknown, contentType: string, signal: AbortSignal) =>
    handler.handle(handlerRequest(method, path, body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), contentType, userAgent, user, signal));
  return {
    async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
      const res = await call(method, path, body, contentType, new AbortController().signal);
      const text = res.body === undefined ? '' : res.body.toString();
      const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
      if (res.status >= 400) throw statusErrorFrom(res.status, parsed);
      return parsed;
    },
    async watch(path, onEvent, signal) {
      const res = await call('GET', path, undefined, 'application/json', signal);
      if (res.status >= 400) throw statusErrorFrom(res.status, JSON.parse(String(res.body ?? '{}')));
      if (!res.streamBody) throw new Error(`${path} did not answer with a watch stream`);
      await res.streamBody.stream(lineSplitter(onEvent), signal);
    },
  };
}

// An in-process transport: requests go straight into the API handler (no socket, no TLS) but
// through the same authorization, admission and validation as any HTTPS request.

import type { ApiHandler } from '../apiserver/handler.js';
import type { UserInfo } from '../apiserver/types.js';
import { StatusError, type Status } from '../api/errors.js';

export interface Transport {
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
}

export const SYSTEM_USER: UserInfo = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

export function inProcessTransport(handler: ApiHandler, user: UserInfo = SYSTEM_USER, userAgent = 'k8ts/in-process'): Transport {
  return {
    async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
      const res = await handler.handle({
        method,
        url: new URL(path, 'https://in-process'),
        headers: { 'content-type': contentType, accept: 'application/json', 'user-agent': userAgent },
        body: body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        user,
        signal: new AbortController().signal,
      });
      const text = res.body === undefined ? '' : res.body.toString();
      const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
      if (res.status >= 400) {
        const s = parsed as unknown as Status;
        throw new StatusError(res.status, s?.reason ?? '', s?.message ?? `request failed with ${res.status}`, s?.details);
      }
      return parsed;
    },
  };
}

// The request and response shapes of the handler: plain data, so the whole request path can be
// exercised in-process without a socket (tests, the in-process client).

import type { RequestInfo } from './request-info.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface ApiRequest {
  method: string;
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Set by authentication; undefined means no valid credentials were presented. */
  user?: UserInfo;
  /** Aborted when the client goes away (ends watches). */
  signal: AbortSignal;
}

/** A streamed answer (watch): headers go out at once, then each write() is flushed. */
export interface StreamBody {
  stream(write: (chunk: string | Buffer) => void, signal: AbortSignal): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
  streamBody?: StreamBody;
  /** Set once the request was parsed, for metrics and logs. */
  info?: RequestInfo;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string | string[]> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

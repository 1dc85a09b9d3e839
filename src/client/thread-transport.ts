// A transport between threads: components in a worker thread reach the API handler on the main
// thread through a MessagePort. Requests still pass authorization, admission and validation there;
// what moves off the API server's thread is the components' own work: encoding requests, parsing
// answers and watch events, informer caches and reconciling. (Go's control plane spreads over
// cores the same way; Node needs a thread for it.)

import type { MessagePort } from 'node:worker_threads';
import type { ApiHandler } from '../apiserver/handler.js';
import type { UserInfo } from '../apiserver/types.js';
import { handlerRequest } from './in-process.js';
import { lineSplitter, statusErrorFrom, type Transport, type WatchEventOf } from './transport.js';

/** Worker to main thread. */
type ThreadRequest =
  | { t: 'req'; id: number; identity: string; method: string; path: string; body?: string; contentType: string }
  | { t: 'watch'; id: number; identity: string; path: string }
  | { t: 'abort'; id: number };

/** Main thread to worker. */
type ThreadReply =
  | { t: 'res'; id: number; status: number; body: string; stream?: boolean }
  | { t: 'chunk'; id: number; data: string }
  | { t: 'end'; id: number };

/** What crosses the port: each side's messages of one event-loop turn, in order. */
interface Batch<T> {
  t: 'batch';
  items: T[];
}

/**
 * Collects a turn's messages into one postMessage: each message costs a wake-up and a copy on
 * both threads, and a busy turn delivers hundreds of watch events and answers.
 */
class Outbox<T> {
  private items: T[] = [];

  constructor(private readonly port: { postMessage(m: unknown): void }) {}

  send(item: T): void {
    if (this.items.length === 0) setImmediate(() => this.flush());
    this.items.push(item);
  }

  private flush(): void {
    const items = this.items;
    this.items = [];
    if (items.length) this.port.postMessage({ t: 'batch', items } satisfies Batch<T>);
  }
}

function isBatch<T>(m: unknown): m is Batch<T> {
  return (m as { t?: unknown } | null)?.t === 'batch';
}

// Requests other than watches are never aborted: one signal serves them all.
const NEVER_ABORTED = new AbortController().signal;

interface Pending {
  resolve(r: { status: number; body: string; stream?: boolean }): void;
  onChunk?: (data: string) => void;
  onEnd?: () => void;
}

/**
 * The worker's end: one per port, shared by every component in the worker. `identity` names who
 * asks; the main thread maps it to a user (see serveThreadTransport).
 */
export class ThreadClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly outbox: Outbox<ThreadRequest>;

  constructor(port: MessagePort) {
    this.outbox = new Outbox(port);
    port.on('message', (m: unknown) => {
      if (isBatch<ThreadReply>(m)) for (const r of m.items) this.onReply(r);
    });
  }

  transport(identity: string): Transport {
    return {
      request: async <T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> => {
        const res = await this.send({ t: 'req', identity, method, path, contentType, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
        const parsed = res.body ? (JSON.parse(res.body) as T) : (undefined as T);
        if (res.status >= 400) throw statusErrorFrom(res.status, parsed);
        return parsed;
      },
      watch: (path: string, onEvent: (ev: WatchEventOf) => void, signal: AbortSignal): Promise<void> =>
        new Promise((resolve, reject) => {
          if (signal.aborted) return resolve();
          const id = this.nextId++;
          const split = lineSplitter(onEvent);
          const finish = () => {
            signal.removeEventListener('abort', abort);
            this.pending.delete(id);
            resolve();
          };
          const abort = () => {
            this.outbox.send({ t: 'abort', id });
            finish();
          };
          signal.addEventListener('abort', abort, { once: true });
          this.pending.set(id, {
            resolve: (res) => {
              if (res.stream) return;
              signal.removeEventListener('abort', abort);
              this.pending.delete(id);
              reject(statusErrorFrom(res.status, res.body ? JSON.parse(res.body) : {}));
            },
            onChunk: (data) => {
              try {
                split(data);
              } catch (e) {
                abort();
                reject(e);
              }
            },
            onEnd: finish,
          });
          this.outbox.send({ t: 'watch', id, identity, path });
        }),
    };
  }

  private send(msg: Omit<Extract<ThreadRequest, { t: 'req' }>, 'id'>): Promise<{ status: number; body: string }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.outbox.send({ ...msg, id });
    });
  }

  private onReply(m: ThreadReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.t === 'res') {
      if (!m.stream) this.pending.delete(m.id);
      p.resolve(m);
    } else if (m.t === 'chunk') p.onChunk?.(m.data);
    else if (m.t === 'end') p.onEnd?.();
  }
}

/** A worker (seen from the main thread) or a MessagePort. */
export interface Port {
  on(event: 'message', listener: (m: unknown) => void): unknown;
  postMessage(m: unknown): void;
}

/**
 * Requests of the worker the API handler works on at once, and starts per event-loop turn; the
 * rest wait, in order. The worker's components spend none of this thread's time making requests,
 * so unbounded they would crowd out every other client: a scheduler failing a backlog of pods
 * fires thousands of writes at once. Clients over HTTPS are served each turn as they come, so
 * they keep their share (upstream's priority and fairness gives each priority level its own).
 * Watches are not counted: they last.
 */
export const MAX_REQUESTS_IN_FLIGHT = 32;
const REQUESTS_STARTED_PER_TURN = 8;

/**
 * The main thread's end: answers a worker's requests with the API handler, as `userOf(identity)`.
 * An unknown identity gets 401, like a request without credentials. Returns a function that
 * ends every open watch (the worker is going away).
 */
export function serveThreadTransport(port: Port, handler: ApiHandler, userOf: (identity: string) => UserInfo | undefined): () => void {
  const watches = new Map<number, AbortController>();
  const outbox = new Outbox<ThreadReply>(port);
  const post = (m: ThreadReply) => outbox.send(m);
  let inFlight = 0;
  let waiting: Extract<ThreadRequest, { t: 'req' }>[] = [];
  let nextWaiting = 0;
  let pumping = false;
  const pump = () => {
    pumping = false;
    for (let started = 0; started < REQUESTS_STARTED_PER_TURN && inFlight < MAX_REQUESTS_IN_FLIGHT && nextWaiting < waiting.length; started++) {
      inFlight++;
      start(waiting[nextWaiting++]);
    }
    if (nextWaiting === waiting.length) {
      waiting = [];
      nextWaiting = 0;
    } else if (inFlight < MAX_REQUESTS_IN_FLIGHT) schedulePump();
  };
  const schedulePump = () => {
    if (pumping) return;
    pumping = true;
    setImmediate(pump);
  };
  const finished = () => {
    inFlight--;
    if (nextWaiting < waiting.length) schedulePump();
  };
  const serve = (m: ThreadRequest) => {
    if (m.t === 'abort') {
      watches.get(m.id)?.abort();
      watches.delete(m.id);
    } else if (m.t === 'req') {
      waiting.push(m);
      schedulePump();
    } else start(m);
  };
  const start = (r: Exclude<ThreadRequest, { t: 'abort' }>) => {
    const controller = r.t === 'watch' ? new AbortController() : undefined;
    if (controller) watches.set(r.id, controller);
    const body = r.t === 'req' && r.body !== undefined ? Buffer.from(r.body) : Buffer.alloc(0);
    const contentType = r.t === 'req' ? r.contentType : 'application/json';
    void (async () => {
      try {
        const res = await handler.handle(handlerRequest(r.t === 'req' ? r.method : 'GET', r.path, body, contentType, `${r.identity}/v1.32.4 (k8ts)`, userOf(r.identity), controller?.signal ?? NEVER_ABORTED));
        if (!res.streamBody || res.status >= 400) {
          post({ t: 'res', id: r.id, status: res.status, body: res.body === undefined ? '' : res.body.toString() });
          return;
        }
        post({ t: 'res', id: r.id, status: res.status, body: '', stream: true });
        await res.streamBody.stream((chunk) => post({ t: 'chunk', id: r.id, data: chunk.toString() }), controller?.signal ?? NEVER_ABORTED);
        post({ t: 'end', id: r.id });
      } catch (e) {
        post({ t: 'res', id: r.id, status: 500, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: String(e), reason: 'InternalError', code: 500 }) });
      } finally {
        watches.delete(r.id);
        if (r.t === 'req') finished();
      }
    })();
  };
  port.on('message', (m: unknown) => {
    if (isBatch<ThreadRequest>(m)) for (const r of m.items) serve(r);
  });
  return () => {
    for (const c of watches.values()) c.abort();
    watches.clear();
  };
}

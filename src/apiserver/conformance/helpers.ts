// Small request helpers shared by the conformance tests: typed JSON calls, patch shortcuts,
// namespace setup and watch collection, so each test reads like upstream's e2e steps.

import assert from 'node:assert/strict';
import { collectWatch, type TestServer } from '../testing.js';

export type Obj = Record<string, unknown> & {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};
export type List = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: Obj[] };
export type StatusBody = { kind: string; code: number; reason?: string; message: string; metadata: { continue?: string }; details?: { causes?: { field?: string; message?: string; reason?: string }[] } };

export const MERGE = { 'content-type': 'application/merge-patch+json' };
export const STRATEGIC = { 'content-type': 'application/strategic-merge-patch+json' };
export const JSONPATCH = { 'content-type': 'application/json-patch+json' };

/** Wraps a TestServer with assertions on the status code, so a failing step says which call failed. */
export function client(s: TestServer) {
  async function call<T>(method: string, path: string, body: unknown, headers: Record<string, string> | undefined, want: number | number[]): Promise<T> {
    const r = await s.request(method, path, body, headers);
    const wanted = Array.isArray(want) ? want : [want];
    assert.ok(wanted.includes(r.status), `${method} ${path}: status ${r.status}, want ${wanted.join('|')}: ${String(r.body).slice(0, 600)}`);
    return (r.body === undefined || String(r.body) === '' ? undefined : JSON.parse(String(r.body))) as T;
  }
  return {
    raw: s.request.bind(s),
    get: <T = Obj>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers, 200),
    list: (path: string) => call<List>('GET', path, undefined, undefined, 200),
    create: <T = Obj>(path: string, body: unknown) => call<T>('POST', path, body, undefined, 201),
    update: <T = Obj>(path: string, body: unknown) => call<T>('PUT', path, body, undefined, 200),
    patch: <T = Obj>(path: string, body: unknown, headers: Record<string, string> = MERGE) => call<T>('PATCH', path, body, headers, 200),
    del: (path: string) => call<unknown>('DELETE', path, undefined, undefined, [200, 202]),
    delCollection: (path: string) => call<unknown>('DELETE', path, undefined, undefined, 200),
    /** Expects a failure status and returns the Status body. */
    fail: (method: string, path: string, body: unknown, code: number, headers?: Record<string, string>) => call<StatusBody>(method, path, body, headers, code),
    async namespace(name: string): Promise<void> {
      await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined, 201);
    },
    /** Opens a watch and returns its events so far (live array) and a stop function. */
    async watch(path: string) {
      const stop = new AbortController();
      const r = await s.request('GET', path);
      assert.equal(r.status, 200, `watch ${path}: ${String(r.body)}`);
      const w = collectWatch(r, stop.signal);
      return {
        events: w.events as unknown as { type: string; object: Obj }[],
        async stop() {
          stop.abort();
          await w.done;
        },
      };
    },
  };
}

/** Waits (without sleeping) until `cond` holds, yielding to the event loop. */
export async function until(cond: () => boolean, what = 'condition', ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not met in time`);
    await new Promise((r) => setImmediate(r));
  }
}

export const names = (l: List) => l.items.map((i) => i.metadata.name).sort();

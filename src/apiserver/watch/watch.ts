// Watch: newline-delimited {type, object} events over a response whose headers go out at once.
// resourceVersion semantics as upstream: unset or "0" first sends the current state as synthetic
// ADDED events; any other version sends only what happened after it; a compacted version gets
// an ERROR event with 410 Expired, which makes informers re-list.

import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { CompactedError, type WatchEvent } from '../../storage/store.js';
import { negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import type { EventView } from '../rest/object-store.js';
import { includeObjectOf, toTable } from '../render.js';
import type { ApiResponse } from '../types.js';
import { namespaceFor } from '../verbs/read.js';
import { parseListQuery } from '../verbs/params.js';

export type WatchEventKind = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Upstream's watch cache sends a bookmark about once a minute to watchers that asked for them. */
export const BOOKMARK_INTERVAL_MS = 60_000;

/**
 * Turns a storage event into the API event a filtered watcher sees: an object that starts
 * matching is ADDED, one that stops matching is DELETED (upstream's watch filtering).
 */
export function translateEvent(ev: WatchEvent, view: EventView, filter: ((o: KubeObject) => boolean) | undefined): { type: WatchEventKind; object: KubeObject } | undefined {
  const obj = view.object;
  if (ev.type === 'delete') {
    if (filter && !filter(obj)) return undefined;
    return { type: 'DELETED', object: obj };
  }
  const now = !filter || filter(obj);
  if (view.created) return now ? { type: 'ADDED', object: obj } : undefined;
  const before = !filter || filter(view.previous()!);
  if (now && before) return { type: 'MODIFIED', object: obj };
  if (now) return { type: 'ADDED', object: obj };
  if (before) return { type: 'DELETED', object: obj };
  return undefined;
}

export async function watchObjects(rc: RequestContext, accept: string | undefined, random: () => number = Math.random): Promise<ApiResponse> {
  const rendering = negotiate(accept, true);
  if (rendering.kind === 'yaml') throw errors.notAcceptable(['application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io']);
  const q = parseListQuery(rc.type, rc.query, true);
  const objects = rc.server.objects(rc.type);
  const name = rc.info.name;
  const baseFilter = q.filter;
  const filter = name ? (o: KubeObject) => o.metadata?.name === name && (!baseFilter || baseFilter(o)) : baseFilter;
  const include = includeObjectOf(rc.query);
  const server = rc.server;
  const type = rc.type;
  const namespace = namespaceFor(rc);
  const timeoutMs = (q.timeoutSeconds && q.timeoutSeconds > 0 ? q.timeoutSeconds : 1800 * (1 + random())) * 1000;
  const rv = q.resourceVersion;
  const initial = rv === undefined || rv === '0' || q.sendInitialEvents === true;

  let columnsSent = false;
  const encode = (type_: WatchEventKind, object: KubeObject | Record<string, unknown>): string => {
    let out: unknown = object;
    if (rendering.kind === 'table' && (type_ === 'ADDED' || type_ === 'MODIFIED' || type_ === 'DELETED')) {
      out = toTable(type, [object as KubeObject], { resourceVersion: (object as KubeObject).metadata?.resourceVersion }, include, rendering.version, server.now(), !columnsSent);
      columnsSent = true;
    }
    return `${JSON.stringify({ type: type_, object: out })}\n`;
  };

  return {
    status: 200,
    headers: { 'content-type': rendering.kind === 'table' ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'transfer-encoding': 'chunked' },
    streamBody: {
      async stream(write, signal) {
        let from: number;
        if (initial) {
          const page = await objects.list({ namespace, filter });
          for (const o of page.items) write(encode('ADDED', o));
          from = page.revision;
          if (q.sendInitialEvents) {
            write(encode('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(from), annotations: { 'k8s.io/initial-events-end': 'true' } } }));
          }
        } else {
          from = Number(rv);
        }
        let lastRevision = from;
        await new Promise<void>((resolve) => {
          let watcher: { close(): void } | undefined;
          const finish = () => {
            clearTimeout(timer);
            clearInterval(bookmarks);
            watcher?.close();
            signal.removeEventListener('abort', finish);
            resolve();
          };
          const timer = setTimeout(finish, timeoutMs);
          const bookmarks = setInterval(() => {
            if (q.allowWatchBookmarks) write(encode('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(lastRevision) } }));
          }, server.bookmarkIntervalMs ?? BOOKMARK_INTERVAL_MS);
          signal.addEventListener('abort', finish);
          try {
            watcher = server.store.watch(objects.prefix(namespace), {
              fromRevision: from,
              onEvent(ev) {
                lastRevision = ev.revision;
                const view = objects.eventView(ev);
                const out = translateEvent(ev, view, filter);
                if (!out) return;
                if (rendering.kind !== 'json') return write(encode(out.type, out.object));
                // Every JSON watcher of this event shares one encoding of it.
                let line = view.lines.get(out.type);
                if (line === undefined) view.lines.set(out.type, (line = encode(out.type, out.object)));
                write(line);
              },
              onError(err) {
                const status = err instanceof CompactedError ? errors.expired(`too old resource version: ${from} (${err.compacted})`) : errors.expired(`watch ended: ${err.message}`);
                write(encode('ERROR', status.toStatus() as unknown as Record<string, unknown>));
                finish();
              },
            });
          } catch (e) {
            if (e instanceof CompactedError) {
              write(encode('ERROR', errors.expired(`too old resource version: ${from} (${e.compacted})`).toStatus() as unknown as Record<string, unknown>));
              finish();
              return;
            }
            finish();
            throw e;
          }
        });
      },
    },
  };
}

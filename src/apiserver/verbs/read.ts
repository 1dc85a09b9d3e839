// GET of one object and LIST of a collection.

import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { errors } from '../../api/errors.js';
import { negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import { includeObjectOf, respond, toTable } from '../render.js';
import type { ApiResponse } from '../types.js';
import { parseListQuery } from './params.js';

export async function getObject(rc: RequestContext, accept: string | undefined): Promise<ApiResponse> {
  const rendering = negotiate(accept, true);
  const obj = await rc.server.objects(rc.type).get(namespaceFor(rc), rc.info.name);
  if (rendering.kind === 'table') {
    return respond(200, toTable(rc.type, [obj], { resourceVersion: obj.metadata?.resourceVersion }, includeObjectOf(rc.query), rendering.version, rc.server.now()), rendering);
  }
  return respond(200, obj, rendering);
}

export function namespaceFor(rc: RequestContext): string | undefined {
  return rc.type.scope === 'Namespaced' ? rc.info.namespace || undefined : undefined;
}

export async function listObjects(rc: RequestContext, accept: string | undefined): Promise<ApiResponse> {
  const rendering = negotiate(accept, true);
  const q = parseListQuery(rc.type, rc.query);
  const objects = rc.server.objects(rc.type);
  let revision: number | undefined;
  if (q.resourceVersionMatch === 'Exact') {
    if (!q.resourceVersion) throw errors.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    revision = Number(q.resourceVersion);
  }
  if (q.continueToken && q.resourceVersion && q.resourceVersion !== '0') {
    throw errors.badRequest('specifying resource version is not allowed when using continue');
  }
  const params = { namespace: namespaceFor(rc), limit: q.limit, continueToken: q.continueToken, revision };
  // Unfiltered JSON lists (informers, -o json) are served from the stored bytes directly.
  const encoded = rendering.kind === 'json' && !q.filter;
  const page = encoded ? await objects.listEncoded(params) : await objects.list({ ...params, filter: q.filter });
  if (q.resourceVersion && q.resourceVersion !== '0' && !q.resourceVersionMatch && Number(q.resourceVersion) > page.revision) {
    throw errors.tooManyRequests(`Too large resource version: ${q.resourceVersion}, current: ${page.revision}`, 1);
  }
  const listMeta: Record<string, unknown> = { resourceVersion: String(page.revision) };
  if (page.continue) listMeta.continue = page.continue;
  if (page.remaining !== undefined) listMeta.remainingItemCount = page.remaining;
  if (encoded) {
    const head = JSON.stringify({ kind: rc.type.listKind, apiVersion: apiVersionOf(rc.type), metadata: listMeta });
    const pieces: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
    const comma = Buffer.from(',');
    (page.items as Buffer[][]).forEach((item, i) => {
      if (i > 0) pieces.push(comma);
      pieces.push(...item);
    });
    pieces.push(Buffer.from(']}'));
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.concat(pieces) };
  }
  const items = page.items as KubeObject[];
  if (rendering.kind === 'table') {
    return respond(200, toTable(rc.type, items, listMeta, includeObjectOf(rc.query), rendering.version, rc.server.now()), rendering);
  }
  const list = { kind: rc.type.listKind, apiVersion: apiVersionOf(rc.type), metadata: listMeta, items };
  return respond(200, list, rendering);
}

// GET /api/v1/componentstatuses[/NAME]: upstream's read-only componentstatus REST. Nothing is
// stored; every request reads the components' Leases and the storage check and builds the
// objects anew (see health.ts). Every answer the resource's handler gives, errors included,
// carries the deprecation warning, as upstream adds it before its handler runs.

import { errors, StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import { includeObjectOf, respond, toTable, warningHeader } from '../render.js';
import { jsonResponse, type ApiResponse } from '../types.js';
import { parseListQuery } from '../verbs/params.js';
import { componentStatus, DEPRECATION_WARNING, LEASE_COMPONENTS, leaseCheck, STORAGE_COMPONENT, storageCheck, type ComponentStatus, type LeaseComponent, type LeaseRead, type LeaseSpec } from './health.js';

/** Where the storage check comes from: the same answer /readyz gives for its etcd check. */
export type StorageReady = () => boolean;

export async function serveComponentStatuses(rc: RequestContext, accept: string | undefined, storageReady: StorageReady): Promise<ApiResponse> {
  const { info } = rc;
  // Upstream has routes for GET on the collection and on an item only: the deprecated /watch/
  // paths do not exist (404) and any other method is the router's generic 405, both without the
  // warning since the resource's handler never runs.
  if (/^\/api\/v1\/watch(\/|$)/.test(info.path)) throw errors.notFoundPath();
  if (info.verb !== 'get' && info.verb !== 'list' && info.verb !== 'watch') throw errors.methodNotAllowed();
  rc.warnings.push(DEPRECATION_WARNING);
  try {
    if (info.verb === 'watch') throw errors.methodNotSupported({ group: '', resource: rc.type.resource }, 'watch');
    if (info.verb === 'get') return await getOne(rc, accept, storageReady);
    return await list(rc, accept, storageReady);
  } catch (e) {
    if (e instanceof StatusError) return jsonResponse(e.code, e.toStatus(), { warning: rc.warnings.map(warningHeader) });
    throw e;
  }
}

async function getOne(rc: RequestContext, accept: string | undefined, storageReady: StorageReady): Promise<ApiResponse> {
  const rendering = negotiate(accept, true);
  const name = rc.info.name;
  const component = LEASE_COMPONENTS.find((c) => c.name === name);
  let obj: ComponentStatus;
  if (component) obj = await leaseStatus(rc, component);
  else if (name === STORAGE_COMPONENT) obj = componentStatus(name, storageCheck(storageReady()));
  // Upstream returns a plain Go error here, which the server turns into a reason-less 500.
  else throw new StatusError(500, '', `Component not found: ${name}`);
  if (rendering.kind === 'table') return respond(200, toTable(rc.type, [obj], {}, includeObjectOf(rc.query), rendering.version, rc.server.now()), rendering, rc.warnings);
  return respond(200, obj, rendering, rc.warnings);
}

async function list(rc: RequestContext, accept: string | undefined, storageReady: StorageReady): Promise<ApiResponse> {
  const rendering = negotiate(accept, true);
  // Selectors are applied as upstream does, to objects without labels: a label selector that
  // requires anything empties the list; metadata.name picks one component. limit and
  // resourceVersion are accepted and ignored (nothing is stored to page through).
  const q = parseListQuery(rc.type, rc.query);
  const statuses: KubeObject[] = await Promise.all(LEASE_COMPONENTS.map((c) => leaseStatus(rc, c)));
  statuses.push(componentStatus(STORAGE_COMPONENT, storageCheck(storageReady())));
  const items = q.filter ? statuses.filter(q.filter) : statuses;
  if (rendering.kind === 'table') return respond(200, toTable(rc.type, items, {}, includeObjectOf(rc.query), rendering.version, rc.server.now()), rendering, rc.warnings);
  return respond(200, { kind: rc.type.listKind, apiVersion: 'v1', metadata: {}, items }, rendering, rc.warnings);
}

async function leaseStatus(rc: RequestContext, c: LeaseComponent): Promise<ComponentStatus> {
  return componentStatus(c.name, leaseCheck(c.lease, await readLease(rc, c), rc.server.now().getTime()));
}

async function readLease(rc: RequestContext, c: LeaseComponent): Promise<LeaseRead> {
  try {
    const lease = await rc.server.objectsOf('coordination.k8s.io', 'leases').tryGet(c.lease.namespace, c.lease.name);
    if (!lease) return { found: false };
    return { found: true, spec: (lease.spec ?? {}) as LeaseSpec };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

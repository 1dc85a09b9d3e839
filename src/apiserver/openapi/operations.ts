// The REST operations the API server offers for a set of resource types, as data: paths,
// methods, parameters, bodies and responses, named and tagged as upstream's OpenAPI names them.
// v3.ts and v2.ts render this model in their dialects.
import type { ResourceType, SubresourceType } from '../../api/registry/types.js';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export type ParamType = 'string' | 'boolean' | 'integer';

export interface ParamSpec {
  name: string;
  in: 'query' | 'path';
  description: string;
  type: ParamType;
  required?: boolean;
}

export interface ResponseSpec {
  code: string;
  description: string;
  /** Definition of the body; absent with `text` for string bodies, or for bodiless responses. */
  def?: string;
  text?: boolean;
}

export interface OperationSpec {
  method: 'get' | 'put' | 'post' | 'patch' | 'delete' | 'head' | 'options';
  operationId: string;
  description: string;
  tag: string;
  action: string;
  gvk?: Gvk;
  params: ParamSpec[];
  body?: { def: string; contentTypes: string[]; required: boolean };
  responses: ResponseSpec[];
  produces: string[];
  consumes: string[];
}

export interface PathSpec {
  path: string;
  params: ParamSpec[];
  ops: OperationSpec[];
}

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const STATUS_DEF = `${META}Status`;
export const DELETE_OPTIONS_DEF = `${META}DeleteOptions`;
export const WATCH_EVENT_DEF = `${META}WatchEvent`;
export const PATCH_DEF = `${META}Patch`;
export const API_RESOURCE_LIST_DEF = `${META}APIResourceList`;

export const PATCH_CONTENT_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const OBJECT_MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const LIST_MEDIA = [...OBJECT_MEDIA, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const CONNECT = new Set(['exec', 'attach', 'portforward', 'proxy']);

/** `api/v1`, `apis/apps/v1`: the group-version's path below /openapi/v3/ (and its URL prefix). */
export function groupVersionPath(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
}

const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

function groupWords(group: string): string[] {
  if (!group) return ['core'];
  return group.replace(/\.k8s\.io$/, '').split('.').filter(Boolean);
}

/** Tags as upstream: core_v1, apps_v1, rbacAuthorization_v1, flowcontrolApiserver_v1. */
export function tagOf(group: string, version: string): string {
  const w = groupWords(group);
  return `${w[0]}${w.slice(1).map(cap).join('')}_${version}`;
}

function idPrefix(group: string, version: string): string {
  return groupWords(group).map(cap).join('') + cap(version);
}

// Parameter descriptions (our wording).
const P = {
  pretty: { name: 'pretty', in: 'query', type: 'string', description: "If 'true', the output is pretty printed." },
  dryRun: { name: 'dryRun', in: 'query', type: 'string', description: 'When present, the request is processed but not persisted. Valid value: All (run every dry-run stage). An unknown value is an error.' },
  fieldManager: { name: 'fieldManager', in: 'query', type: 'string', description: 'Name of the actor making the change, recorded in managedFields; at most 128 printable characters.' },
  fieldManagerPatch: { name: 'fieldManager', in: 'query', type: 'string', description: 'Name of the actor making the change, recorded in managedFields; at most 128 printable characters. Required for apply patches (application/apply-patch+yaml), optional for the other patch types.' },
  fieldValidation: {
    name: 'fieldValidation',
    in: 'query',
    type: 'string',
    description:
      'How unknown or duplicate fields in the request body are handled. Ignore: they are dropped silently. Warn (default): they are dropped and each is reported in a Warning response header. Strict: the request fails with BadRequest listing every unknown and duplicate field.',
  },
  force: { name: 'force', in: 'query', type: 'boolean', description: 'Forces an apply request: the caller takes over fields that other managers own. Must be unset for the other patch types.' },
  allowWatchBookmarks: { name: 'allowWatchBookmarks', in: 'query', type: 'boolean', description: 'Asks for BOOKMARK watch events; the server may send them at its discretion. Ignored by non-watch requests.' },
  continue: { name: 'continue', in: 'query', type: 'string', description: 'Token from a previous paged list response (metadata.continue) to fetch the next page.' },
  fieldSelector: { name: 'fieldSelector', in: 'query', type: 'string', description: 'Restricts the returned objects by their fields. Defaults to everything.' },
  labelSelector: { name: 'labelSelector', in: 'query', type: 'string', description: 'Restricts the returned objects by their labels. Defaults to everything.' },
  limit: { name: 'limit', in: 'query', type: 'integer', description: 'Maximum number of items in a list response; when more exist, metadata.continue is set.' },
  resourceVersion: { name: 'resourceVersion', in: 'query', type: 'string', description: 'Constrains which resource versions the request may be served from; see the API concepts documentation. Defaults to unset.' },
  resourceVersionMatch: { name: 'resourceVersionMatch', in: 'query', type: 'string', description: 'How resourceVersion applies to list calls (Exact or NotOlderThan). Defaults to unset.' },
  sendInitialEvents: { name: 'sendInitialEvents', in: 'query', type: 'boolean', description: 'With watch=true, starts the stream with synthetic events for the current state, then a bookmark.' },
  timeoutSeconds: { name: 'timeoutSeconds', in: 'query', type: 'integer', description: 'Timeout for the list/watch call, regardless of activity.' },
  watch: { name: 'watch', in: 'query', type: 'boolean', description: 'Streams add, update and remove notifications for the described resources instead of listing them.' },
  gracePeriodSeconds: { name: 'gracePeriodSeconds', in: 'query', type: 'integer', description: 'Seconds before the object is deleted; a non-negative integer. Zero deletes immediately; unset uses the default for the type.' },
  ignoreStoreReadError: {
    name: 'ignoreStoreReadErrorWithClusterBreakingPotential',
    in: 'query',
    type: 'boolean',
    description: 'Deletes an object even when it cannot be read from storage (corrupt or undecryptable). Dangerous: may break the cluster. Defaults to false.',
  },
  orphanDependents: { name: 'orphanDependents', in: 'query', type: 'boolean', description: 'Deprecated: use propagationPolicy. Whether dependents are orphaned.' },
  propagationPolicy: { name: 'propagationPolicy', in: 'query', type: 'string', description: 'Whether and how garbage collection handles dependents: Orphan, Background or Foreground.' },
} satisfies Record<string, ParamSpec>;

const LIST_PARAMS: ParamSpec[] = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS: ParamSpec[] = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS: ParamSpec[] = [P.dryRun, P.fieldManagerPatch, P.fieldValidation, P.force];
const DELETE_PARAMS: ParamSpec[] = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const UNAUTHORIZED: ResponseSpec = { code: '401', description: 'Unauthorized' };

const nameParam = (kind: string, what = kind): ParamSpec => ({ name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${what}` });
const NAMESPACE_PARAM: ParamSpec = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };

/** Resolves a kind to its definition name (subresource kinds live in other groups: autoscaling/v1 Scale). */
export type DefResolver = (gvk: Gvk) => string | undefined;

function listDefOf(t: ResourceType): string {
  return t.schemaName.slice(0, t.schemaName.lastIndexOf('.') + 1) + t.listKind;
}

interface Ctx {
  t: ResourceType;
  gvk: Gvk;
  tag: string;
  id: string;
  prefix: string;
  ns: boolean;
}

function op(ctx: Ctx, o: Omit<OperationSpec, 'tag' | 'produces' | 'consumes'> & { produces?: string[]; consumes?: string[] }): OperationSpec {
  return { tag: ctx.tag, produces: OBJECT_MEDIA, consumes: ['*/*'], ...o, responses: [...o.responses, UNAUTHORIZED] };
}

function resourcePaths(t: ResourceType, resolve: DefResolver): PathSpec[] {
  const gvk: Gvk = { group: t.group, version: t.version, kind: t.kind };
  const ns = t.scope === 'Namespaced';
  const base = `/${groupVersionPath(t)}`;
  const ctx: Ctx = { t, gvk, tag: tagOf(t.group, t.version), id: idPrefix(t.group, t.version), prefix: base, ns };
  const has = (v: string) => (t.verbs as string[]).includes(v);
  const N = ns ? 'Namespaced' : '';
  const collection = ns ? `${base}/namespaces/{namespace}/${t.resource}` : `${base}/${t.resource}`;
  const item = `${collection}/{name}`;
  const nsParams = ns ? [NAMESPACE_PARAM] : [];
  const listDef = listDefOf(t);
  const out: PathSpec[] = [];

  const collOps: OperationSpec[] = [];
  if (has('list'))
    collOps.push(op(ctx, { method: 'get', operationId: `list${ctx.id}${N}${t.kind}`, description: `${has('watch') ? 'list or watch' : 'list'} objects of kind ${t.kind}`, action: 'list', gvk, params: LIST_PARAMS, responses: [{ code: '200', description: 'OK', def: listDef }], produces: LIST_MEDIA }));
  if (has('create'))
    collOps.push(
      op(ctx, {
        method: 'post',
        operationId: `create${ctx.id}${N}${t.kind}`,
        description: `create ${article(t.kind)} ${t.kind}`,
        action: 'post',
        gvk,
        params: WRITE_PARAMS,
        body: { def: t.schemaName, contentTypes: ['*/*'], required: true },
        responses: [
          { code: '200', description: 'OK', def: t.schemaName },
          { code: '201', description: 'Created', def: t.schemaName },
          { code: '202', description: 'Accepted', def: t.schemaName },
        ],
      }),
    );
  if (has('deletecollection'))
    collOps.push(
      op(ctx, {
        method: 'delete',
        operationId: `delete${ctx.id}Collection${N}${t.kind}`,
        description: `delete collection of ${t.kind}`,
        action: 'deletecollection',
        gvk,
        params: [...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_PARAMS].sort(byName),
        body: { def: DELETE_OPTIONS_DEF, contentTypes: ['*/*'], required: false },
        responses: [{ code: '200', description: 'OK', def: STATUS_DEF }],
      }),
    );
  if (collOps.length) out.push({ path: collection, params: [...nsParams, P.pretty], ops: collOps });

  const itemOps: OperationSpec[] = [];
  if (has('get')) itemOps.push(op(ctx, { method: 'get', operationId: `read${ctx.id}${N}${t.kind}`, description: `read the specified ${t.kind}`, action: 'get', gvk, params: [], responses: [{ code: '200', description: 'OK', def: t.schemaName }] }));
  if (has('update'))
    itemOps.push(
      op(ctx, {
        method: 'put',
        operationId: `replace${ctx.id}${N}${t.kind}`,
        description: `replace the specified ${t.kind}`,
        action: 'put',
        gvk,
        params: WRITE_PARAMS,
        body: { def: t.schemaName, contentTypes: ['*/*'], required: true },
        responses: [
          { code: '200', description: 'OK', def: t.schemaName },
          { code: '201', description: 'Created', def: t.schemaName },
        ],
      }),
    );
  if (has('patch')) itemOps.push(patchOp(ctx, `patch${ctx.id}${N}${t.kind}`, `partially update the specified ${t.kind}`, gvk, t.schemaName));
  if (has('delete'))
    itemOps.push(
      op(ctx, {
        method: 'delete',
        operationId: `delete${ctx.id}${N}${t.kind}`,
        description: `delete ${article(t.kind)} ${t.kind}`,
        action: 'delete',
        gvk,
        params: DELETE_PARAMS,
        body: { def: DELETE_OPTIONS_DEF, contentTypes: ['*/*'], required: false },
        responses: [
          { code: '200', description: 'OK', def: STATUS_DEF },
          { code: '202', description: 'Accepted', def: STATUS_DEF },
        ],
      }),
    );
  if (itemOps.length) out.push({ path: item, params: [nameParam(t.kind), ...nsParams, P.pretty], ops: itemOps });

  for (const sub of t.subresources) out.push(...subresourcePath(ctx, sub, item, nsParams, resolve));

  if (ns && has('list'))
    out.push({
      path: `${base}/${t.resource}`,
      params: [...LIST_PARAMS, P.pretty].sort(byName),
      ops: [op(ctx, { method: 'get', operationId: `list${ctx.id}${t.kind}ForAllNamespaces`, description: `list or watch objects of kind ${t.kind}`, action: 'list', gvk, params: [], responses: [{ code: '200', description: 'OK', def: listDef }], produces: LIST_MEDIA })],
    });
  if (has('watch')) {
    const watchParams = [...LIST_PARAMS, P.pretty].sort(byName);
    const wbase = ns ? `${base}/watch/namespaces/{namespace}/${t.resource}` : `${base}/watch/${t.resource}`;
    const deprecated = "deprecated: use the 'watch' parameter with a list operation instead";
    out.push({
      path: wbase,
      params: [...nsParams, ...watchParams],
      ops: [op(ctx, { method: 'get', operationId: `watch${ctx.id}${N}${t.kind}List`, description: `watch individual changes to a list of ${t.kind}. ${deprecated}.`, action: 'watchlist', gvk, params: [], responses: [{ code: '200', description: 'OK', def: WATCH_EVENT_DEF }], produces: LIST_MEDIA })],
    });
    out.push({
      path: `${wbase}/{name}`,
      params: [nameParam(t.kind), ...nsParams, ...watchParams],
      ops: [
        op(ctx, {
          method: 'get',
          operationId: `watch${ctx.id}${N}${t.kind}`,
          description: `watch changes to an object of kind ${t.kind}. ${deprecated}, filtered to a single item with the 'fieldSelector' parameter.`,
          action: 'watch',
          gvk,
          params: [],
          responses: [{ code: '200', description: 'OK', def: WATCH_EVENT_DEF }],
          produces: LIST_MEDIA,
        }),
      ],
    });
    if (ns)
      out.push({
        path: `${base}/watch/${t.resource}`,
        params: watchParams,
        ops: [op(ctx, { method: 'get', operationId: `watch${ctx.id}${t.kind}ListForAllNamespaces`, description: `watch individual changes to a list of ${t.kind}. ${deprecated}.`, action: 'watchlist', gvk, params: [], responses: [{ code: '200', description: 'OK', def: WATCH_EVENT_DEF }], produces: LIST_MEDIA })],
      });
  }
  return out;
}

function patchOp(ctx: Ctx, operationId: string, description: string, gvk: Gvk, def: string): OperationSpec {
  return op(ctx, {
    method: 'patch',
    operationId,
    description,
    action: 'patch',
    gvk,
    params: PATCH_PARAMS,
    body: { def: PATCH_DEF, contentTypes: PATCH_CONTENT_TYPES, required: true },
    responses: [
      { code: '200', description: 'OK', def },
      { code: '201', description: 'Created', def },
    ],
    consumes: PATCH_CONTENT_TYPES,
  });
}

function subresourcePath(ctx: Ctx, sub: SubresourceType, item: string, nsParams: ParamSpec[], resolve: DefResolver): PathSpec[] {
  const { t } = ctx;
  const N = ctx.ns ? 'Namespaced' : '';
  const S = cap(sub.name);
  const path = `${item}/${sub.name}`;
  const subGvk: Gvk = { group: sub.group ?? t.group, version: sub.version ?? t.version, kind: sub.kind };
  const def = sub.kind === t.kind && sub.group === undefined ? t.schemaName : resolve(subGvk);
  const verbs = new Set(sub.verbs);
  const ops: OperationSpec[] = [];
  if (CONNECT.has(sub.name)) {
    const methods: OperationSpec['method'][] = sub.name === 'proxy' ? ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] : ['get', 'post'];
    for (const m of methods) {
      if (sub.name !== 'proxy' && ((m === 'get' && !verbs.has('get')) || (m === 'post' && !verbs.has('create')))) continue;
      ops.push(
        op(ctx, {
          method: m,
          operationId: `connect${ctx.id}${cap(m)}${N}${t.kind}${S}`,
          description: `connect ${m.toUpperCase()} requests to ${sub.name} of ${t.kind}`,
          action: 'connect',
          gvk: subGvk,
          params: [],
          responses: [{ code: '200', description: 'OK', text: true }],
          produces: ['*/*'],
        }),
      );
    }
    const params = [nameParam(subGvk.kind, t.kind), ...nsParams];
    return ops.length ? [{ path, params, ops }] : [];
  }
  if (sub.name === 'log') {
    if (verbs.has('get'))
      ops.push(op(ctx, { method: 'get', operationId: `read${ctx.id}${N}${t.kind}Log`, description: `read log of the specified ${t.kind}`, action: 'get', gvk: { group: t.group, version: t.version, kind: t.kind }, params: [], responses: [{ code: '200', description: 'OK', text: true }], produces: ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] }));
    return ops.length ? [{ path, params: [nameParam(t.kind), ...nsParams, P.pretty], ops }] : [];
  }
  if (!def) return [];
  const what = `${sub.name} of the specified ${t.kind}`;
  if (verbs.has('get')) ops.push(op(ctx, { method: 'get', operationId: `read${ctx.id}${N}${t.kind}${S}`, description: `read ${what}`, action: 'get', gvk: subGvk, params: [], responses: [{ code: '200', description: 'OK', def }] }));
  if (verbs.has('create'))
    ops.push(
      op(ctx, {
        method: 'post',
        operationId: `create${ctx.id}${N}${t.kind}${S}`,
        description: `create ${sub.name} of ${article(t.kind)} ${t.kind}`,
        action: 'post',
        gvk: subGvk,
        params: WRITE_PARAMS,
        body: { def, contentTypes: ['*/*'], required: true },
        responses: [
          { code: '200', description: 'OK', def },
          { code: '201', description: 'Created', def },
          { code: '202', description: 'Accepted', def },
        ],
      }),
    );
  if (verbs.has('update'))
    ops.push(
      op(ctx, {
        method: 'put',
        operationId: `replace${ctx.id}${N}${t.kind}${S}`,
        description: `replace ${what}`,
        action: 'put',
        gvk: subGvk,
        params: WRITE_PARAMS,
        body: { def, contentTypes: ['*/*'], required: true },
        responses: [
          { code: '200', description: 'OK', def },
          { code: '201', description: 'Created', def },
        ],
      }),
    );
  if (verbs.has('patch')) ops.push(patchOp(ctx, `patch${ctx.id}${N}${t.kind}${S}`, `partially update ${what}`, subGvk, def));
  const nameWhat = verbs.has('create') && !verbs.has('get') ? subGvk.kind : t.kind;
  return ops.length ? [{ path, params: [nameParam(t.kind, nameWhat), ...nsParams, P.pretty], ops }] : [];
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

function byName(a: ParamSpec, b: ParamSpec): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The group-version's own discovery path (GET /apis/apps/v1/ -> APIResourceList). */
function discoveryPath(group: string, version: string): PathSpec {
  const gv = groupVersionPath({ group, version });
  return {
    path: `/${gv}/`,
    params: [],
    ops: [
      {
        method: 'get',
        operationId: `get${idPrefix(group, version)}APIResources`,
        description: 'get available resources',
        tag: tagOf(group, version),
        action: '',
        params: [],
        responses: [{ code: '200', description: 'OK', def: API_RESOURCE_LIST_DEF }, UNAUTHORIZED],
        produces: OBJECT_MEDIA,
        consumes: OBJECT_MEDIA,
      },
    ],
  };
}

/** Drops references to definitions the document cannot carry (a CRD without a List schema), so no $ref dangles. */
function keepKnown(paths: PathSpec[], has: (def: string) => boolean): void {
  for (const p of paths)
    for (const o of p.ops) {
      if (o.body && !has(o.body.def)) delete o.body;
      o.responses = o.responses.map((r) => (r.def && !has(r.def) ? { code: r.code, description: r.description } : r));
    }
}

/** Every path of the given types (all in one group-version, or several), sorted by path. */
export function buildPaths(types: ResourceType[], resolve: DefResolver, has?: (def: string) => boolean): PathSpec[] {
  const out: PathSpec[] = [];
  const gvs = new Map<string, { group: string; version: string }>();
  for (const t of types) {
    gvs.set(groupVersionPath(t), { group: t.group, version: t.version });
    out.push(...resourcePaths(t, resolve));
  }
  for (const gv of gvs.values()) out.push(discoveryPath(gv.group, gv.version));
  // Two types never share a path, but keep the last one if a caller registers a kind twice.
  if (has) keepKnown(out, has);
  const byPath = new Map(out.map((p) => [p.path, p]));
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Definitions the operations mention: the roots of a document's schema closure. */
export function referencedDefs(paths: PathSpec[]): Set<string> {
  const out = new Set<string>([STATUS_DEF, DELETE_OPTIONS_DEF, WATCH_EVENT_DEF, PATCH_DEF, `${META}ListMeta`, `${META}ObjectMeta`]);
  for (const p of paths)
    for (const o of p.ops) {
      if (o.body) out.add(o.body.def);
      for (const r of o.responses) if (r.def) out.add(r.def);
    }
  return out;
}

export { listDefOf };

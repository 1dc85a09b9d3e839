// OpenAPI v3: the /openapi/v3 root (one entry per group-version, with a content hash) and one
// OpenAPI 3.0 document per group-version, as kubectl reads them for explain, server-side field
// validation (the fieldValidation parameter on PATCH) and apply (strategic merge metadata).
// Serve each document at its serverRelativeURL with `ETag: <etag>` and
// `Cache-Control: public, immutable` (kubectl caches on both).
import { createHash } from 'node:crypto';
import type { ResourceType } from '../../api/registry/types.js';
import { INT_OR_STRING, QUANTITY, refName } from '../../api/schema/types.js';
import type { Schema, SchemaSet } from '../../api/schema/types.js';
import { buildPaths, groupVersionPath, referencedDefs } from './operations.js';
import type { OperationSpec, ParamSpec, PathSpec } from './operations.js';
import { closure, gvkResolver } from './schema-closure.js';

export interface OpenApiDoc {
  body: Buffer;
  /** Quoted, ready for the ETag header. */
  etag: string;
  /** The content hash used in serverRelativeURL. */
  hash: string;
}

export interface OpenApiOptions {
  /** info.version; upstream puts the server's gitVersion there. */
  version?: string;
}

export const COMPONENTS_PREFIX = '#/components/schemas/';
export const DEFAULT_INFO_VERSION = 'v1.32.4';

/** Upstream's hash: SHA-512 of the document, upper-case hex. */
export function contentHash(body: Buffer): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

const converted = new WeakMap<SchemaSet['definitions'], Map<string, Schema>>();

function convert(s: Schema): Schema {
  const out: Record<string, unknown> = {};
  const name = refName(s);
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref' || v === undefined) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      const props: Record<string, Schema> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, Schema>)) props[pk] = convert(pv);
      out.properties = props;
    } else if (k === 'items' && v && typeof v === 'object' && !Array.isArray(v)) out.items = convert(v as Schema);
    else if (k === 'additionalProperties' && v && typeof v === 'object') out.additionalProperties = convert(v as Schema);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) out[k] = (v as Schema[]).map(convert);
    else out[k] = v;
  }
  if (!name) return out as Schema;
  const ref = { $ref: COMPONENTS_PREFIX + name };
  // v3 forbids siblings of $ref: upstream wraps the reference in allOf and keeps the description beside it.
  return Object.keys(out).length ? ({ allOf: [ref], ...out } as Schema) : ref;
}

/** A definition in v3 form (memoised per definition set: documents share most definitions). */
export function v3Definition(name: string, schemas: SchemaSet): Schema | undefined {
  let memo = converted.get(schemas.definitions);
  if (!memo) {
    memo = new Map();
    converted.set(schemas.definitions, memo);
  }
  const hit = memo.get(name);
  if (hit) return hit;
  const s = schemas.definitions[name];
  if (!s) return undefined;
  let out: Schema;
  if (name === INT_OR_STRING) {
    out = { ...(s.description ? { description: s.description } : {}), format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
  } else if (name === QUANTITY) {
    out = { ...(s.description ? { description: s.description } : {}), oneOf: [{ type: 'string' }, { type: 'number' }] };
  } else out = convert(s);
  memo.set(name, out);
  return out;
}

function v3Param(p: ParamSpec): Record<string, unknown> {
  return { description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

function v3Operation(o: OperationSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { description: o.description, operationId: o.operationId };
  if (o.params.length) out.parameters = o.params.map(v3Param);
  if (o.body) {
    const schema = { $ref: COMPONENTS_PREFIX + o.body.def };
    out.requestBody = { content: Object.fromEntries(o.body.contentTypes.map((ct) => [ct, { schema }])), ...(o.body.required ? { required: true } : {}) };
  }
  const responses: Record<string, unknown> = {};
  for (const r of o.responses) {
    const schema = r.def ? { $ref: COMPONENTS_PREFIX + r.def } : r.text ? { type: 'string' } : undefined;
    responses[r.code] = schema ? { content: Object.fromEntries(o.produces.map((ct) => [ct, { schema }])), description: r.description } : { description: r.description };
  }
  out.responses = responses;
  out.tags = [o.tag];
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return out;
}

function v3Paths(paths: PathSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const item: Record<string, unknown> = {};
    for (const o of p.ops) item[o.method] = v3Operation(o);
    if (p.params.length) item.parameters = p.params.map(v3Param);
    out[p.path] = item;
  }
  return out;
}

const SECURITY_SCHEMES = { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } };
const definitionJson = new WeakMap<SchemaSet['definitions'], Map<string, string>>();

/** A component's JSON text, cached: most definitions appear in many documents. */
function componentJson(name: string, schemas: SchemaSet): string | undefined {
  let memo = definitionJson.get(schemas.definitions);
  if (!memo) {
    memo = new Map();
    definitionJson.set(schemas.definitions, memo);
  }
  let text = memo.get(name);
  if (text === undefined) {
    const d = v3Definition(name, schemas);
    if (!d) return undefined;
    text = JSON.stringify(d);
    memo.set(name, text);
  }
  return text;
}

/** One group-version's document as JSON text (all types must share group and version). */
export function groupVersionJson(types: ResourceType[], schemas: SchemaSet, opts: OpenApiOptions = {}): string {
  const paths = buildPaths(types, gvkResolver(schemas), (d) => d in schemas.definitions);
  const head = JSON.stringify({ openapi: '3.0.0', info: { title: 'Kubernetes', version: opts.version ?? DEFAULT_INFO_VERSION }, paths: v3Paths(paths) });
  const components: string[] = [];
  for (const name of closure(referencedDefs(paths), schemas)) {
    const text = componentJson(name, schemas);
    if (text !== undefined) components.push(`${JSON.stringify(name)}:${text}`);
  }
  return `${head.slice(0, -1)},"components":{"schemas":{${components.join(',')}},"securitySchemes":${JSON.stringify(SECURITY_SCHEMES)}},"security":[{"BearerToken":[]}]}`;
}

/**
 * The /openapi/v3 root and every group-version document, keyed as in the root (`api/v1`,
 * `apis/apps/v1`). Build it lazily, on the first /openapi/v3 request, and again when the set of
 * types changes (CRDs).
 */
export function openApiV3(types: ResourceType[], schemas: SchemaSet, opts: OpenApiOptions = {}): { root: object; docs: Map<string, OpenApiDoc> } {
  const byGv = new Map<string, ResourceType[]>();
  for (const t of types) {
    const key = groupVersionPath(t);
    const list = byGv.get(key);
    if (list) list.push(t);
    else byGv.set(key, [t]);
  }
  const docs = new Map<string, OpenApiDoc>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...byGv.keys()].sort()) {
    const body = Buffer.from(groupVersionJson(byGv.get(key)!, schemas, opts));
    const hash = contentHash(body);
    docs.set(key, { body, etag: `"${hash}"`, hash });
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { root: { paths }, docs };
}

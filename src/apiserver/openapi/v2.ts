// OpenAPI v2 (Swagger 2.0) for /openapi/v2: one document for every served type. kubectl asks for
// it as gnostic protobuf (`explain --output=plaintext-openapiv2`, client-side validation when a
// v3 document lacks fieldValidation, apply's fallback); other clients ask for JSON.
import type { ResourceType } from '../../api/registry/types.js';
import type { Schema, SchemaSet } from '../../api/schema/types.js';
import { encodeSwaggerDocument } from './gnostic.js';
import { buildPaths, referencedDefs } from './operations.js';
import type { OperationSpec, ParamSpec, PathSpec } from './operations.js';
import { closure, gvkResolver } from './schema-closure.js';
import { contentHash, DEFAULT_INFO_VERSION } from './v3.js';
import type { OpenApiDoc, OpenApiOptions } from './v3.js';

/**
 * The Content-Type to answer with. kubectl asks with the `@v1.0` spelling, but `@` is not a MIME
 * token character and Go's mime.ParseMediaType rejects it in a response, so upstream answers with
 * the dotted form.
 */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The spelling clients put in Accept. */
export const OPENAPI_V2_PROTOBUF_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** Whether an Accept header asks for the protobuf form (either spelling) rather than JSON. */
export function wantsV2Protobuf(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  const pb = types.findIndex((t) => t.startsWith('application/com.github.proto-openapi.spec.v2'));
  const js = types.findIndex((t) => t === 'application/json');
  return pb >= 0 && (js < 0 || pb < js);
}
const REF = '#/definitions/';

// One object per parameter spec, so the protobuf encoder can reuse its bytes.
const v2Params = new WeakMap<ParamSpec, Record<string, unknown>>();

function v2Param(p: ParamSpec): Record<string, unknown> {
  const hit = v2Params.get(p);
  if (hit) return hit;
  const out = { description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), type: p.type, uniqueItems: true };
  v2Params.set(p, out);
  return out;
}

function v2Operation(o: OperationSpec): Record<string, unknown> {
  const params = o.params.map(v2Param);
  if (o.body) params.push({ in: 'body', name: 'body', ...(o.body.required ? { required: true } : {}), schema: { $ref: REF + o.body.def } });
  const responses: Record<string, unknown> = {};
  for (const r of o.responses) {
    const schema = r.def ? { $ref: REF + r.def } : r.text ? { type: 'string' } : undefined;
    responses[r.code] = schema ? { description: r.description, schema } : { description: r.description };
  }
  const out: Record<string, unknown> = {
    consumes: o.consumes,
    description: o.description,
    operationId: o.operationId,
    ...(params.length ? { parameters: params } : {}),
    produces: o.produces,
    responses,
    schemes: ['https'],
    tags: [o.tag],
  };
  if (o.action) out['x-kubernetes-action'] = o.action;
  if (o.gvk) out['x-kubernetes-group-version-kind'] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return out;
}

function v2Paths(paths: PathSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const item: Record<string, unknown> = {};
    for (const o of p.ops) item[o.method] = v2Operation(o);
    if (p.params.length) item.parameters = p.params.map(v2Param);
    out[p.path] = item;
  }
  return out;
}

/** The Swagger 2.0 document as a JSON value. */
export function openApiV2Document(types: ResourceType[], schemas: SchemaSet, opts: OpenApiOptions = {}): Record<string, unknown> {
  const paths = buildPaths(types, gvkResolver(schemas), (d) => d in schemas.definitions);
  const definitions: Record<string, Schema> = {};
  for (const name of closure(referencedDefs(paths), schemas)) definitions[name] = schemas.definitions[name];
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: opts.version ?? DEFAULT_INFO_VERSION },
    paths: v2Paths(paths),
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    security: [{ BearerToken: [] }],
  };
}

/** The document as gnostic openapi_v2.Document protobuf; serve with Content-Type OPENAPI_V2_PROTOBUF. */
export function openApiV2Protobuf(types: ResourceType[], schemas: SchemaSet, opts: OpenApiOptions = {}): Buffer {
  return encodeSwaggerDocument(openApiV2Document(types, schemas, opts));
}

/** Both encodings with their ETags, built from one document (for a lazy /openapi/v2 handler). */
export function openApiV2(types: ResourceType[], schemas: SchemaSet, opts: OpenApiOptions = {}): { json: OpenApiDoc; protobuf: OpenApiDoc } {
  const doc = openApiV2Document(types, schemas, opts);
  const json = Buffer.from(JSON.stringify(doc));
  const protobuf = encodeSwaggerDocument(doc);
  const jh = contentHash(json);
  const ph = contentHash(protobuf);
  return { json: { body: json, etag: `"${jh}"`, hash: jh }, protobuf: { body: protobuf, etag: `"${ph}"`, hash: ph } };
}

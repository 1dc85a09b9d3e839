// POST, PUT and PATCH on a resource (and on /status): decode, check, run the write path, answer.

import { errors, field } from '../../api/errors.js';
import { cloneJson, isPlainObject, type JsonObject, type JsonValue, type KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { applyConfiguration } from '../../api/apply/index.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../api/patch/index.js';
import { decodeBody, DecodeError, goJsonParse, JSON_TYPE, mediaType, negotiate, parseJson, parseYamlBody } from '../codec.js';
import { goJsonKind } from '../rest/go-json.js';
import type { RequestContext } from '../context.js';
import { checkFieldValidation, fieldValidationOf } from '../rest/field-validation.js';
import { duplicateFields } from '../../api/schema/duplicate-fields.js';
import { DELETE } from '../rest/object-store.js';
import { checkTypeMeta, createObject, DryRunResult, optionErrors, prepareCreate, prepareUpdate, shouldDeleteAfterUpdate, updateObject, writeOptions } from '../rest/write.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import { namespaceFor } from './read.js';

/** Kinds whose PUT creates a missing object (upstream's AllowCreateOnUpdate). */
const CREATE_ON_UPDATE = new Set(['endpoints', 'events', 'leases', 'limitranges', 'endpointslices', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'runtimeclasses']);

/** Whether the scheme knows a kind in a version (built-in kinds, their lists); custom kinds are not checked. */
function registeredIn(rc: RequestContext): ((apiVersion: string, kind: string) => boolean) | undefined {
  if (!rc.type.schemaName.startsWith('io.k8s.')) return undefined;
  const registry = rc.server.registry;
  return (apiVersion, kind) => !!registry.byApiVersionKind(apiVersion, kind) || (kind.endsWith('List') && !!registry.byApiVersionKind(apiVersion, kind.slice(0, -4)));
}

function bodyObject(req: ApiRequest, rc: RequestContext): KubeObject {
  const obj = decodeBody(req.body, req.headers['content-type'], rc.type.kind);
  checkTypeMeta(obj, apiVersionOf(rc.type), rc.type.kind, () => req.body.subarray(0, 64).toString('utf8'), registeredIn(rc));
  // Go's decoder sees duplicate keys that JSON.parse silently merges: find them in the raw text.
  // Ignore drops them unseen, so only Warn and Strict pay for the scan.
  const json = mediaType(req.headers['content-type']) === JSON_TYPE || !req.headers['content-type'];
  const scan = json && fieldValidationOf(rc.query) !== 'Ignore';
  checkFieldValidation(rc, obj as KubeObject, false, scan ? duplicateFields(req.body.toString('utf8')) : []);
  return obj as KubeObject;
}

export async function create(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  if (rc.type.scope === 'Namespaced' && !rc.info.namespace) throw errors.notFoundPath();
  if (rc.info.name) throw errors.methodNotAllowed();
  const opts = writeOptions(rc);
  const obj = bodyObject(req, rc);
  const created = await createObject(rc, obj, opts);
  return respond(201, created, rendering, rc.warnings);
}

export async function update(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  if (!rc.info.name) throw errors.methodNotAllowed();
  const rendering = negotiate(req.headers.accept, false);
  const opts = writeOptions(rc);
  const obj = bodyObject(req, rc);
  const r = await updateObject(rc, obj, opts, rc.info.subresource === '' && CREATE_ON_UPDATE.has(rc.type.resource));
  return respond(r.created ? 201 : 200, r.object, rendering, rc.warnings);
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * Decodes a patch body as upstream's patchers do, with their words: with fieldValidation
 * Warn/Strict (the default, and kubectl's) JSON and merge patches are first read strictly into
 * their Go types ("error decoding patch: ..."); strategic merge patches into a map.
 */
export function parsePatchBody(body: Buffer, type: string, validation: string): unknown {
  if (type === APPLY_PATCH) {
    let value: unknown;
    try {
      value = parseYamlBody(body);
    } catch (e) {
      if (e instanceof DecodeError) throw errors.badRequest(`error decoding YAML: ${e.message}`);
      throw e;
    }
    if (value === null) value = {};
    if (!isPlainObject(value)) throw errors.badRequest(`error decoding YAML: json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`);
    return value;
  }
  const strict = validation !== 'Ignore';
  if (type === 'application/strategic-merge-patch+json') {
    const v = parseJson(body, '');
    if (!isPlainObject(v)) throw errors.badRequest(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type map[string]interface {}`);
    return v;
  }
  if (!strict) {
    if (type === MERGE_PATCH) {
      try {
        return goJsonParse(body, '');
      } catch (e) {
        if (e instanceof DecodeError) throw errors.badRequest('Invalid JSON Patch');
        throw e;
      }
    }
    return parseJson(body, '');
  }
  const v = parseJson(body, 'error decoding patch: ');
  const bad = (what: string, into: string) => errors.badRequest(`error decoding patch: json: cannot unmarshal ${what} into Go ${into}`);
  if (type === MERGE_PATCH) {
    if (v !== null && !isPlainObject(v)) throw bad(goJsonKind(v), 'value of type map[string]interface {}');
    return v;
  }
  if (v === null) return v;
  if (!Array.isArray(v)) throw bad(goJsonKind(v), 'value of type []handlers.jsonPatchOp');
  for (const op of v) {
    if (op === null) continue;
    if (!isPlainObject(op)) throw bad(goJsonKind(op), 'value of type handlers.jsonPatchOp');
    for (const f of ['op', 'path', 'from'] as const) {
      const x = op[f];
      if (x !== undefined && x !== null && typeof x !== 'string') throw bad(goJsonKind(x), `struct field jsonPatchOp.${f} of type string`);
    }
  }
  return v;
}

/** schema.GroupVersionKind's String() of an unstructured object: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
function gvkString(obj: Record<string, unknown>): string {
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const parts = av.split('/');
  if (parts.length > 2) return '/, Kind=';
  const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
  return `${group}/${version}, Kind=${kind}`;
}

export async function patch(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  // Upstream checks the patch type before anything else, even the Accept header.
  const type = mediaType(req.headers['content-type']);
  if (!PATCH_TYPES.includes(type)) throw errors.unsupportedMediaType(type, PATCH_TYPES);
  const rendering = negotiate(req.headers.accept, false);
  const optErrs = optionErrors(rc);
  if (type === APPLY_PATCH && !rc.query.get('fieldManager')) optErrs.unshift(field.required('fieldManager', 'is required for apply patch'));
  if (type !== APPLY_PATCH && rc.query.has('force')) optErrs.unshift(field.forbidden('force', 'may not be specified for non-apply patch'));
  if (optErrs.length) throw errors.invalid('meta.k8s.io', 'PatchOptions', '', optErrs);
  const opts = writeOptions(rc);
  const validation = fieldValidationOf(rc.query);
  // Decoded once, and only once the object is known to exist: a bad patch to a missing object is a 404.
  let decoded: { v: unknown } | undefined;
  const patchBody = () => (decoded ??= { v: parsePatchBody(req.body, type, validation) }).v;
  const objects = rc.server.objects(rc.type);
  const t = rc.type;

  if (type === APPLY_PATCH) {
    const body = patchBody();
    const config = body as KubeObject;
    if (config.apiVersion !== apiVersionOf(t) || config.kind !== t.kind) throw errors.badRequest(`invalid object type: ${gvkString(config)}`);
    checkFieldValidation(rc, config);
    if (config.metadata?.name !== undefined && config.metadata.name !== rc.info.name) {
      throw errors.badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${rc.info.name})`);
    }
    const force = rc.query.get('force') === 'true';
    const apply = (live: KubeObject | undefined) =>
      applyConfiguration({ live, config: cloneJson(config), manager: opts.fieldManager, force, apiVersion: apiVersionOf(t), subresource: rc.info.subresource || undefined, now: rc.server.now(), defName: t.schemaName });
    const r = await objects
      .guaranteedUpdate(
        namespaceFor(rc),
        rc.info.name,
        async (current) => {
          const applied = apply(current);
          if (applied.noop) return current;
          const next = await prepareUpdate(rc, applied.object, current, opts, false);
          if (opts.dryRun) throw new DryRunResult(next);
          return shouldDeleteAfterUpdate(next) ? DELETE : next;
        },
        rc.info.subresource
          ? undefined
          : async () => {
              const applied = apply(undefined);
              const meta = { ...(applied.object.metadata ?? {}), name: rc.info.name };
              if (t.scope === 'Namespaced') meta.namespace = rc.info.namespace;
              const obj = await prepareCreate(rc, { ...applied.object, metadata: meta }, opts, applied.managedFields);
              if (opts.dryRun) throw new DryRunResult(obj);
              return obj;
            },
      )
      .catch((e: unknown) => {
        if (e instanceof DryRunResult) return { object: e.object, created: false, deleted: false, changed: true };
        throw e;
      });
    return respond(r.created ? 201 : 200, r.object, rendering, rc.warnings);
  }

  const r = await objects
    .guaranteedUpdate(namespaceFor(rc), rc.info.name, async (current) => {
      const currentJson = cloneJson(current) as unknown as JsonObject;
      const body = patchBody();
      let patched: JsonValue;
      if (type === 'application/json-patch+json') patched = applyJsonPatch(currentJson, body);
      else if (type === 'application/merge-patch+json') patched = applyMergePatch(currentJson, body as JsonValue);
      else {
        patched = applyStrategicMergePatch(currentJson, body as JsonObject, t.schemaName);
      }
      if (!isPlainObject(patched)) throw errors.badRequest('the patch produced an object that is not a JSON object');
      const next = patched as KubeObject;
      // A patch that sets resourceVersion asks for optimistic concurrency on it.
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== current.metadata?.resourceVersion) throw errors.staleResourceVersion(objects.gr, rc.info.name);
      checkTypeMeta(next, apiVersionOf(t), t.kind, () => JSON.stringify(next).slice(0, 64), registeredIn(rc));
      checkFieldValidation(rc, next, true, [], current);
      const prepared = await prepareUpdate(rc, next, current, opts);
      if (opts.dryRun) throw new DryRunResult(prepared);
      return shouldDeleteAfterUpdate(prepared) ? DELETE : prepared;
    })
    .catch((e: unknown) => {
      if (e instanceof DryRunResult) return { object: e.object, created: false, deleted: false, changed: true };
      throw e;
    });
  return respond(200, r.object, rendering, rc.warnings);
}

// POST, PUT and PATCH on a resource (and on /status): decode, check, run the write path, answer.

import { errors, StatusError } from '../../api/errors.js';
import { cloneJson, isPlainObject, type JsonObject, type JsonValue, type KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { applyConfiguration } from '../../api/apply/index.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../api/patch/index.js';
import { decodeBody, mediaType, negotiate, parseJson } from '../codec.js';
import type { RequestContext } from '../context.js';
import { checkFieldValidation } from '../rest/field-validation.js';
import { DELETE } from '../rest/object-store.js';
import { checkTypeMeta, createObject, DryRunResult, prepareCreate, prepareUpdate, shouldDeleteAfterUpdate, updateObject, writeOptions } from '../rest/write.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import { namespaceFor } from './read.js';

/** Kinds whose PUT creates a missing object (upstream's AllowCreateOnUpdate). */
const CREATE_ON_UPDATE = new Set(['endpoints', 'events', 'leases', 'limitranges', 'endpointslices', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'priorityclasses']);

function bodyObject(req: ApiRequest, rc: RequestContext): KubeObject {
  const obj = decodeBody(req.body, req.headers['content-type']);
  checkTypeMeta(obj, apiVersionOf(rc.type), rc.type.kind, () => req.body.toString('utf8').slice(0, 200));
  checkFieldValidation(rc, obj as KubeObject);
  return obj as KubeObject;
}

export async function create(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  if (rc.type.scope === 'Namespaced' && !rc.info.namespace) throw errors.notFoundPath();
  if (rc.info.name) throw errors.methodNotSupported({ group: rc.type.group, resource: rc.type.resource }, 'create');
  const obj = bodyObject(req, rc);
  const created = await createObject(rc, obj, writeOptions(rc));
  return respond(201, created, rendering, rc.warnings);
}

export async function update(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const obj = bodyObject(req, rc);
  const r = await updateObject(rc, obj, writeOptions(rc), rc.info.subresource === '' && CREATE_ON_UPDATE.has(rc.type.resource));
  return respond(r.created ? 201 : 200, r.object, rendering, rc.warnings);
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

function parsePatchBody(req: ApiRequest, type: string): unknown {
  if (type === 'application/apply-patch+yaml') return decodeBody(req.body, 'application/yaml');
  return parseJson(req.body);
}

export async function patch(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const type = mediaType(req.headers['content-type']);
  if (!PATCH_TYPES.includes(type)) throw errors.unsupportedMediaType(type, PATCH_TYPES);
  const body = parsePatchBody(req, type);
  const opts = writeOptions(rc);
  const objects = rc.server.objects(rc.type);
  const t = rc.type;

  if (type === 'application/apply-patch+yaml') {
    if (!rc.query.get('fieldManager')) throw new StatusError(422, 'Invalid', 'fieldManager: Required value: is required for apply patch', { causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] });
    if (!isPlainObject(body)) throw errors.badRequest('error decoding YAML: apply patch must be an object');
    const config = body as KubeObject;
    checkTypeMeta(config, apiVersionOf(t), t.kind, () => req.body.toString('utf8').slice(0, 200));
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
      let patched: JsonValue;
      if (type === 'application/json-patch+json') patched = applyJsonPatch(currentJson, body);
      else if (type === 'application/merge-patch+json') patched = applyMergePatch(currentJson, body as JsonValue);
      else {
        if (!isPlainObject(body)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
        patched = applyStrategicMergePatch(currentJson, body as JsonObject, t.schemaName);
      }
      if (!isPlainObject(patched)) throw errors.badRequest('the patch produced an object that is not a JSON object');
      const next = patched as KubeObject;
      // A patch that sets resourceVersion asks for optimistic concurrency on it.
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== current.metadata?.resourceVersion) throw errors.staleResourceVersion(objects.gr, rc.info.name);
      checkTypeMeta(next, apiVersionOf(t), t.kind, () => JSON.stringify(next).slice(0, 200));
      checkFieldValidation(rc, next, true);
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

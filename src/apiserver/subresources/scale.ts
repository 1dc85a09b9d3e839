// The scale subresource (autoscaling/v1 Scale) of deployments, replicasets, statefulsets and
// replicationcontrollers: kubectl scale reads and writes replicas through it.

import { errors, field } from '../../api/errors.js';
import { cloneJson, isPlainObject, type JsonObject, type JsonValue, type KubeObject } from '../../api/object.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../api/patch/index.js';
import { formatLabelSelector } from '../../api/selectors/label-selector.js';
import { decodeBody, mediaType, negotiate, parseJson } from '../codec.js';
import type { RequestContext } from '../context.js';
import { DryRunResult, prepareUpdate, writeOptions } from '../rest/write.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import { namespaceFor } from '../verbs/read.js';

export function scaleOf(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata ?? {};
  // ReplicationControllers keep a plain map selector.
  const selector = isPlainObject(spec.selector) && !('matchLabels' in spec.selector) && !('matchExpressions' in spec.selector)
    ? Object.entries(spec.selector as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',')
    : formatLabelSelector(spec.selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selector === '<none>' ? '' : selector },
  };
}

export async function getScale(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const obj = await rc.server.objects(rc.type).get(namespaceFor(rc), rc.info.name);
  return respond(200, scaleOf(obj), negotiate(req.headers.accept, false));
}

export function replicasOf(scale: unknown): number {
  if (!isPlainObject(scale)) throw errors.badRequest('Scale must be an object');
  const spec = scale.spec;
  const r = isPlainObject(spec) ? spec.replicas : undefined;
  if (r === undefined || r === null) return 0;
  if (typeof r !== 'number' || !Number.isInteger(r)) throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof r} into Go struct field ScaleSpec.spec.replicas of type int32`);
  return r;
}

/** PUT and PATCH of /scale: computes the new Scale, then writes replicas to the parent. */
export async function writeScale(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const opts = writeOptions(rc);
  const objects = rc.server.objects(rc.type);
  const type = mediaType(req.headers['content-type']);
  const incoming = req.method === 'PATCH' ? (type === 'application/apply-patch+yaml' ? decodeBody(req.body, 'application/yaml') : parseJson(req.body)) : decodeBody(req.body, req.headers['content-type']);
  const mainRc: RequestContext = { ...rc, info: { ...rc.info, subresource: 'scale' } };
  const r = await objects
    .guaranteedUpdate(namespaceFor(rc), rc.info.name, async (current) => {
      const scale = scaleOf(current);
      let desired: unknown;
      if (req.method === 'PUT') {
        desired = incoming;
        const rv = isPlainObject(incoming) && isPlainObject(incoming.metadata) ? incoming.metadata.resourceVersion : undefined;
        if (rv && rv !== current.metadata?.resourceVersion) throw errors.staleResourceVersion(objects.gr, rc.info.name);
      } else if (type === 'application/json-patch+json') desired = applyJsonPatch(scale as unknown as JsonValue, incoming);
      else if (type === 'application/merge-patch+json' || type === 'application/apply-patch+yaml') desired = applyMergePatch(scale as unknown as JsonValue, incoming as JsonValue);
      else if (type === 'application/strategic-merge-patch+json') desired = applyStrategicMergePatch(scale as unknown as JsonObject, incoming as JsonObject, 'io.k8s.api.autoscaling.v1.Scale');
      else throw errors.unsupportedMediaType(type, ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
      const next = cloneJson(current);
      const replicas = replicasOf(desired);
      if (replicas < 0) throw errors.invalid('autoscaling', 'Scale', rc.info.name, [field.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
      next.spec = { ...((next.spec ?? {}) as object), replicas };
      // Recorded in managedFields as a write through the scale subresource, as upstream does.
      const prepared = await prepareUpdate(mainRc, next, current, opts);
      if (opts.dryRun) throw new DryRunResult(prepared);
      return prepared;
    })
    .catch((e: unknown) => {
      if (e instanceof DryRunResult) return { object: e.object, created: false, deleted: false, changed: true };
      throw e;
    });
  return respond(200, scaleOf(r.object), rendering);
}

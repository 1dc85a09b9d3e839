// Pod subresources: binding (the scheduler's write), eviction (kubectl drain), and the
// streaming ones, which need a node agent.

import { errors, field } from '../../api/errors.js';
import { cloneJson, isPlainObject, type KubeObject } from '../../api/object.js';
import { decodeBody, negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import { formatTime } from '../rest/meta.js';
import { writeOptions, prepareUpdate, DryRunResult } from '../rest/write.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import { deleteOne, type DeleteOptions } from '../verbs/delete.js';
import { namespaceFor } from '../verbs/read.js';

/** POST pods/NAME/binding (and POST bindings): assigns the pod to a node, once. */
export async function bindPod(req: ApiRequest, rc: RequestContext, podName: string): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const binding = decodeBody(req.body, req.headers['content-type']);
  const target = isPlainObject(binding.target) ? (binding.target as { kind?: string; name?: string }) : undefined;
  if (!target?.name) throw errors.invalid('', 'Binding', podName, [field.required('target.name')]);
  if (target.kind && target.kind !== 'Node') throw errors.badRequest(`target kind must be Node, got ${target.kind}`);
  const opts = writeOptions(rc);
  const podsRc: RequestContext = { ...rc, info: { ...rc.info, name: podName, subresource: '' }, type: rc.server.registry.lookup('', 'v1', 'pods')! };
  const objects = rc.server.objects(podsRc.type);
  await objects
    .guaranteedUpdate(namespaceFor(podsRc), podName, async (pod) => {
      if (pod.metadata?.deletionTimestamp) throw errors.conflict(objects.gr, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName) throw errors.conflict(objects.gr, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
      const next = cloneJson(pod);
      (next.spec as { nodeName?: string }).nodeName = target.name;
      const status = ((next.status ?? {}) as { conditions?: { type: string }[] });
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      const now = formatTime(rc.server.now());
      next.status = { ...status, conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
      const annotations = (binding.metadata as KubeObject['metadata'])?.annotations;
      if (annotations) next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), ...annotations } };
      const prepared = await prepareUpdate({ ...podsRc, info: { ...podsRc.info, subresource: 'binding' } }, next, pod, opts);
      if (opts.dryRun) throw new DryRunResult(prepared);
      return prepared;
    })
    .catch((e: unknown) => {
      if (e instanceof DryRunResult) return undefined;
      throw e;
    });
  return respond(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, rendering);
}

/** POST pods/NAME/eviction: a polite delete that honours the Eviction's DeleteOptions. */
export async function evictPod(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const eviction = decodeBody(req.body, req.headers['content-type']);
  const name = (eviction.metadata as { name?: string } | undefined)?.name;
  if (name && name !== rc.info.name) throw errors.badRequest(`name in URL does not match name in Eviction object`);
  const del = (isPlainObject(eviction.deleteOptions) ? eviction.deleteOptions : {}) as { gracePeriodSeconds?: number; preconditions?: DeleteOptions['preconditions'] };
  const podsRc: RequestContext = { ...rc, info: { ...rc.info, subresource: '' } };
  await deleteOne(podsRc, rc.info.name, { gracePeriodSeconds: del.gracePeriodSeconds, preconditions: del.preconditions, dryRun: writeOptions(rc).dryRun });
  return respond(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, rendering);
}

/** log, exec, attach, portforward, proxy: served by the node agent, which this server does not run yet. */
export async function podStreaming(rc: RequestContext): Promise<ApiResponse> {
  const pod = await rc.server.objects(rc.type).get(namespaceFor(rc), rc.info.name);
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!node) throw errors.badRequest(`pod ${rc.info.name} does not have a host assigned`);
  throw errors.serviceUnavailable(`no node agent is serving node "${node}"`);
}

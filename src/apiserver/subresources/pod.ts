// Pod subresources: binding (the scheduler's write), eviction (kubectl drain), and the
// streaming ones, which need a node agent.

import { errors, field, StatusError, type FieldError } from '../../api/errors.js';
import { cloneJson, isPlainObject, type KubeObject } from '../../api/object.js';
import { decodeBody, negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import { formatTime } from '../rest/meta.js';
import { writeOptions } from '../rest/write.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import type { DeleteOptions } from '../verbs/delete.js';
import { namespaceFor } from '../verbs/read.js';
import { admitSubresourceCreate } from './admit.js';
import { evictWithBudgets } from './eviction.js';

interface Condition {
  type: string;
  status?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
}

/** Upstream's ValidatePodBinding. */
export function validateBinding(binding: Record<string, unknown>): FieldError[] {
  const target = (isPlainObject(binding.target) ? binding.target : {}) as { kind?: string; name?: string };
  const errs: FieldError[] = [];
  if (target.kind && target.kind !== 'Node') errs.push(field.notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) errs.push(field.required('target.name', ''));
  return errs;
}

/** Sets PodScheduled=True as upstream's UpdatePodCondition: in place, keeping the transition time if unchanged. */
export function setScheduled(conditions: Condition[], now: string): Condition[] {
  const next: Condition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
  const i = conditions.findIndex((c) => c.type === 'PodScheduled');
  if (i < 0) return [...conditions, next];
  const old = conditions[i];
  if (old.status === 'True') next.lastTransitionTime = old.lastTransitionTime ?? now;
  return conditions.map((c, j) => (j === i ? next : c));
}

/**
 * POST pods/NAME/binding (and POST bindings): assigns the pod to a node, once. Like upstream's
 * BindingREST this writes the pod directly: pod update validation (which forbids changing
 * spec.nodeName) does not apply, and failures are Conflicts on "pods/binding".
 */
export async function bindPod(req: ApiRequest, rc: RequestContext, podName: string): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const binding = decodeBody(req.body, req.headers['content-type']);
  const meta = (isPlainObject(binding.metadata) ? binding.metadata : {}) as NonNullable<KubeObject['metadata']>;
  if ((meta.name ?? '') !== podName) throw errors.badRequest('name in URL does not match name in Binding object');
  const errs = validateBinding(binding);
  // Upstream returns these as a plain error, which the server reports as a reasonless 500.
  if (errs.length) throw new StatusError(500, '', errs.length === 1 ? errs[0].toString() : `[${errs.map(String).join(', ')}]`);
  const nodeName = (binding.target as { name: string }).name;
  const opts = writeOptions(rc);
  const podsType = rc.server.registry.lookup('', 'v1', 'pods')!;
  const podsRc: RequestContext = { ...rc, info: { ...rc.info, name: podName, subresource: 'binding' }, type: podsType };
  await admitSubresourceCreate(podsRc, 'binding', binding as KubeObject, opts.dryRun);
  const objects = rc.server.objects(podsType);
  const conflict = (why: string) => errors.conflict({ group: '', resource: 'pods/binding' }, podName, why);
  await objects.guaranteedUpdate(namespaceFor(podsRc), podName, (pod) => {
    if (pod.metadata?.deletionTimestamp) throw conflict(`pod ${podName} is being deleted, cannot be assigned to a host`);
    const spec = (pod.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
    if (spec.nodeName) throw conflict(`pod ${podName} is already assigned to node "${spec.nodeName}"`);
    if (spec.schedulingGates?.length) throw conflict(`pod ${podName} has non-empty .spec.schedulingGates`);
    if (opts.dryRun) return pod;
    const next = cloneJson(pod);
    (next.spec as { nodeName?: string }).nodeName = nodeName;
    if (meta.annotations && Object.keys(meta.annotations).length) next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), ...meta.annotations } };
    const status = (next.status ?? {}) as { conditions?: Condition[] };
    next.status = { ...status, conditions: setScheduled(status.conditions ?? [], formatTime(rc.server.now())) } as KubeObject['status'];
    return next;
  });
  return respond(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, rendering);
}

/**
 * POST pods/NAME/eviction: a polite delete that honours the Eviction's DeleteOptions and the
 * pod's PodDisruptionBudget (see eviction.ts).
 */
export async function evictPod(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const eviction = decodeBody(req.body, req.headers['content-type']);
  const name = (eviction.metadata as { name?: string } | undefined)?.name ?? '';
  if (name !== rc.info.name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const del = (isPlainObject(eviction.deleteOptions) ? eviction.deleteOptions : {}) as { gracePeriodSeconds?: number; preconditions?: DeleteOptions['preconditions'] };
  const dryRun = writeOptions(rc).dryRun;
  await admitSubresourceCreate(rc, 'eviction', eviction as KubeObject, dryRun);
  const podsRc: RequestContext = { ...rc, info: { ...rc.info, subresource: '' } };
  await evictWithBudgets(podsRc, rc.info.name, { gracePeriodSeconds: del.gracePeriodSeconds, preconditions: del.preconditions, dryRun });
  return respond(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, rendering);
}

/** log, exec, attach, portforward, proxy: served by the node agent, which this server does not run yet. */
export async function podStreaming(rc: RequestContext): Promise<ApiResponse> {
  const pod = await rc.server.objects(rc.type).get(namespaceFor(rc), rc.info.name);
  const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!node) throw errors.badRequest(`pod ${rc.info.name} does not have a host assigned`);
  throw errors.serviceUnavailable(`no node agent is serving node "${node}"`);
}

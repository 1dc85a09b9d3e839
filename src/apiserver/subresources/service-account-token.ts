// serviceaccounts/NAME/token: issues a bound token (TokenRequest), as `kubectl create token` asks.

import { errors, field, type FieldError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { DEFAULT_ISSUER } from '../authn/service-account-tokens.js';
import { decodeBody, negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import { formatTime } from '../rest/meta.js';
import { writeOptions } from '../rest/write.js';
import { admitSubresourceCreate } from './admit.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';

/** Upstream's ValidateTokenRequest. */
export function validateTokenRequest(expirationSeconds: number): FieldError[] {
  const errs: FieldError[] = [];
  if (expirationSeconds < 600) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > 2 ** 32 - 1) errs.push(field.tooLong('spec.expirationSeconds', expirationSeconds, 2 ** 32 - 1));
  return errs;
}

/** Go's GroupVersionKind.String() for an apiVersion and kind: "/v1, Kind=Node", "apps/v1, Kind=Deployment". */
function gvkString(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `${group}/${version}, Kind=${kind}`;
}

interface BoundObjectRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export async function createToken(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const server = rc.server;
  if (!server.tokens) throw errors.serviceUnavailable('token issuing is not configured');
  const body = decodeBody(req.body, req.headers['content-type']);
  const spec = (isPlainObject(body.spec) ? body.spec : {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: BoundObjectRef | null };
  const meta = (isPlainObject(body.metadata) ? body.metadata : {}) as { name?: string; namespace?: string };
  const { name, namespace } = rc.info;
  // Defaulted as upstream's TokenRequestSpec: one hour.
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  const errs = validateTokenRequest(expirationSeconds);
  if (errs.length) throw errors.invalid('authentication.k8s.io', 'TokenRequest', '', errs);
  if (meta.name && meta.name !== name) {
    throw errors.invalid('authentication.k8s.io', 'TokenRequest', name, [field.invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw errors.invalid('authentication.k8s.io', 'TokenRequest', name, [field.invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
  }
  const dryRun = writeOptions(rc).dryRun;
  await admitSubresourceCreate(rc, 'token', body as KubeObject, dryRun);
  const sa = await server.objects(rc.type).get(namespace, name);
  let boundObject: { kind: string; name: string; uid: string } | undefined;
  let node: { name: string; uid: string } | undefined;
  const ref = spec.boundObjectRef ?? undefined;
  if (ref) {
    const kind = ref.kind ?? '';
    const apiVersion = ref.apiVersion ?? '';
    const core = apiVersion === 'v1' || apiVersion === '';
    const resource = core && kind === 'Pod' ? 'pods' : core && kind === 'Secret' ? 'secrets' : core && kind === 'Node' ? 'nodes' : undefined;
    if (!resource) throw errors.badRequest(`cannot bind token to object of type ${gvkString(apiVersion, kind)}`);
    const target = await server.objectsOf('', resource).get(resource === 'nodes' ? undefined : namespace, ref.name ?? '');
    const uid = target.metadata?.uid ?? '';
    if (kind === 'Pod') {
      const podSa = (target.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
      if (podSa !== name) throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      // A scheduled pod's token also names its node, as upstream's pod node info claims do.
      const nodeName = (target.spec as { nodeName?: string } | undefined)?.nodeName;
      const n = nodeName ? await server.objectsOf('', 'nodes').tryGet(undefined, nodeName) : undefined;
      if (n?.metadata?.uid) node = { name: nodeName!, uid: n.metadata.uid };
    }
    if (kind === 'Node') node = { name: ref.name ?? '', uid };
    if (ref.uid && ref.uid !== uid) {
      throw errors.conflict({ group: '', resource: kind }, ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    if (kind !== 'Node') boundObject = { kind, name: ref.name ?? '', uid };
  }
  const audiences = spec.audiences?.length ? spec.audiences : [DEFAULT_ISSUER];
  const issued = dryRun
    ? { token: '', expiration: new Date(server.now().getTime() + expirationSeconds * 1000) }
    : await server.tokens.issue({ namespace, name, uid: sa.metadata!.uid! }, { audiences, expirationSeconds, boundObject, ...(node ? { node } : {}) } as Parameters<NonNullable<typeof server.tokens>['issue']>[1], server.now());
  return respond(201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...meta, name, namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token: issued.token, expirationTimestamp: formatTime(issued.expiration) },
  }, rendering);
}

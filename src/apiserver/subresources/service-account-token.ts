// serviceaccounts/NAME/token: issues a bound token (TokenRequest), as `kubectl create token` asks.

import { errors, field } from '../../api/errors.js';
import { isPlainObject } from '../../api/object.js';
import { DEFAULT_ISSUER } from '../authn/service-account-tokens.js';
import { decodeBody, negotiate } from '../codec.js';
import type { RequestContext } from '../context.js';
import { formatTime } from '../rest/meta.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse } from '../types.js';

export async function createToken(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const server = rc.server;
  if (!server.tokens) throw errors.serviceUnavailable('token issuing is not configured');
  const body = decodeBody(req.body, req.headers['content-type']);
  const spec = (isPlainObject(body.spec) ? body.spec : {}) as { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } };
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  if (expirationSeconds < 600) throw errors.invalid('authentication.k8s.io', 'TokenRequest', '', [field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  if (expirationSeconds > 2 ** 32) throw errors.invalid('authentication.k8s.io', 'TokenRequest', '', [field.tooLong('spec.expirationSeconds', expirationSeconds, 2 ** 32)]);
  const sa = await server.objects(rc.type).get(rc.info.namespace, rc.info.name);
  let boundObject: { kind: string; name: string; uid: string } | undefined;
  const ref = spec.boundObjectRef;
  if (ref?.name) {
    const kind = ref.kind ?? '';
    const resource = kind === 'Pod' ? 'pods' : kind === 'Secret' ? 'secrets' : undefined;
    if (!resource) throw errors.badRequest(`cannot bind token to object of type ${kind}`);
    const target = await server.objectsOf('', resource).get(rc.info.namespace, ref.name);
    if (ref.uid && ref.uid !== target.metadata?.uid) throw errors.conflict({ group: '', resource }, ref.name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    boundObject = { kind, name: ref.name, uid: target.metadata!.uid! };
  }
  const audiences = spec.audiences?.length ? spec.audiences : [DEFAULT_ISSUER];
  const { token, expiration } = await server.tokens.issue({ namespace: rc.info.namespace, name: rc.info.name, uid: sa.metadata!.uid! }, { audiences, expirationSeconds, boundObject }, server.now());
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  return respond(201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { ...meta, name: rc.info.name, namespace: rc.info.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: formatTime(expiration) },
  }, rendering);
}

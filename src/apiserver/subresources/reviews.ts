// Create-only review kinds (authorization.k8s.io and authentication.k8s.io): computed answers,
// never stored. kubectl auth can-i / whoami and kubelets' webhooks use them.

import { errors, field } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { decodeBody, negotiate } from '../codec.js';
import type { AuthorizationAttributes, RequestContext } from '../context.js';
import { respond } from '../render.js';
import type { ApiRequest, ApiResponse, UserInfo } from '../types.js';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

function attributesFrom(spec: Record<string, unknown>, user: UserInfo, namespaceOverride?: string): AuthorizationAttributes {
  const ra = isPlainObject(spec.resourceAttributes) ? (spec.resourceAttributes as ResourceAttributes) : undefined;
  const nra = isPlainObject(spec.nonResourceAttributes) ? (spec.nonResourceAttributes as { path?: string; verb?: string }) : undefined;
  if (ra) {
    return { user, isResourceRequest: true, verb: ra.verb ?? '', namespace: namespaceOverride ?? ra.namespace ?? '', apiGroup: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '', name: ra.name ?? '' };
  }
  if (nra) return { user, isResourceRequest: false, verb: nra.verb ?? '', path: nra.path ?? '' };
  throw errors.invalid('authorization.k8s.io', 'SelfSubjectAccessReview', '', [
    field.invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'),
  ]);
}

function userFromSpec(spec: Record<string, unknown>): UserInfo {
  return {
    username: typeof spec.user === 'string' ? spec.user : '',
    uid: typeof spec.uid === 'string' ? spec.uid : undefined,
    groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [],
    extra: isPlainObject(spec.extra) ? (spec.extra as Record<string, string[]>) : undefined,
  };
}

function echo(rc: RequestContext, body: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  const meta = isPlainObject(body.metadata) ? { ...body.metadata } : {};
  return { kind: rc.type.kind, apiVersion: apiVersionOf(rc.type), metadata: { ...meta, creationTimestamp: null }, spec: body.spec ?? {}, status };
}

export async function createReview(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
  const rendering = negotiate(req.headers.accept, false);
  const body = decodeBody(req.body, req.headers['content-type']);
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const server = rc.server;
  switch (rc.type.resource) {
    case 'selfsubjectaccessreviews':
    case 'subjectaccessreviews':
    case 'localsubjectaccessreviews': {
      const user = rc.type.resource === 'selfsubjectaccessreviews' ? rc.user : userFromSpec(spec);
      if (rc.type.resource !== 'selfsubjectaccessreviews' && !user.username && user.groups.length === 0) {
        throw errors.invalid('authorization.k8s.io', rc.type.kind, '', [field.invalid('spec.user', '', 'at least one of user or group must be specified')]);
      }
      const attrs = attributesFrom(spec, user, rc.type.resource === 'localsubjectaccessreviews' ? rc.info.namespace : undefined);
      const d = await server.authorizer.authorize(attrs, server);
      const status: Record<string, unknown> = { allowed: d.allowed };
      if (d.reason) status.reason = d.reason;
      if (d.evaluationError) status.evaluationError = d.evaluationError;
      return respond(201, echo(rc, body, status), rendering);
    }
    case 'selfsubjectrulesreviews': {
      const ns = typeof spec.namespace === 'string' ? spec.namespace : '';
      const rules = server.authorizer.rulesFor ? await server.authorizer.rulesFor(rc.user, ns, server) : { resourceRules: [], nonResourceRules: [], incomplete: true };
      return respond(201, echo(rc, body, rules), rendering);
    }
    case 'tokenreviews': {
      const token = typeof spec.token === 'string' ? spec.token : '';
      const audiences = Array.isArray(spec.audiences) ? (spec.audiences as string[]) : undefined;
      const user = token && server.tokens ? await server.tokens.authenticate(token, server) : undefined;
      const status: Record<string, unknown> = user ? { authenticated: true, user, audiences: audiences ?? ['https://kubernetes.default.svc.cluster.local'] } : { user: {}, error: '[invalid bearer token, service account token has been invalidated]' };
      return respond(201, echo(rc, body, status), rendering);
    }
    case 'selfsubjectreviews': {
      const u: Record<string, unknown> = { username: rc.user.username, groups: rc.user.groups };
      if (rc.user.uid) u.uid = rc.user.uid;
      if (rc.user.extra) u.extra = rc.user.extra;
      return respond(201, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: u } }, rendering);
    }
  }
  throw errors.methodNotSupported({ group: rc.type.group, resource: rc.type.resource }, 'create');
}

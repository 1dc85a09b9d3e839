// Create-only review kinds (authorization.k8s.io and authentication.k8s.io): computed answers,
// never stored. kubectl auth can-i / whoami and kubelets' webhooks use them.

import { errors, field, type FieldError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../api/registry/types.js';
import { decodeBody, negotiate } from '../codec.js';
import { DEFAULT_ISSUER, ServiceAccountTokens } from '../authn/service-account-tokens.js';
import type { AuthorizationAttributes, RequestContext, ServerContext } from '../context.js';
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

/** The SubjectAccessReviewSpec checks of upstream's validation, per review kind. */
export function validateAccessReviewSpec(kind: string, spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  const given = (v: unknown) => v !== undefined && v !== null;
  if (kind === 'LocalSubjectAccessReview') {
    if (!given(ra)) errs.push(field.required('spec.resourceAttributes', ''));
    if (given(nra)) errs.push(field.invalid('spec.nonResourceAttributes', nra, 'disallowed on this kind of request'));
  } else {
    if (given(ra) && given(nra)) errs.push(field.invalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes'));
    if (!given(ra) && !given(nra)) errs.push(field.invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  if (kind !== 'SelfSubjectAccessReview') {
    const noUser = typeof spec.user !== 'string' || spec.user === '';
    const noGroups = !Array.isArray(spec.groups) || spec.groups.length === 0;
    if (noUser && noGroups) errs.push(field.invalid('spec.user', typeof spec.user === 'string' ? spec.user : '', 'at least one of user or group must be specified'));
  }
  return errs;
}

export function attributesFrom(spec: Record<string, unknown>, user: UserInfo): AuthorizationAttributes {
  if (isPlainObject(spec.resourceAttributes)) {
    const ra = spec.resourceAttributes as ResourceAttributes;
    return { user, isResourceRequest: true, verb: ra.verb ?? '', namespace: ra.namespace ?? '', apiGroup: ra.group ?? '', resource: ra.resource ?? '', subresource: ra.subresource ?? '', name: ra.name ?? '' };
  }
  const nra = (isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {}) as { path?: string; verb?: string };
  return { user, isResourceRequest: false, verb: nra.verb ?? '', path: nra.path ?? '' };
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

/** TokenReview's status: the authenticated user and audiences, or the authenticator's error. */
async function reviewToken(token: string, audiences: string[] | undefined, server: ServerContext): Promise<Record<string, unknown>> {
  const tokens = server.tokens;
  if (tokens instanceof ServiceAccountTokens) {
    const v = await tokens.verify(token, server, audiences);
    if ('error' in v) return { user: {}, error: v.error };
    return { authenticated: true, user: v.user, audiences: v.audiences };
  }
  const user = tokens ? await tokens.authenticate(token, server) : undefined;
  return user ? { authenticated: true, user, audiences: audiences ?? [DEFAULT_ISSUER] } : { user: {}, error: 'invalid bearer token' };
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
      const kind = rc.type.kind;
      const errs = validateAccessReviewSpec(kind, spec);
      if (errs.length) throw errors.invalid('authorization.k8s.io', kind, '', errs);
      const user = kind === 'SelfSubjectAccessReview' ? rc.user : userFromSpec(spec);
      const attrs = attributesFrom(spec, user);
      if (kind === 'LocalSubjectAccessReview' && attrs.namespace !== rc.info.namespace) {
        throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${rc.info.namespace}`);
      }
      const d = await server.authorizer.authorize(attrs, server);
      const status: Record<string, unknown> = { allowed: d.allowed };
      if (d.reason) status.reason = d.reason;
      if (d.evaluationError) status.evaluationError = d.evaluationError;
      return respond(201, echo(rc, body, status), rendering);
    }
    case 'selfsubjectrulesreviews': {
      const ns = typeof spec.namespace === 'string' ? spec.namespace : '';
      if (!ns) throw errors.badRequest('no namespace on request');
      const rules = server.authorizer.rulesFor ? await server.authorizer.rulesFor(rc.user, ns, server) : { resourceRules: [], nonResourceRules: [], incomplete: true };
      return respond(201, echo(rc, body, rules), rendering);
    }
    case 'tokenreviews': {
      const token = typeof spec.token === 'string' ? spec.token : '';
      if (!token) throw errors.badRequest('token is required for TokenReview in authentication.k8s.io/__internal');
      const requested = Array.isArray(spec.audiences) && spec.audiences.length ? (spec.audiences as string[]) : undefined;
      const status = await reviewToken(token, requested, server);
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

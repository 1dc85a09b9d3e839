// The API server's request path as one straight line: parse, authenticate (done by the
// listener), authorize, route, answer. Testable without a socket; never throws: every failure
// becomes a metav1.Status.

import { errors, StatusError } from '../api/errors.js';
import { cloneJson, isPlainObject, type KubeObject } from '../api/object.js';
import { loadSchemas } from '../api/schema/load.js';
import { decodeBody, negotiate } from './codec.js';
import type { RequestContext, ServerContext } from './context.js';
import { serveComponentStatuses } from './componentstatus/serve.js';
import { STORAGE_NOT_READY } from './componentstatus/health.js';
import { aggregatedDiscovery, AGGREGATED_CONTENT_TYPE, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery/discovery.js';
import { IMMORTAL_NAMESPACES } from './admission/namespace-lifecycle.js';
import { forbiddenReason } from './authz/rbac.js';
import { impersonate } from './authn/impersonation.js';
import { ServiceAccountTokens } from './authn/service-account-tokens.js';
import { ApiMetrics } from './metrics.js';
import { OPENAPI_V2_PROTOBUF, openApiV2, wantsV2Protobuf } from './openapi/v2.js';
import { openApiV3 } from './openapi/v3.js';
import { DELETE } from './rest/object-store.js';
import { prepareUpdate, writeOptions } from './rest/write.js';
import { respond } from './render.js';
import { parseRequestInfo, type RequestInfo } from './request-info.js';
import { bindPod, evictPod, podStreaming } from './subresources/pod.js';
import { podProxy } from './subresources/pod-proxy.js';
import { createReview } from './subresources/reviews.js';
import { getScale, writeScale } from './subresources/scale.js';
import { createToken } from './subresources/service-account-token.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from './types.js';
import { remove, removeCollection } from './verbs/delete.js';
import { getObject, listObjects } from './verbs/read.js';
import { create, patch, update } from './verbs/write-verbs.js';
import { watchObjects } from './watch/watch.js';
import { MAX_BODY_BYTES } from './codec.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export const VERSION: VersionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4+k8ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-26T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'gc',
  platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const ROUTED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Paths anyone may read, as upstream's system:public-info-viewer grants. */
const PUBLIC_PATHS = /^\/(livez|readyz|healthz|version)(\/.*)?$/;

/** Service account issuer discovery (OIDC), readable by every service account. */
const OIDC_PATHS = /^\/(\.well-known\/openid-configuration|openid\/v1\/jwks)\/?$/;

export interface HandlerOptions {
  metrics?: ApiMetrics;
  /** Resolves when the server may answer /readyz with 200. */
  isReady?: () => boolean;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

type OpenApiCache = { v3?: ReturnType<typeof openApiV3>; v2?: ReturnType<typeof openApiV2> };

export class ApiHandler {
  readonly metrics: ApiMetrics;
  private openapi: OpenApiCache = {};

  constructor(readonly server: ServerContext, private readonly opts: HandlerOptions = {}) {
    this.metrics = opts.metrics ?? new ApiMetrics();
    server.registry.onChange(() => (this.openapi = {}));
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const started = performance.now();
    let info: RequestInfo | undefined;
    let res: ApiResponse;
    try {
      info = parseRequestInfo(req.method, req.url);
      res = await this.route(req, info);
    } catch (e) {
      res = this.errorResponse(e, req);
    }
    res.info = info;
    this.metrics.observe(info, req.method, res.status, (performance.now() - started) / 1000);
    return res;
  }

  errorResponse(e: unknown, req?: ApiRequest): ApiResponse {
    if (e instanceof StatusError) return jsonResponse(e.code, e.toStatus());
    this.opts.log?.('internal error', { error: e instanceof Error ? e.stack : String(e), method: req?.method, path: req?.url.pathname });
    return jsonResponse(500, errors.internal(e instanceof Error ? e.message : String(e)).toStatus());
  }

  private async route(req: ApiRequest, info: RequestInfo): Promise<ApiResponse> {
    const path = req.url.pathname;
    if (PUBLIC_PATHS.test(path)) return this.publicPath(req, path);
    if (!req.user) throw errors.unauthorized();
    if (req.body.length > MAX_BODY_BYTES) throw errors.requestEntityTooLarge();
    req = { ...req, user: await impersonate(req.headers, req.user, this.server) };
    await this.authorize(req, info);
    if (path === '/metrics') {
      const m = await this.metrics.render();
      return { status: 200, headers: { 'content-type': m.contentType }, body: m.body };
    }
    if (path === '/openapi/v2' || path.startsWith('/openapi/v3')) return this.openApi(req, path);
    if (OIDC_PATHS.test(path)) return this.oidc(path);
    if (!info.isResourceRequest) return this.discovery(req, info);
    return this.resource(req, info);
  }

  private publicPath(req: ApiRequest, path: string): ApiResponse {
    if (path === '/version' || path === '/version/') return jsonResponse(200, VERSION);
    const check = path.split('/')[1];
    if (check === 'readyz' && !this.storageReady()) return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `[-]${STORAGE_NOT_READY}\nreadyz check failed\n` };
    const verbose = req.url.searchParams.has('verbose');
    const body = verbose ? `[+]ping ok\n[+]log ok\n[+]etcd ok\n${check} check passed\n` : 'ok';
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }, body };
  }

  /** /readyz's storage (etcd) check; componentstatuses' etcd-0 reports the same. */
  private storageReady(): boolean {
    return this.opts.isReady?.() ?? true;
  }

  private async authorize(req: ApiRequest, info: RequestInfo): Promise<void> {
    const user = req.user!;
    const attrs = info.isResourceRequest
      ? { user, isResourceRequest: true, verb: info.verb, namespace: info.namespace, apiGroup: info.apiGroup, resource: info.resource, subresource: info.subresource, name: info.name }
      : { user, isResourceRequest: false, verb: req.method.toLowerCase() === 'head' ? 'get' : req.method.toLowerCase(), path: info.path };
    if (info.isResourceRequest && info.resource === 'namespaces' && !info.subresource) attrs.namespace = info.name ? info.name : '';
    const d = await this.server.authorizer.authorize(attrs, this.server);
    if (d.allowed) return;
    const reason = forbiddenReason(attrs) + (d.reason ? `: ${d.reason}` : '');
    if (!info.isResourceRequest) throw new StatusError(403, 'Forbidden', `forbidden: ${reason}`, {});
    // Upstream's status names the resource without its subresource; the reason names both.
    throw errors.forbidden({ group: info.apiGroup, resource: info.resource }, info.name, reason);
  }

  /** The issuer's OIDC discovery document and its signing keys, as upstream serves them. */
  private oidc(path: string): ApiResponse {
    const tokens = this.server.tokens;
    if (!(tokens instanceof ServiceAccountTokens)) throw errors.notFoundPath();
    const cache = { 'cache-control': 'public, max-age=3600' };
    if (path.startsWith('/openid/')) return { status: 200, headers: { 'content-type': 'application/jwk-set+json', ...cache }, body: JSON.stringify(tokens.jwks()) };
    return jsonResponse(200, {
      issuer: tokens.issuer,
      jwks_uri: `https://${this.server.serverAddress}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
    }, cache);
  }

  private discovery(req: ApiRequest, info: RequestInfo): ApiResponse {
    const registry = this.server.registry;
    const path = info.path.replace(/\/+$/, '');
    const agg = wantsAggregated(req.headers.accept);
    if (path === '/api') {
      if (agg) return { status: 200, headers: { 'content-type': AGGREGATED_CONTENT_TYPE.replace('v=v2', `v=${agg}`) }, body: JSON.stringify(aggregatedDiscovery(registry, true, agg)) };
      return jsonResponse(200, apiVersions(this.server.serverAddress));
    }
    if (path === '/apis') {
      if (agg) return { status: 200, headers: { 'content-type': AGGREGATED_CONTENT_TYPE.replace('v=v2', `v=${agg}`) }, body: JSON.stringify(aggregatedDiscovery(registry, false, agg)) };
      return jsonResponse(200, apiGroupList(registry));
    }
    if (info.apiPrefix === 'api' && info.apiVersion && registry.hasGroupVersion('', info.apiVersion)) return jsonResponse(200, apiResourceList(registry, '', info.apiVersion));
    if (info.apiPrefix === 'apis') {
      const segs = path.split('/').filter(Boolean);
      if (segs.length === 2 && registry.groupVersions().some((gv) => gv.group === segs[1])) return jsonResponse(200, apiGroup(registry, segs[1]));
      if (segs.length === 3 && registry.hasGroupVersion(segs[1], segs[2])) return jsonResponse(200, apiResourceList(registry, segs[1], segs[2]));
    }
    throw errors.notFoundPath();
  }

  private openApi(req: ApiRequest, path: string): ApiResponse {
    const types = [...this.server.registry.all()];
    if (path === '/openapi/v2') {
      this.openapi.v2 ??= openApiV2(types, loadSchemas());
      const proto = wantsV2Protobuf(req.headers.accept);
      const doc = proto ? this.openapi.v2.protobuf : this.openapi.v2.json;
      return { status: 200, headers: { 'content-type': proto ? OPENAPI_V2_PROTOBUF : 'application/json', etag: doc.etag }, body: doc.body };
    }
    this.openapi.v3 ??= openApiV3(types, loadSchemas());
    const v3 = this.openapi.v3;
    const rest = path.replace(/^\/openapi\/v3\/?/, '');
    if (rest === '') return jsonResponse(200, v3.root);
    const doc = v3.docs.get(rest);
    if (!doc) throw errors.notFoundPath();
    // Hashed URLs never change content: kubectl then caches them instead of refetching per run.
    const immutable = req.url.searchParams.get('hash') === doc.hash;
    const headers: Record<string, string> = { 'content-type': 'application/json', etag: doc.etag, 'cache-control': immutable ? 'public, immutable' : 'no-cache, private' };
    if (req.headers['if-none-match'] === doc.etag) return { status: 304, headers, body: '' };
    return { status: 200, headers, body: doc.body };
  }

  private async resource(req: ApiRequest, info: RequestInfo): Promise<ApiResponse> {
    const registry = this.server.registry;
    const type = registry.lookup(info.apiGroup, info.apiVersion, info.resource);
    if (!type) throw errors.notFoundPath();
    const clusterScoped = type.scope === 'Cluster';
    // /api/v1/namespaces/x/nodes: cluster-scoped resources have no namespaced URL.
    if (clusterScoped && info.namespace && info.resource !== 'namespaces') throw errors.notFoundPath();
    const rc: RequestContext = { server: this.server, info, type, user: req.user!, query: req.url.searchParams, warnings: [], userAgent: req.headers['user-agent'] };
    const gr = { group: type.group, resource: type.resource };
    const accept = req.headers.accept;

    if (info.subresource) return this.subresource(req, rc);
    if (type.resource === 'bindings') {
      const body = decodeBody(req.body, req.headers['content-type']);
      const name = (body.metadata as { name?: string } | undefined)?.name ?? '';
      return bindPod({ ...req, body: Buffer.from(JSON.stringify(body)), headers: { ...req.headers, 'content-type': 'application/json' } }, { ...rc, type: registry.lookup('', 'v1', 'pods')! }, name);
    }
    if (type.group === '' && type.resource === 'componentstatuses') return serveComponentStatuses(rc, accept, () => this.storageReady());
    if (type.verbs.length === 1 && type.verbs[0] === 'create') {
      if (info.verb !== 'create') throw errors.methodNotSupported(gr, info.verb);
      return createReview(req, rc);
    }
    // Routes exist only for the kind's verbs and for the standard methods (and only GET under
    // the deprecated /watch/ prefix); anything else is the router's generic 405.
    const method = req.method.toUpperCase();
    if (!ROUTED_METHODS.has(method) || (info.verb === 'watch' && method !== 'GET') || !type.verbs.includes(info.verb as never)) throw errors.methodNotAllowed();
    switch (info.verb) {
      case 'get':
        return getObject(rc, accept);
      case 'list':
        return listObjects(rc, accept);
      case 'watch':
        return watchObjects(rc, accept);
      case 'create':
        return create(req, rc);
      case 'update':
        return update(req, rc);
      case 'patch':
        return patch(req, rc);
      case 'delete':
        if (type.group === '' && type.resource === 'namespaces' && IMMORTAL_NAMESPACES.has(info.name)) {
          throw errors.forbidden(gr, info.name, 'this namespace may not be deleted');
        }
        return remove(req, rc);
      case 'deletecollection':
        return removeCollection(req, rc);
    }
    throw errors.methodNotSupported(gr, info.verb);
  }

  private async subresource(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
    const { info, type } = rc;
    const sub = type.subresources.find((s) => s.name === info.subresource);
    if (!sub) throw errors.notFoundPath();
    const gr = { group: type.group, resource: `${type.resource}/${sub.name}` };
    const verb = info.verb === 'create' ? 'create' : info.verb;
    if (!sub.verbs.includes(verb) && !(sub.name === 'exec' || sub.name === 'attach' || sub.name === 'portforward' || sub.name === 'proxy' || sub.name === 'log')) {
      throw errors.methodNotSupported(gr, verb);
    }
    switch (sub.name) {
      case 'status':
      case 'ephemeralcontainers':
      case 'resize':
        if (verb === 'get') return getObject(rc, req.headers.accept);
        if (verb === 'update') return update(req, rc);
        if (verb === 'patch') return patch(req, rc);
        break;
      case 'scale':
        if (verb === 'get') return getScale(req, rc);
        if (verb === 'update' || verb === 'patch') return writeScale(req, rc);
        break;
      case 'binding':
        return bindPod(req, rc, info.name);
      case 'eviction':
        return evictPod(req, rc);
      case 'token':
        return createToken(req, rc);
      case 'finalize':
        return this.finalizeNamespace(req, rc);
      case 'log':
      case 'exec':
      case 'attach':
      case 'portforward':
        return podProxy(req, rc);
      case 'proxy':
        return podStreaming(rc);
    }
    throw errors.methodNotSupported(gr, verb);
  }

  /** PUT namespaces/NAME/finalize: only spec.finalizers changes; the last one gone ends a deletion. */
  private async finalizeNamespace(req: ApiRequest, rc: RequestContext): Promise<ApiResponse> {
    const rendering = negotiate(req.headers.accept, false);
    const body = decodeBody(req.body, req.headers['content-type']);
    const finalizers = isPlainObject(body.spec) && Array.isArray(body.spec.finalizers) ? (body.spec.finalizers as string[]) : [];
    const opts = writeOptions(rc);
    const objects = this.server.objects(rc.type);
    const r = await objects.guaranteedUpdate(undefined, rc.info.name, async (current) => {
      const next: KubeObject = cloneJson(current);
      next.spec = { ...((next.spec ?? {}) as object), finalizers };
      if (finalizers.length === 0) delete (next.spec as { finalizers?: string[] }).finalizers;
      const prepared = await prepareUpdate({ ...rc, info: { ...rc.info, subresource: 'finalize' } }, next, current, opts);
      if (opts.dryRun) return current;
      if (prepared.metadata?.deletionTimestamp && finalizers.length === 0 && (prepared.metadata.finalizers ?? []).length === 0) return DELETE;
      return prepared;
    });
    return respond(200, r.object, rendering);
  }
}


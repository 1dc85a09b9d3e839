// Builds a complete API server in-process (no socket) on a given store, for tests of the
// request path: the same registry, strategies, admission and authorizer as `k8ts server`.

import { Registry } from '../api/registry/registry.js';
import { builtinResourceTypes } from '../api/registry/builtin.js';
import type { Store } from '../storage/store.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { defaultStorageClass } from './admission/default-storage-class.js';
import { limitRanger } from './admission/limit-ranger.js';
import { resourceQuota } from './admission/resource-quota.js';
import { runtimeClassAdmission } from './admission/runtime-class.js';
import { serviceAccountAdmission } from './admission/service-account.js';
import { DEFAULT_SERVICE_NETWORK, ServiceAllocator, serviceAllocation } from './admission/service-allocation.js';
import { RbacAuthorizer } from './authz/rbac.js';
import { bootstrap } from './bootstrap/bootstrap.js';
import { makeServerContext } from './context.js';
import { ApiHandler } from './handler.js';
import { withStrategies } from './strategies.js';
import type { ApiResponse, UserInfo } from './types.js';
import { inProcessTransport, SYSTEM_USER } from '../client/in-process.js';

export interface TestServer {
  handler: ApiHandler;
  /** Sends one request as `user` (admin by default); the body is JSON-encoded unless a string or Buffer. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>, user?: UserInfo): Promise<ApiResponse & { json(): unknown }>;
}

export async function testServer(store: Store, opts: { bookmarkIntervalMs?: number } = {}): Promise<TestServer> {
  const registry = new Registry(withStrategies(builtinResourceTypes()));
  const ctx = makeServerContext({
    store,
    registry,
    now: () => new Date(),
    admission: [namespaceLifecycle, limitRanger, serviceAccountAdmission, defaultStorageClass, runtimeClassAdmission, serviceAllocation(new ServiceAllocator(DEFAULT_SERVICE_NETWORK)), resourceQuota],
    authorizer: new RbacAuthorizer(),
    serverAddress: '127.0.0.1:6443',
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
  });
  const handler = new ApiHandler(ctx);
  await bootstrap(inProcessTransport(handler), { kubernetesServiceIp: '10.43.0.1', advertiseAddress: '127.0.0.1', port: 6443 });
  return {
    handler,
    async request(method, path, body, headers = {}, user = SYSTEM_USER) {
      const raw = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const res = await handler.handle({ method, url: new URL(path, 'https://test'), headers: { 'content-type': 'application/json', ...headers }, body: raw, user, signal: new AbortController().signal });
      return { ...res, json: () => JSON.parse(String(res.body)) as unknown };
    },
  };
}

/** Collects watch events from a streamed response until `stop` is aborted. */
export function collectWatch(res: ApiResponse, stop: AbortSignal): { events: { type: string; object: { metadata?: { name?: string; resourceVersion?: string } } & Record<string, unknown> }[]; done: Promise<void> } {
  const events: { type: string; object: Record<string, unknown> }[] = [];
  let buf = '';
  const done = res.streamBody!.stream((chunk) => {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, i)) as { type: string; object: Record<string, unknown> });
      buf = buf.slice(i + 1);
    }
  }, stop);
  return { events: events as never, done };
}

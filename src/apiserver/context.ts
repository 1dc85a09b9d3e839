// What every request handler can reach: the store, the registry, the clock, and the pluggable
// stages (admission, authorization, tokens). Built once per server in roles/.

import type { KubeletClientConfig } from './subresources/pod-proxy.js';
import type { KubeObject } from '../api/object.js';
import type { Registry } from '../api/registry/registry.js';
import type { ResourceType } from '../api/registry/types.js';
import type { Store } from '../storage/store.js';
import { ObjectStore } from './rest/object-store.js';
import type { RequestInfo } from './request-info.js';
import type { UserInfo } from './types.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: Operation;
  type: ResourceType;
  subresource: string;
  namespace: string;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
}

/** An admission plugin may mutate attrs.object (mutating phase) and throws a StatusError to reject. */
export interface AdmissionPlugin {
  name: string;
  admit?(attrs: AdmissionAttributes, server: ServerContext): Promise<void> | void;
  validate?(attrs: AdmissionAttributes, server: ServerContext): Promise<void> | void;
}

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  /** Resource requests. */
  namespace?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  /** Non-resource requests. */
  path?: string;
  isResourceRequest: boolean;
}

export interface Decision {
  allowed: boolean;
  reason: string;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes, server: ServerContext): Promise<Decision>;
  /** Rules a user holds in a namespace, for SelfSubjectRulesReview. */
  rulesFor?(user: UserInfo, namespace: string, server: ServerContext): Promise<{ resourceRules: unknown[]; nonResourceRules: unknown[]; incomplete: boolean }>;
}

export interface TokenAuthority {
  /** Issues a bound service account token (JWT). */
  issue(sa: { namespace: string; name: string; uid: string }, opts: { audiences: string[]; expirationSeconds: number; boundObject?: { kind: string; name: string; uid: string } }, now: Date): Promise<{ token: string; expiration: Date }>;
  /** Validates a bearer token, or returns undefined. */
  authenticate(token: string, server: ServerContext): Promise<UserInfo | undefined>;
}

export interface ServerContext {
  store: Store;
  registry: Registry;
  now(): Date;
  admission: AdmissionPlugin[];
  authorizer: Authorizer;
  tokens?: TokenAuthority;
  /** How often watches that allow bookmarks get one (default one minute; tests shorten it). */
  bookmarkIntervalMs?: number;
  /** The client certificate the API server shows kubelets (logs, exec, attach, port-forward). */
  kubeletClient?: KubeletClientConfig;
  /** host:port clients use to reach the API server (for discovery's serverAddressByClientCIDRs). */
  serverAddress: string;
  objects(type: ResourceType): ObjectStore;
  /** Short reads of another resource, for admission (namespaces, service accounts). */
  objectsOf(group: string, resource: string): ObjectStore;
}

export interface RequestContext {
  server: ServerContext;
  info: RequestInfo;
  type: ResourceType;
  user: UserInfo;
  query: URLSearchParams;
  userAgent?: string;
  /** Warning headers to send (299). */
  warnings: string[];
}

export function makeServerContext(base: Omit<ServerContext, 'objects' | 'objectsOf'>): ServerContext {
  const cache = new Map<ResourceType, ObjectStore>();
  const ctx: ServerContext = {
    ...base,
    objects(type) {
      let o = cache.get(type);
      if (!o) {
        o = new ObjectStore(base.store, type);
        cache.set(type, o);
      }
      return o;
    },
    objectsOf(group, resource) {
      const t = base.registry.all().find((r) => r.group === group && r.resource === resource);
      if (!t) throw new Error(`resource ${resource}.${group} is not registered`);
      return ctx.objects(t);
    },
  };
  return ctx;
}

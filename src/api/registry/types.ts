// A served resource is data: everything the API server needs to know about a kind lives in one
// ResourceType value, so CustomResourceDefinitions can register the same shape at run time.

import type { FieldError } from '../errors.js';
import type { KubeObject } from '../object.js';

export type Scope = 'Namespaced' | 'Cluster';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceType {
  /** e.g. "status", "scale", "binding", "eviction", "token", "log", "exec". */
  name: string;
  /** The kind the subresource speaks (Scale, Binding, Eviction, TokenRequest, the parent's kind for status). */
  kind: string;
  /** Set when the kind lives in another group-version (autoscaling/v1 Scale, policy/v1 Eviction). */
  group?: string;
  version?: string;
  verbs: string[];
}

/** Context handed to strategy hooks; pure data, no I/O. */
export interface StrategyContext {
  /** The request's "now", for timestamps. */
  now: Date;
}

/**
 * Hooks that give a kind its semantics (upstream's "strategy"). All pure: they return errors or
 * mutate only the object they are given (a fresh copy the registry owns).
 */
export interface Strategy {
  /** Fill in defaults (SetDefaults_*), applied on create and update as upstream's decoding does. */
  defaults?(obj: KubeObject): void;
  /** Reset fields the client may not set on create (e.g. status). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** Carry over fields the main resource may not change (status), or that /status may not (spec). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  validate?(obj: KubeObject): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

/**
 * Set when a kind is a view of another resource's storage (events.k8s.io/v1 Event on core
 * Events): objects are converted to the stored kind on write and back on read.
 */
export interface StoredAs {
  group: string;
  resource: string;
  toStored(obj: KubeObject): KubeObject;
  fromStored(obj: KubeObject): KubeObject;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  scope: Scope;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  subresources: SubresourceType[];
  /** OpenAPI definition name, e.g. io.k8s.api.core.v1.Pod. */
  schemaName: string;
  /** Whether the kind has a status that only /status writes (spec/status split). */
  hasStatusSubresource: boolean;
  /** Whether a change to the object bumps metadata.generation only on spec changes (most kinds) or on any non-metadata change. */
  generation?: 'spec' | 'all-but-metadata' | 'none';
  strategy: Strategy;
  storedAs?: StoredAs;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

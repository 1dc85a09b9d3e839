// Objects of one resource type on top of the byte-level Store: keys, encoding, resourceVersion,
// paging and the guaranteed-update loop. It translates storage errors into API StatusErrors once,
// here, so verb handlers only ever see StatusErrors.

import { errors, type StatusError } from '../../api/errors.js';
import { cloneJson, type KubeObject } from '../../api/object.js';
import type { ResourceType } from '../../api/registry/types.js';
import {
  CompactedError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionConflictError,
  type KeyValue,
  type Store,
  type WatchEvent,
} from '../../storage/store.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const METADATA_PREFIX = '{"metadata":{';

/**
 * Stored form: JSON with metadata as the first key and no resourceVersion (that is the storage
 * revision; storing it would only let it go stale). Metadata first lets a list answer splice the
 * version into stored bytes without parsing them (see encodedWithVersion).
 */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  const { metadata: _m, ...rest } = obj;
  return encoder.encode(JSON.stringify({ metadata: meta, ...rest }));
}

const METADATA_PREFIX_BYTES = Buffer.from(METADATA_PREFIX);

/** The object's JSON with its resourceVersion, spliced into the stored bytes without parsing them. */
export function encodedWithVersion(kv: KeyValue): Buffer[] {
  const value = Buffer.from(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength);
  if (value.length <= METADATA_PREFIX_BYTES.length || !value.subarray(0, METADATA_PREFIX_BYTES.length).equals(METADATA_PREFIX_BYTES)) {
    return [Buffer.from(JSON.stringify(decodeObject(kv)))];
  }
  const rest = value.subarray(METADATA_PREFIX_BYTES.length);
  const rv = `"resourceVersion":"${kv.modRevision}"${rest[0] === 0x7d ? '' : ','}`;
  return [METADATA_PREFIX_BYTES, Buffer.from(rv), rest];
}

export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(kv.modRevision) };
  return obj;
}

export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(s: string): ContinueToken {
  try {
    const raw = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (raw.v !== 'meta.k8s.io/v1' || typeof raw.rv !== 'number' || typeof raw.start !== 'string') throw new Error('bad');
    return { rv: raw.rv, start: raw.start };
  } catch {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function withVersion(obj: KubeObject, from: KubeObject): KubeObject {
  obj.metadata = { ...obj.metadata, resourceVersion: from.metadata?.resourceVersion };
  return obj;
}

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export interface ListPage {
  items: KubeObject[];
  revision: number;
  continue?: string;
  remaining?: number;
}

export interface ListParams {
  namespace?: string;
  limit?: number;
  continueToken?: string;
  /** Read at exactly this revision (resourceVersionMatch=Exact). */
  revision?: number;
  filter?: (obj: KubeObject) => boolean;
}

/**
 * One storage event as watchers see it, decoded once however many watchers receive it. The
 * objects are shared and read-only; `lines` memoizes encoded watch lines by event type.
 */
export interface EventView {
  /** The object after a put; for a delete, the last value with the deletion's resourceVersion. */
  object: KubeObject;
  /** The put created the object. */
  created: boolean;
  /** The value before a put (undefined for a create), decoded on first use: only filtered watchers need it. */
  previous(): KubeObject | undefined;
  lines: Map<string, string>;
}

const EVENT_CACHE_SIZE = 1024;
const DECODED_CACHE_SIZE = 4096;

export class ObjectStore {
  private readonly eventCache = new Map<number, EventView>();
  /**
   * The newest decoded value of recently written keys, shared and never mutated. Every write's
   * watch event decodes the new value; keeping it lets the next read-modify-write of that key
   * copy it instead of parsing the stored JSON again.
   */
  private readonly decoded = new Map<string, { revision: number; object: KubeObject }>();

  constructor(
    readonly store: Store,
    readonly type: ResourceType,
  ) {}

  /** Stored bytes to an object of this type (converted when the type is a view of another); the caller's to mutate. */
  private decode(kv: KeyValue): KubeObject {
    const hit = this.decoded.get(kv.key);
    if (hit && hit.revision === kv.modRevision) return cloneJson(hit.object);
    return this.parse(kv);
  }

  private parse(kv: KeyValue): KubeObject {
    const obj = decodeObject(kv);
    return this.type.storedAs ? withVersion(this.type.storedAs.fromStored(obj), obj) : obj;
  }

  /** A decoded value shared with the cache: read-only. */
  private decodeShared(kv: KeyValue): KubeObject {
    const hit = this.decoded.get(kv.key);
    if (hit && hit.revision === kv.modRevision) return hit.object;
    const object = this.parse(kv);
    this.decoded.delete(kv.key);
    this.decoded.set(kv.key, { revision: kv.modRevision, object });
    if (this.decoded.size > DECODED_CACHE_SIZE) this.decoded.delete(this.decoded.keys().next().value!);
    return object;
  }

  private encode(obj: KubeObject): Uint8Array {
    return encodeObject(this.type.storedAs ? this.type.storedAs.toStored(obj) : obj);
  }

  eventView(ev: WatchEvent): EventView {
    let view = this.eventCache.get(ev.revision);
    if (view) return view;
    if (ev.type === 'delete') {
      this.decoded.delete(ev.kv.key);
      const object = this.parse(ev.prevKv ?? ev.kv);
      object.metadata!.resourceVersion = String(ev.revision);
      view = { object, created: false, previous: () => undefined, lines: new Map() };
    } else {
      const prevKv = ev.prevKv;
      let previous: KubeObject | undefined;
      view = {
        object: this.decodeShared(ev.kv),
        created: !prevKv,
        previous: () => (previous ??= prevKv ? this.parse(prevKv) : undefined),
        lines: new Map(),
      };
    }
    this.eventCache.set(ev.revision, view);
    if (this.eventCache.size > EVENT_CACHE_SIZE) this.eventCache.delete(this.eventCache.keys().next().value!);
    return view;
  }

  get gr() {
    return { group: this.type.group, resource: this.type.resource };
  }

  /** Upstream-like keys: /registry/pods/default/nginx, /registry/deployments.apps/default/web. */
  prefix(namespace?: string): string {
    const { group, resource } = this.type.storedAs ?? this.type;
    const base = `/registry/${group ? `${resource}.${group}` : resource}/`;
    return this.type.scope === 'Namespaced' && namespace ? `${base}${namespace}/` : base;
  }

  key(namespace: string | undefined, name: string): string {
    return `${this.prefix(namespace)}${name}`;
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.store.get(this.key(namespace, name));
    if (!kv) throw errors.notFound(this.gr, name);
    return this.decode(kv);
  }

  async tryGet(namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const kv = await this.store.get(this.key(namespace, name));
    return kv ? this.decode(kv) : undefined;
  }

  async list(p: ListParams): Promise<ListPage> {
    return this.page(p, (kv) => this.decode(kv), (obj) => !p.filter || p.filter(obj));
  }

  /** An unfiltered list page as JSON byte pieces per item, without decoding the stored objects. */
  async listEncoded(p: Omit<ListParams, 'filter'>): Promise<Omit<ListPage, 'items'> & { items: Buffer[][] }> {
    return this.page(p, this.type.storedAs ? (kv) => [Buffer.from(JSON.stringify(this.decode(kv)))] : encodedWithVersion, () => true);
  }

  private async page<T>(p: ListParams, convert: (kv: KeyValue) => T, keep: (item: T) => boolean): Promise<Omit<ListPage, 'items'> & { items: T[] }> {
    const prefix = this.prefix(p.namespace);
    let start: string | undefined;
    let revision = p.revision;
    let token: ContinueToken | undefined;
    if (p.continueToken) {
      token = decodeContinue(p.continueToken);
      start = prefix + token.start;
      // rv -1 marks the token handed out with a 410: continue at the newest revision.
      revision = token.rv === -1 ? undefined : token.rv;
    }
    const limit = p.limit && p.limit > 0 ? p.limit : 0;
    const items: T[] = [];
    let lastKey: string | undefined;
    let remaining = 0;
    let rev = revision;
    // With a filter, keep reading pages until the limit is filled, as upstream's storage does.
    for (;;) {
      const want = limit ? Math.max(limit - items.length, 1) : 0;
      const page = await this.listRaw(prefix, { limit: limit ? (p.filter ? Math.max(want, 100) : want) : undefined, startAfter: start, revision: rev }, token);
      rev = page.revision;
      remaining = page.remaining;
      let taken = 0;
      for (const kv of page.items) {
        taken++;
        lastKey = kv.key;
        const item = convert(kv);
        if (keep(item)) items.push(item);
        if (limit && items.length >= limit) break;
      }
      remaining += page.items.length - taken;
      if (!limit || items.length >= limit || remaining === 0 || page.items.length === 0) break;
      start = lastKey;
    }
    const out: Omit<ListPage, 'items'> & { items: T[] } = { items, revision: rev ?? 0 };
    if (limit && remaining > 0 && lastKey !== undefined) {
      out.continue = encodeContinue({ rv: out.revision, start: lastKey.slice(prefix.length) });
      if (!p.filter) out.remaining = remaining;
    }
    return out;
  }

  private async listRaw(prefix: string, opts: { limit?: number; startAfter?: string; revision?: number }, token?: ContinueToken) {
    try {
      return await this.store.list(prefix, opts);
    } catch (e) {
      if (!(e instanceof CompactedError)) throw e;
      if (!token) throw errors.expired(`too old resource version: ${opts.revision} (${e.compacted})`);
      // As upstream: the client may go on from where it was, accepting an inconsistent list.
      throw errors.expired(CONTINUE_EXPIRED_MESSAGE, { continue: encodeContinue({ rv: -1, start: token.start }) });
    }
  }

  /** Stores a new object; the caller has filled in every server-set field. */
  async create(obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata!.name!;
    try {
      const rev = await this.store.create(this.key(obj.metadata!.namespace, name), this.encode(obj));
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
    } catch (e) {
      if (e instanceof KeyExistsError) throw errors.alreadyExists(this.gr, name);
      throw e;
    }
  }

  /**
   * Read-modify-write with retries on revision conflicts (upstream's GuaranteedUpdate).
   * `tryUpdate` returns the new object, or the same reference to skip the write. When the object
   * is missing, `onMissing` may supply one to create (create-on-update and server-side apply).
   * A StatusError thrown by tryUpdate ends the loop.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => Promise<KubeObject | typeof DELETE> | KubeObject | typeof DELETE,
    onMissing?: () => Promise<KubeObject> | KubeObject,
  ): Promise<{ object: KubeObject; created: boolean; deleted: boolean; changed: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) {
        if (!onMissing) throw errors.notFound(this.gr, name);
        const obj = await onMissing();
        try {
          const rev = await this.store.create(key, this.encode(obj));
          return { object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } }, created: true, deleted: false, changed: true };
        } catch (e) {
          if (e instanceof KeyExistsError && attempt < 10) continue;
          throw e;
        }
      }
      const current = this.decode(kv);
      const next = await tryUpdate(current);
      if (next === DELETE) {
        try {
          await this.store.delete(key, kv.modRevision);
          return { object: current, created: false, deleted: true, changed: true };
        } catch (e) {
          if ((e instanceof RevisionConflictError || e instanceof KeyNotFoundError) && attempt < 100) continue;
          throw e;
        }
      }
      if (next === current) return { object: current, created: false, deleted: false, changed: false };
      const bytes = this.encode(next);
      if (Buffer.compare(Buffer.from(bytes), Buffer.from(kv.value)) === 0) return { object: current, created: false, deleted: false, changed: false };
      try {
        const rev = await this.store.update(key, bytes, kv.modRevision);
        return { object: { ...next, metadata: { ...next.metadata, resourceVersion: String(rev) } }, created: false, deleted: false, changed: true };
      } catch (e) {
        if (e instanceof RevisionConflictError && attempt < 100) continue;
        if (e instanceof KeyNotFoundError && attempt < 100) continue;
        throw e;
      }
    }
  }

  /** Deletes if the stored revision still matches; returns the deleted object. */
  async delete(namespace: string | undefined, name: string, expectedRevision?: number): Promise<KubeObject> {
    try {
      const { prev, revision } = await this.store.delete(this.key(namespace, name), expectedRevision);
      const obj = this.decode(prev);
      obj.metadata!.resourceVersion = String(revision);
      return obj;
    } catch (e) {
      if (e instanceof KeyNotFoundError) throw errors.notFound(this.gr, name);
      if (e instanceof RevisionConflictError) throw errors.staleResourceVersion(this.gr, name) as StatusError;
      throw e;
    }
  }
}

/** Returned by a guaranteedUpdate callback to delete the object instead (last finalizer removed). */
export const DELETE = Symbol('delete');

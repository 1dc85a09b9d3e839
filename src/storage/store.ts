// The storage contract: an MVCC key-value store whose global, monotonic revision becomes the
// API's resourceVersion (as in etcd and kine). Storage never sees Kubernetes objects, only keys,
// opaque byte values and revisions, so SQLite, etcd and memory backends share one test suite.
//
// Rules every backend follows:
// - Every successful create, update or delete commits at a new revision, one greater than the last
//   (revisions start at 1 for the first write; an empty store is at revision 0... or higher after
//   compaction-only history). Revisions are never reused, even after a restart.
// - A method resolves only after its write is durable (survives SIGKILL of the process).
// - Values returned are the caller's to keep; the store keeps no reference to values passed in.
//   Watch events are the exception: every watcher of an event receives the same, read-only object.
// - Watch delivers, per watcher, every event with revision > `fromRevision` on keys under the
//   prefix, in revision order, without gaps or duplicates, first the history still held, then live
//   events. A `fromRevision` older than the compacted revision fails with CompactedError.
// - Errors are the typed ones below; backends translate their own errors into them.

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this key (its current incarnation). */
  createRevision: number;
  /** Revision of the last write to this key: the object's resourceVersion. */
  modRevision: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For put: the new value. For delete: the key, with the value it had before deletion. */
  kv: KeyValue;
  /** The value before this event; absent for a create. */
  prevKv?: KeyValue;
  /** The revision of this event (equals kv.modRevision for a put). */
  revision: number;
}

export interface ListOptions {
  /** At most this many items (0 or undefined: all). */
  limit?: number;
  /** Return keys strictly greater than this one (paging: the last key of the previous page). */
  startAfter?: string;
  /** Read as of this revision (must not be compacted); default: the current revision. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at; pass it back to read further pages consistently. */
  revision: number;
  /** How many keys under the prefix remain after the last returned one. */
  remaining: number;
}

export interface Watcher {
  /** Stops delivery; idempotent. */
  close(): void;
}

export interface WatchOptions {
  /** Deliver events with revision > fromRevision. */
  fromRevision: number;
  onEvent: (event: WatchEvent) => void;
  /**
   * Called at most once when the watch ends for a reason other than close(): e.g. the watcher fell
   * too far behind and its history was compacted, or the store closed.
   */
  onError?: (err: Error) => void;
}

export interface Store {
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order, consistent at one revision. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Count of keys under prefix at the current revision. */
  count(prefix: string): Promise<number>;
  /** Fails with KeyExistsError if the key exists. Resolves to the new revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /**
   * Replaces the value if the key's modRevision equals `expectedRevision`. Fails with
   * KeyNotFoundError if missing, RevisionConflictError (carrying the current value) otherwise.
   */
  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number>;
  /**
   * Deletes the key; with `expectedRevision`, only if its modRevision matches. Resolves to the
   * deletion revision and the deleted value.
   */
  delete(key: string, expectedRevision?: number): Promise<{ revision: number; prev: KeyValue }>;
  /** Starts a watch; events arrive asynchronously through onEvent. Throws CompactedError at once when fromRevision is too old. */
  watch(prefix: string, opts: WatchOptions): Watcher;
  currentRevision(): Promise<number>;
  /** Forgets history at or below `revision` (latest values are kept). */
  compact(revision: number): Promise<void>;
  /** The newest revision that has been compacted (0 if none). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class KeyExistsError extends StorageError {
  constructor(readonly key: string) {
    super('key already exists');
  }
}
export class KeyNotFoundError extends StorageError {
  constructor(readonly key: string) {
    super('key not found');
  }
}
export class RevisionConflictError extends StorageError {
  constructor(readonly key: string, readonly current: KeyValue) {
    super('revision mismatch');
  }
}
export class CompactedError extends StorageError {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (compacted through ${compacted})`);
  }
}
export class StoreClosedError extends StorageError {
  constructor() {
    super('store is closed');
  }
}

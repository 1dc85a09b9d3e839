// The SQL of the SQLite backend, as prepared statements. A key prefix becomes an index range
// (name >= prefix AND name < prefixEnd) so list, count and watch history never scan other keys.
import type Database from 'better-sqlite3';
import type { KeyValue } from '../store.js';
import { prefixEnd } from '../key-range.js';

export interface LatestRow {
  id: number;
  createRevision: number;
  deleted: number;
  value: Uint8Array;
}

export interface HistoryRow {
  id: number;
  name: string;
  createRevision: number;
  prevRevision: number;
  deleted: number;
  value: Uint8Array | null;
  /** The value of row prevRevision; null for a create. */
  prevValue: Uint8Array | null;
}

interface Range {
  sql: string;
  params: string[];
}

/** `col` restricted to keys under `prefix` and, if given, strictly after `startAfter`. */
function range(col: string, prefix: string, startAfter: string | undefined): Range {
  const parts: string[] = [];
  const params: string[] = [];
  if (prefix !== '') {
    parts.push(`${col} >= ?`);
    params.push(prefix);
    const end = prefixEnd(prefix);
    if (end !== undefined) {
      parts.push(`${col} < ?`);
      params.push(end);
    }
  }
  if (startAfter !== undefined) {
    parts.push(`${col} > ?`);
    params.push(startAfter);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

// The newest row of each name at a revision, from the covering index alone. SQLite documents that
// with a single max() aggregate, the bare column `deleted` comes from the row holding the max.
const newestAt = (where: string): string =>
  `SELECT name, MAX(id) AS mid, deleted FROM kv INDEXED BY kv_name_id WHERE ${where} AND id <= ? GROUP BY name`;

export class Queries {
  private readonly cache = new Map<string, Database.Statement>();
  private readonly latestStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.latestStmt = db.prepare(
      'SELECT id, create_revision AS createRevision, deleted, value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1',
    );
    this.insertStmt = db.prepare(
      'INSERT INTO kv (id, name, create_revision, prev_revision, deleted, value) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  latest(key: string): LatestRow | undefined {
    return this.latestStmt.get(key) as LatestRow | undefined;
  }

  insert(id: number, key: string, createRevision: number, prevRevision: number, deleted: boolean, value: Uint8Array | null): void {
    this.insertStmt.run(id, key, createRevision, prevRevision, deleted ? 1 : 0, value);
  }

  /** Live keys under prefix as of `revision`, in key order; limit 0 means all. */
  list(prefix: string, startAfter: string | undefined, revision: number, limit: number): KeyValue[] {
    const r = range('name', prefix, startAfter);
    // The inner ORDER BY lets SQLite see the outer order is already satisfied (no temp sort of
    // every value); the outer one is what guarantees it.
    const sql =
      `SELECT m.name AS key, k.value AS value, k.create_revision AS createRevision, m.mid AS modRevision ` +
      `FROM (${newestAt(r.sql)} ORDER BY name) m JOIN kv k ON k.id = m.mid WHERE m.deleted = 0 ORDER BY m.name LIMIT ?`;
    return this.stmt(sql).all(...r.params, revision, limit > 0 ? limit : -1) as KeyValue[];
  }

  count(prefix: string, startAfter: string | undefined, revision: number): number {
    const r = range('name', prefix, startAfter);
    const sql = `SELECT COUNT(*) AS n FROM (${newestAt(r.sql)}) WHERE deleted = 0`;
    return (this.stmt(sql).get(...r.params, revision) as { n: number }).n;
  }

  /** Rows with id in (after, upTo] under prefix, oldest first, with the value each one replaced. */
  history(prefix: string, after: number, upTo: number, limit: number): HistoryRow[] {
    const r = range('k.name', prefix, undefined);
    const sql =
      `SELECT k.id, k.name, k.create_revision AS createRevision, k.prev_revision AS prevRevision, ` +
      `k.deleted, k.value, p.value AS prevValue ` +
      `FROM kv k LEFT JOIN kv p ON p.id = k.prev_revision AND k.create_revision <> k.id ` +
      `WHERE k.id > ? AND k.id <= ? AND ${r.sql} ORDER BY k.id LIMIT ?`;
    return this.stmt(sql).all(after, upTo, ...r.params, limit) as HistoryRow[];
  }

  setMeta(key: string, value: number): void {
    this.stmt('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * Compaction of the rows with id in (lo, hi], hi <= revision: drops rows superseded by a newer
   * row at or below `revision`, then tombstones (the key did not exist at `revision`). The newest
   * live row at or below `revision` stays: it is what a read at `revision` returns and the prevKv
   * of the key's next event.
   */
  compactRange(lo: number, hi: number, revision: number): void {
    this.db.transaction(() => {
      this.stmt(
        'DELETE FROM kv WHERE id > ? AND id <= ? AND EXISTS ' +
          '(SELECT 1 FROM kv n WHERE n.name = kv.name AND n.id > kv.id AND n.id <= ?)',
      ).run(lo, hi, revision);
      this.stmt('DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1').run(lo, hi);
    }).immediate();
  }

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

import type { SQLInputValue } from 'node:sqlite';
import type { Page, PageQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { SqliteContext } from './context.ts';
import type { Row } from './rows.ts';

const CURSOR_VERSION = 1;

/** An opaque cursor: base64url of `[version, lastKey]`. */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, key])).toString('base64url');
}

/** The key a cursor carries; `invalid_cursor` for anything this store did not produce. */
export function decodeCursor(cursor: string): string {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new StoreError('invalid_cursor', 'cursor is not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new StoreError('invalid_cursor', 'malformed cursor', error);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    parsed[0] !== CURSOR_VERSION ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0
  ) {
    throw new StoreError('invalid_cursor', 'malformed cursor');
  }
  return parsed[1];
}

/** The page size: 1–1000, default 50. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new StoreError('invalid_argument', `limit must be an integer from 1 to 1000, got ${limit}`);
  }
  return limit;
}

export interface PageSpec<T> {
  /** `FROM` clause (a table, maybe aliased). */
  from: string;
  /** The key column the cursor follows (unique, time-sortable ids). */
  key: string;
  order: 'asc' | 'desc';
  where: string[];
  params: SQLInputValue[];
  query: PageQuery;
  map: (row: Row) => T;
  /** Columns to select; defaults to every column of `from`. */
  select?: string;
}

/**
 * One keyset page: `WHERE key < :cursor ORDER BY key DESC LIMIT n + 1` (never OFFSET, so page 1,000 costs
 * what page 1 does); the extra row only tells whether a next page exists.
 */
export function listPage<T>(ctx: SqliteContext, spec: PageSpec<T>): Page<T> {
  const limit = pageLimit(spec.query.limit);
  const where = [...spec.where];
  const params = [...spec.params];
  if (spec.query.cursor) {
    where.push(`${spec.key} ${spec.order === 'desc' ? '<' : '>'} ?`);
    params.push(decodeCursor(spec.query.cursor));
  }
  const sql =
    `SELECT ${spec.select ?? '*'} FROM ${spec.from}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${spec.key} ${spec.order.toUpperCase()} LIMIT ?`;
  const rows = ctx.stmt(sql).all(...params, limit + 1) as Row[];
  const data = rows.slice(0, limit).map(spec.map);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { data, nextCursor: last ? encodeCursor(String(last[spec.key.replace(/^\w+\./, '')])) : null };
}

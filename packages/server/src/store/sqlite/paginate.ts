import type { SQLInputValue } from 'node:sqlite';
import { decodeCursor, encodeCursor, listOf, pageLimit } from '../cursor.ts';
import type { Page, PageQuery } from '../store.ts';
import type { SqliteContext } from './context.ts';
import type { Row } from './rows.ts';

export { decodeCursor, encodeCursor, pageLimit } from '../cursor.ts';

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
    params.push(decodeCursor(spec.query.cursor, listOf(spec.from)));
  }
  const sql =
    `SELECT ${spec.select ?? '*'} FROM ${spec.from}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${spec.key} ${spec.order.toUpperCase()} LIMIT ?`;
  const rows = ctx.stmt(sql).all(...params, limit + 1) as Row[];
  const data = rows.slice(0, limit).map(spec.map);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    data,
    nextCursor: last ? encodeCursor(String(last[spec.key.replace(/^\w+\./, '')]), listOf(spec.from)) : null,
  };
}

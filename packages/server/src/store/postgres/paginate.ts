import { decodeCursor, encodeCursor, listOf, pageLimit } from '../cursor.ts';
import type { Page, PageQuery } from '../store.ts';
import type { Queryable } from './open-database.ts';

export { decodeCursor, encodeCursor, pageLimit } from '../cursor.ts';

/** Collects WHERE conditions with numbered placeholders. */
export class Conditions {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  /** Adds `sql` with each `?` replaced by the next placeholder for the matching value. */
  add(sql: string, ...values: unknown[]): this {
    let i = 0;
    this.where.push(
      sql.replace(/\?/g, () => {
        this.params.push(values[i++]);
        return `$${this.params.length}`;
      }),
    );
    return this;
  }

  /** Adds `sql` only when `value` is defined. */
  addIf(value: unknown, sql: string): this {
    return value === undefined ? this : this.add(sql, value);
  }

  /** Reserves the next placeholder for `value`. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  sql(): string {
    return this.where.length > 0 ? ` WHERE ${this.where.join(' AND ')}` : '';
  }
}

export interface PageSpec<R, T> {
  select: string;
  from: string;
  /** The key column the cursor follows (unique, time-sortable ids). */
  key: string;
  order: 'asc' | 'desc';
  conditions: Conditions;
  query: PageQuery;
  map: (row: R) => T;
}

/**
 * One keyset page: `WHERE key < $cursor ORDER BY key DESC LIMIT n + 1` (never OFFSET, so page 1,000 costs
 * what page 1 does); the extra row only tells whether a next page exists.
 */
export async function listPage<R, T>(db: Queryable, spec: PageSpec<R, T>): Promise<Page<T>> {
  const limit = pageLimit(spec.query.limit);
  const c = spec.conditions;
  if (spec.query.cursor)
    c.add(
      `${spec.key} ${spec.order === 'desc' ? '<' : '>'} ?`,
      decodeCursor(spec.query.cursor, listOf(spec.from)),
    );
  const limitParam = c.param(limit + 1);
  const sql = `SELECT ${spec.select} FROM ${spec.from}${c.sql()} ORDER BY ${spec.key} ${spec.order.toUpperCase()} LIMIT ${limitParam}`;
  const rows = await db.query<R>(sql, c.params);
  const data = rows.slice(0, limit).map(spec.map);
  const last = rows.length > limit ? (rows[limit - 1] as Record<string, unknown>) : undefined;
  return {
    data,
    nextCursor: last ? encodeCursor(String(last[spec.key.replace(/^\w+\./, '')]), listOf(spec.from)) : null,
  };
}

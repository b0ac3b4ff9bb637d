import type { SQLInputValue } from 'node:sqlite';
import type { CountBucket, CountQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { SqliteContext } from './context.ts';

const MAX_BUCKETS = 10_000;

/**
 * Health-chart buckets over [since, until): messages created (to the endpoint, when one is given), attempts
 * that succeeded (`errorKind = 'none'`) or failed, and the p95 duration of the successful ones, computed
 * in SQL with a window function so no attempt rows cross into JavaScript.
 */
export function countDeliveries(ctx: SqliteContext, query: CountQuery): CountBucket[] {
  const { since, until, bucketMs } = query;
  if (!(bucketMs > 0) || !(until > since) || (until - since) / bucketMs > MAX_BUCKETS) {
    throw new StoreError(
      'invalid_argument',
      `need since < until and at most ${MAX_BUCKETS} buckets of bucketMs > 0`,
    );
  }
  const buckets: CountBucket[] = [];
  for (let start = since; start < until; start += bucketMs) {
    buckets.push({ start, messages: 0, succeeded: 0, failed: 0, p95DurationMs: null });
  }
  const at = (index: unknown) => buckets[Number(index)];

  const messageWhere = ['created_at >= ?', 'created_at < ?'];
  const messageParams: SQLInputValue[] = [since, until];
  let messageTable = 'messages';
  if (query.endpointId !== undefined) {
    messageTable = 'deliveries';
    messageWhere.push('endpoint_id = ?');
    messageParams.push(query.endpointId);
  }
  if (query.tenant !== undefined) {
    messageWhere.push('tenant = ?');
    messageParams.push(query.tenant);
  }
  const messageRows = ctx
    .stmt(
      `SELECT CAST((created_at - ?) / ? AS INTEGER) AS b, count(*) AS n FROM ${messageTable} WHERE ${messageWhere.join(' AND ')} GROUP BY b`,
    )
    .all(since, bucketMs, ...messageParams);
  for (const row of messageRows) {
    const bucket = at(row.b);
    if (bucket) bucket.messages = Number(row.n);
  }

  const attemptWhere = ['a.created_at >= ?', 'a.created_at < ?'];
  const attemptParams: SQLInputValue[] = [since, until];
  if (query.endpointId !== undefined) {
    attemptWhere.push('a.endpoint_id = ?');
    attemptParams.push(query.endpointId);
  }
  if (query.tenant !== undefined) {
    attemptWhere.push('EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id AND d.tenant = ?)');
    attemptParams.push(query.tenant);
  }
  const attemptRows = ctx
    .stmt(
      `SELECT CAST((a.created_at - ?) / ? AS INTEGER) AS b, sum(a.error_kind = 'none') AS ok, sum(a.error_kind != 'none') AS ko
       FROM attempts a WHERE ${attemptWhere.join(' AND ')} GROUP BY b`,
    )
    .all(since, bucketMs, ...attemptParams);
  for (const row of attemptRows) {
    const bucket = at(row.b);
    if (!bucket) continue;
    bucket.succeeded = Number(row.ok);
    bucket.failed = Number(row.ko);
  }

  // Nearest-rank p95: the ceil(0.95 n)-th smallest duration of each bucket.
  const p95Rows = ctx
    .stmt(
      `SELECT b, duration_ms FROM (
         SELECT CAST((a.created_at - ?) / ? AS INTEGER) AS b, a.duration_ms,
           row_number() OVER (PARTITION BY CAST((a.created_at - ?) / ? AS INTEGER) ORDER BY a.duration_ms) AS rn,
           count(*) OVER (PARTITION BY CAST((a.created_at - ?) / ? AS INTEGER)) AS n
         FROM attempts a WHERE ${attemptWhere.join(' AND ')} AND a.error_kind = 'none')
       WHERE rn = (n * 95 + 99) / 100`,
    )
    .all(since, bucketMs, since, bucketMs, since, bucketMs, ...attemptParams);
  for (const row of p95Rows) {
    const bucket = at(row.b);
    if (bucket) bucket.p95DurationMs = Number(row.duration_ms);
  }
  return buckets;
}

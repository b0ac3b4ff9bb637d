import type { CountBucket, CountQuery } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { PostgresContext } from './context.ts';

// Buckets are [since + k·bucketMs, since + (k+1)·bucketMs). Messages count by creation (for an endpoint:
// its deliveries, one per message), succeeded/failed count attempts by outcome (errorKind 'none' or not),
// and p95 is the nearest-rank p95 of succeeded attempts' durations (percentile_disc), as on SQLite.
// Every bucket of the range is returned, empty or not.
const COUNT = `
WITH buckets AS (
  SELECT generate_series(0, ($2::bigint - $1::bigint - 1) / $3::bigint) AS k
), msgs AS (
  SELECT ((m.created_at - $1) / $3)::bigint AS k, count(*)::int AS n
  FROM messages m
  WHERE $4::text IS NULL AND m.created_at >= $1 AND m.created_at < $2 AND ($5::text IS NULL OR m.tenant = $5)
  GROUP BY 1
  UNION ALL
  SELECT ((d.created_at - $1) / $3)::bigint AS k, count(*)::int AS n
  FROM deliveries d
  WHERE d.endpoint_id = $4 AND d.created_at >= $1 AND d.created_at < $2 AND ($5::text IS NULL OR d.tenant = $5)
  GROUP BY 1
), atts AS (
  SELECT ((a.created_at - $1) / $3)::bigint AS k,
    count(*) FILTER (WHERE a.error_kind = 'none')::int AS ok,
    count(*) FILTER (WHERE a.error_kind <> 'none')::int AS bad,
    percentile_disc(0.95) WITHIN GROUP (ORDER BY a.duration_ms) FILTER (WHERE a.error_kind = 'none') AS p95
  FROM attempts a
  WHERE a.created_at >= $1 AND a.created_at < $2
    AND ($4::text IS NULL OR a.endpoint_id = $4)
    AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id AND d.tenant = $5))
  GROUP BY 1
)
SELECT b.k, coalesce(msgs.n, 0) AS messages, coalesce(atts.ok, 0) AS succeeded, coalesce(atts.bad, 0) AS failed,
  atts.p95
FROM buckets b LEFT JOIN msgs ON msgs.k = b.k LEFT JOIN atts ON atts.k = b.k
ORDER BY b.k`;

const MAX_BUCKETS = 10_000;

/** Counts per time bucket for health charts; at most 10,000 buckets per query. */
export async function countDeliveries(ctx: PostgresContext, query: CountQuery): Promise<CountBucket[]> {
  const { since, until, bucketMs } = query;
  if (!(bucketMs > 0) || !(until > since) || (until - since) / bucketMs > MAX_BUCKETS) {
    throw new StoreError(
      'invalid_argument',
      `need since < until and at most ${MAX_BUCKETS} buckets of bucketMs > 0`,
    );
  }
  const rows = await ctx.db.query<{
    k: number;
    messages: number;
    succeeded: number;
    failed: number;
    p95: number | null;
  }>(COUNT, [query.since, query.until, query.bucketMs, query.endpointId ?? null, query.tenant ?? null]);
  return rows.map((r) => ({
    start: query.since + r.k * query.bucketMs,
    messages: r.messages,
    succeeded: r.succeeded,
    failed: r.failed,
    p95DurationMs: r.p95,
  }));
}

import type { AttemptFailure, EndpointHealth, EndpointHealthQuery } from '../store.ts';
import type { AttemptErrorKind, Endpoint } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { type EndpointRow, toEndpoint } from './rows.ts';

// Each subquery is one index-only range or seek on a partial index of migration 002 (attempts_endpoint_ok,
// attempts_endpoint_failed, deliveries_endpoint_open), as on SQLite.
const COUNTS = `SELECT
  (SELECT count(*)::int FROM attempts WHERE endpoint_id = $1 AND error_kind = 'none' AND created_at >= $2) AS succeeded,
  (SELECT count(*)::int FROM attempts WHERE endpoint_id = $1 AND error_kind <> 'none' AND created_at >= $2) AS failed,
  (SELECT max(created_at) FROM attempts WHERE endpoint_id = $1 AND error_kind = 'none') AS last_success_at,
  (SELECT count(*)::int FROM deliveries WHERE endpoint_id = $1 AND status IN ('pending', 'in_flight', 'failed')) AS pending`;

const LAST_FAILURE = `SELECT created_at, response_status, error_kind, error_message FROM attempts
  WHERE endpoint_id = $1 AND error_kind <> 'none' ORDER BY created_at DESC LIMIT 1`;

interface FailureRow {
  created_at: number;
  response_status: number | null;
  error_kind: string;
  error_message: string | null;
}

export async function lastFailedAttempt(
  ctx: PostgresContext,
  endpointId: string,
): Promise<AttemptFailure | null> {
  const [row] = await ctx.db.query<FailureRow>(LAST_FAILURE, [endpointId], 'hookline_last_failure');
  if (!row) return null;
  return {
    at: Number(row.created_at),
    status: row.response_status,
    errorKind: row.error_kind as AttemptErrorKind,
    message: row.error_message,
  };
}

export async function endpointHealth(
  ctx: PostgresContext,
  query: EndpointHealthQuery,
): Promise<EndpointHealth> {
  const [[row], lastError] = await Promise.all([
    ctx.db.query<{ succeeded: number; failed: number; last_success_at: number | null; pending: number }>(
      COUNTS,
      [query.endpointId, query.since],
      'hookline_endpoint_health',
    ),
    lastFailedAttempt(ctx, query.endpointId),
  ]);
  const succeeded = row?.succeeded ?? 0;
  const failed = row?.failed ?? 0;
  const lastSuccessAt = row?.last_success_at == null ? null : Number(row.last_success_at);
  const lastAttemptAt =
    lastSuccessAt === null && lastError === null
      ? null
      : Math.max(lastSuccessAt ?? Number.NEGATIVE_INFINITY, lastError?.at ?? Number.NEGATIVE_INFINITY);
  return {
    attempts: succeeded + failed,
    succeeded,
    failed,
    lastAttemptAt,
    lastSuccessAt,
    lastError,
    pending: row?.pending ?? 0,
  };
}

/** Endpoints are operator-made and few, so a scan of that table is fine here. */
export async function listFailingEndpoints(
  ctx: PostgresContext,
  query: { tenant?: string; limit: number },
): Promise<Endpoint[]> {
  const rows = await ctx.db.query<EndpointRow>(
    `SELECT * FROM endpoints
     WHERE ((NOT disabled AND failing_since IS NOT NULL) OR (disabled AND disabled_reason IS NOT NULL))
       AND ($1::text IS NULL OR tenant = $1)
     ORDER BY id LIMIT $2`,
    [query.tenant ?? null, query.limit],
  );
  return rows.map(toEndpoint);
}

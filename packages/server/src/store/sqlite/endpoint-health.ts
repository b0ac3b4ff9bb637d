import type { SQLInputValue } from 'node:sqlite';
import type { AttemptFailure, EndpointHealth, EndpointHealthQuery } from '../store.ts';
import type { AttemptErrorKind, Endpoint } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { type Row, toEndpoint } from './rows.ts';

// Each subquery is one covering range or seek on a partial index of migration 002 (attempts_endpoint_ok,
// attempts_endpoint_failed, deliveries_endpoint_open); query-plans.test.ts holds them to that.
const COUNTS = `SELECT
  (SELECT count(*) FROM attempts WHERE endpoint_id = ? AND error_kind = 'none' AND created_at >= ?) AS succeeded,
  (SELECT count(*) FROM attempts WHERE endpoint_id = ? AND error_kind <> 'none' AND created_at >= ?) AS failed,
  (SELECT max(created_at) FROM attempts WHERE endpoint_id = ? AND error_kind = 'none') AS last_success_at,
  (SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status IN ('pending', 'in_flight', 'failed')) AS pending`;

const LAST_FAILURE = `SELECT created_at, response_status, error_kind, error_message FROM attempts
  WHERE endpoint_id = ? AND error_kind <> 'none' ORDER BY created_at DESC LIMIT 1`;

export function lastFailedAttempt(ctx: SqliteContext, endpointId: string): AttemptFailure | null {
  const row = ctx.stmt(LAST_FAILURE).get(endpointId);
  if (!row) return null;
  return {
    at: Number(row.created_at),
    status: row.response_status === null ? null : Number(row.response_status),
    errorKind: String(row.error_kind) as AttemptErrorKind,
    message: row.error_message === null ? null : String(row.error_message),
  };
}

export function endpointHealth(ctx: SqliteContext, query: EndpointHealthQuery): EndpointHealth {
  const { endpointId: id, since } = query;
  const row = ctx.stmt(COUNTS).get(id, since, id, since, id, id) as Record<string, SQLInputValue>;
  const succeeded = Number(row.succeeded);
  const failed = Number(row.failed);
  const lastSuccessAt = row.last_success_at === null ? null : Number(row.last_success_at);
  const lastError = lastFailedAttempt(ctx, id);
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
    pending: Number(row.pending),
  };
}

/** Endpoints are operator-made and few, so a scan of that table is fine here. */
export function listFailingEndpoints(
  ctx: SqliteContext,
  query: { tenant?: string; limit: number },
): Endpoint[] {
  const failing =
    '((disabled = 0 AND failing_since IS NOT NULL) OR (disabled = 1 AND disabled_reason IS NOT NULL))';
  const rows =
    query.tenant === undefined
      ? ctx.stmt(`SELECT * FROM endpoints WHERE ${failing} ORDER BY id LIMIT ?`).all(query.limit)
      : ctx
          .stmt(`SELECT * FROM endpoints WHERE ${failing} AND tenant = ? ORDER BY id LIMIT ?`)
          .all(query.tenant, query.limit);
  return (rows as Row[]).map(toEndpoint);
}

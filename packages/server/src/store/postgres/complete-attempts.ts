import type { AttemptResult, NewAttempt } from '../store.ts';
import { isStoreError } from '../store-error.ts';
import type { Attempt } from '../types.ts';
import type { PostgresContext } from './context.ts';
import type { Queryable } from './open-database.ts';

export const ATTEMPT_COLUMNS =
  'id, delivery_id, message_id, endpoint_id, attempt_number, trigger, url, request_headers, response_status, response_headers, response_body, duration_ms, error_kind, error_message, created_at';

// Attempt rows travel as unnest arrays ($1..$15), so a batch of any size is one parameter list.
const ATTEMPTS_FROM_ARRAYS = `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
    $6::text[], $7::text[], $8::jsonb[], $9::int[], $10::jsonb[], $11::text[], $12::int[], $13::text[],
    $14::text[], $15::bigint[])`;

// The whole batch is one statement, hence one round trip and one commit: every attempt row is written (it
// happened), a delivery moves on only for the holder of its current lease token (fencing), and accepted
// results apply their endpoint health effect in the same commit. Health updates only touch rows whose
// state actually changes, so a stream of successes does not rewrite (and lock) a hot endpoint row.
// Per endpoint, a disable wins over the batch's other effects; otherwise the last result counts.
// The batch's rows are found by primary key only. `d.id = ANY($16)` repeats the join key as an index
// condition, and the status is compared with `i.held` (a column of the materialized input, not a constant)
// so that no partial index whose predicate covers 'in_flight' (deliveries_endpoint_open) can stand in for
// it: with stale statistics during a burst the planner took a full walk of that index (or a seq scan and
// a hash join) for every batch, reading every open delivery per completion. workers.bench.ts measured
// ~1,100-1,300 rows read per delivery with a 12k backlog (growing with it); with this, the batch's rows.

const COMPLETE = `
WITH input AS MATERIALIZED (
  SELECT *, 'in_flight'::text AS held FROM unnest($16::text[], $17::bigint[], $18::text[], $19::bigint[], $20::int[], $21::text[],
    $22::text[], $23::text[], $24::text[]) WITH ORDINALITY
    AS i(delivery_id, lease_token, status, next_at, status_code, last_error, endpoint_id, effect, reason, ord)
), attempts_written AS (
  INSERT INTO attempts (${ATTEMPT_COLUMNS}) ${ATTEMPTS_FROM_ARRAYS}
), updated AS (
  UPDATE deliveries d SET
    status = i.status,
    next_attempt_at = i.next_at,
    due_at = i.next_at,
    completed_at = CASE WHEN i.status = 'failed' THEN NULL ELSE $25::bigint END,
    lease_expires_at = NULL,
    worker_id = NULL,
    last_status_code = i.status_code,
    last_error = i.last_error,
    updated_at = $25::bigint
  FROM input i
  WHERE d.id = ANY($16::text[])
    AND d.id = i.delivery_id AND d.lease_token = i.lease_token AND d.status = i.held
  RETURNING d.id
), effects AS (
  SELECT DISTINCT ON (i.endpoint_id) i.endpoint_id, i.effect, i.reason
  FROM input i JOIN updated u ON u.id = i.delivery_id
  WHERE i.effect IS NOT NULL
  ORDER BY i.endpoint_id, (i.effect = 'disable') DESC, i.ord DESC
), health AS (
  UPDATE endpoints e SET
    failing_since = CASE WHEN f.effect = 'success' THEN NULL ELSE coalesce(e.failing_since, $25::bigint) END,
    disabled = e.disabled OR f.effect = 'disable',
    disabled_reason = CASE WHEN f.effect = 'disable' THEN f.reason ELSE e.disabled_reason END,
    updated_at = CASE WHEN f.effect = 'disable' THEN $25::bigint ELSE e.updated_at END
  FROM effects f
  WHERE e.id = f.endpoint_id
    AND CASE f.effect WHEN 'success' THEN e.failing_since IS NOT NULL
                      WHEN 'failure' THEN e.failing_since IS NULL
                      ELSE true END
  RETURNING f.effect
), bumped AS (
  UPDATE counters SET value = value + 1
  WHERE name = 'endpoints_version' AND EXISTS (SELECT 1 FROM health WHERE effect = 'disable')
)
SELECT id FROM updated`;

function lastError(attempt: NewAttempt): string | null {
  if (attempt.errorKind === 'none') return null;
  return attempt.errorMessage ?? attempt.errorKind;
}

/** Column arrays for ATTEMPTS_FROM_ARRAYS; returns the rows as records too. */
export function attemptArrays(
  ctx: PostgresContext,
  attempts: NewAttempt[],
  now: number,
): { params: unknown[][]; rows: Attempt[] } {
  const params: unknown[][] = Array.from({ length: 15 }, () => []);
  const rows = attempts.map((attempt) => {
    const row: Attempt = { id: ctx.deps.newId('att'), ...attempt, createdAt: now };
    const values = [
      row.id,
      row.deliveryId,
      row.messageId,
      row.endpointId,
      row.attemptNumber,
      row.trigger,
      row.url,
      JSON.stringify(row.requestHeaders),
      row.responseStatus,
      JSON.stringify(row.responseHeaders),
      row.responseBody,
      Math.round(row.durationMs),
      row.errorKind,
      row.errorMessage,
      now,
    ];
    for (const [i, value] of values.entries()) (params[i] as unknown[]).push(value);
    return row;
  });
  return { params, rows };
}

/** Inserts attempt rows on their own (manual resends). */
export async function insertAttempts(
  ctx: PostgresContext,
  db: Queryable,
  attempts: NewAttempt[],
): Promise<Attempt[]> {
  const now = ctx.deps.clock();
  const { params, rows } = attemptArrays(ctx, attempts, now);
  await db.query(
    `INSERT INTO attempts (${ATTEMPT_COLUMNS}) ${ATTEMPTS_FROM_ARRAYS}`,
    params,
    'hookline_insert_attempts',
  );
  return rows;
}

/**
 * Records a batch of attempt results in one round trip. Two batches can lock the same endpoints in
 * opposite orders when health flips; PostgreSQL then aborts one (deadlock), and since the batch is one
 * statement, nothing of it was applied and it is simply run again.
 */
export async function completeAttempts(
  ctx: PostgresContext,
  results: AttemptResult[],
): Promise<{ deliveryId: string; accepted: boolean }[]> {
  if (results.length === 0) return [];
  const now = ctx.deps.clock();
  const { params } = attemptArrays(
    ctx,
    results.map((r) => r.attempt),
    now,
  );
  const input: unknown[][] = Array.from({ length: 9 }, () => []);
  for (const result of results) {
    const { outcome } = result;
    const values = [
      result.deliveryId,
      result.leaseToken,
      outcome.kind === 'retry' ? 'failed' : outcome.kind,
      outcome.kind === 'retry' ? outcome.nextAttemptAt : null,
      result.attempt.responseStatus,
      lastError(result.attempt),
      result.attempt.endpointId,
      result.endpoint?.effect ?? null,
      result.endpoint?.effect === 'disable' ? result.endpoint.reason : null,
    ];
    for (const [i, value] of values.entries()) (input[i] as unknown[]).push(value);
  }
  const values = [...params, ...input, now];
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = await ctx.db.query<{ id: string }>(COMPLETE, values, 'hookline_complete');
      const accepted = new Set(rows.map((r) => r.id));
      return results.map((r) => ({ deliveryId: r.deliveryId, accepted: accepted.has(r.deliveryId) }));
    } catch (error) {
      const deadlock =
        isStoreError(error, 'conflict') && (error.cause as { code?: string })?.code === '40P01';
      if (!deadlock || attempt >= 3) throw error;
    }
  }
}

import type { AttemptResult, NewAttempt } from '../store.ts';
import type { Attempt } from '../types.ts';
import type { SqliteContext } from './context.ts';

const INSERT_ATTEMPT = `INSERT INTO attempts (id, delivery_id, message_id, endpoint_id, attempt_number, trigger, url,
  request_headers, response_status, response_headers, response_body, duration_ms, error_kind, error_message, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

// Fenced: only the holder of the current lease token, on a row still in flight, moves the delivery on.
const FINISH = `UPDATE deliveries SET status = ?, next_attempt_at = ?, completed_at = ?, lease_expires_at = NULL,
    worker_id = NULL, last_status_code = ?, last_error = ?, updated_at = ?
  WHERE id = ? AND lease_token = ? AND status = 'in_flight'`;

/** An attempt got a 2xx: the endpoint's failing clock stops (also for manual resends). */
export const ENDPOINT_SUCCESS =
  'UPDATE endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL';
const ENDPOINT_FAILURE = 'UPDATE endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL';
const ENDPOINT_DISABLE =
  'UPDATE endpoints SET disabled = 1, disabled_reason = ?, updated_at = ? WHERE id = ?';
const BUMP_ENDPOINTS_VERSION = "UPDATE counters SET value = value + 1 WHERE name = 'endpoints_version'";

/** Writes one attempt row inside the current transaction and returns it. */
export function writeAttempt(ctx: SqliteContext, attempt: NewAttempt, now: number): Attempt {
  const row: Attempt = { id: ctx.deps.newId('att'), ...attempt, createdAt: now };
  ctx
    .stmt(INSERT_ATTEMPT)
    .run(
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
      row.durationMs,
      row.errorKind,
      row.errorMessage,
      now,
    );
  return row;
}

function lastError(attempt: NewAttempt): string | null {
  if (attempt.errorKind === 'none') return null;
  return attempt.errorMessage ?? attempt.errorKind;
}

/**
 * Records a batch of attempt results in one job: every attempt row is written (it happened), but only a
 * result carrying the current lease token moves its delivery and applies its endpoint health effect.
 */
export function completeAttempts(
  ctx: SqliteContext,
  results: AttemptResult[],
): Promise<{ deliveryId: string; accepted: boolean }[]> {
  if (results.length === 0) return Promise.resolve([]);
  return ctx.queue.enqueue(results.length * 2, () => {
    const now = ctx.deps.clock();
    const finish = ctx.stmt(FINISH);
    let endpointsChanged = false;
    const out = results.map((result) => {
      writeAttempt(ctx, result.attempt, now);
      const { outcome } = result;
      const status = outcome.kind === 'retry' ? 'failed' : outcome.kind;
      const nextAttemptAt = outcome.kind === 'retry' ? outcome.nextAttemptAt : null;
      const completedAt = outcome.kind === 'retry' ? null : now;
      const changed = finish.run(
        status,
        nextAttemptAt,
        completedAt,
        result.attempt.responseStatus,
        lastError(result.attempt),
        now,
        result.deliveryId,
        result.leaseToken,
      ).changes;
      const accepted = changed > 0;
      if (accepted && result.endpoint) {
        const endpointId = result.attempt.endpointId;
        if (result.endpoint.effect === 'success') {
          ctx.stmt(ENDPOINT_SUCCESS).run(endpointId);
        } else if (result.endpoint.effect === 'failure') {
          ctx.stmt(ENDPOINT_FAILURE).run(now, endpointId);
        } else {
          ctx.stmt(ENDPOINT_FAILURE).run(now, endpointId);
          ctx.stmt(ENDPOINT_DISABLE).run(result.endpoint.reason, now, endpointId);
          endpointsChanged = true;
        }
      }
      return { deliveryId: result.deliveryId, accepted };
    });
    if (endpointsChanged) ctx.stmt(BUMP_ENDPOINTS_VERSION).run();
    return out;
  });
}

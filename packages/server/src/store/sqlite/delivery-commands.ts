import type { NewAttempt } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Attempt, Delivery } from '../types.ts';
import { ENDPOINT_SUCCESS, writeAttempt } from './complete-attempts.ts';
import type { SqliteContext } from './context.ts';
import { type Row, toDelivery } from './rows.ts';

// The smaller queue commands: each is one short write job of the group commit.

// The claim's attempt is uncounted; a delivery that had attempts before goes back to `failed`, else `pending`.
const RELEASE = `UPDATE deliveries SET status = CASE WHEN attempt_count > 1 THEN 'failed' ELSE 'pending' END,
    attempt_count = max(attempt_count - 1, 0), next_attempt_at = ?1,
    lease_expires_at = NULL, worker_id = NULL, updated_at = ?1
  WHERE id = ?2 AND lease_token = ?3 AND status = 'in_flight'`;

/** Gives claims back uncounted (graceful shutdown); due again at once. */
export function releaseDeliveries(
  ctx: SqliteContext,
  claims: { deliveryId: string; leaseToken: number }[],
): Promise<number> {
  if (claims.length === 0) return Promise.resolve(0);
  return ctx.queue.enqueue(claims.length, (signalWork) => {
    const now = ctx.deps.clock();
    let released = 0;
    for (const claim of claims)
      released += Number(ctx.stmt(RELEASE).run(now, claim.deliveryId, claim.leaseToken).changes);
    if (released > 0) signalWork();
    return released;
  });
}

/**
 * A manual resend's attempt: recorded, a scheduled retry left where it is. A success settles what no schedule
 * will: an exhausted delivery becomes `succeeded`, and the endpoint's failing clock stops (it answered). A
 * failure changes neither: a receiver refusing one old message an operator resent says little about the
 * endpoint, and must not start a clock that disables it.
 */
export function recordManualAttempt(ctx: SqliteContext, attempt: NewAttempt): Promise<Attempt> {
  return ctx.queue.enqueue(1, () => {
    const now = ctx.deps.clock();
    const ok = attempt.errorKind === 'none';
    // A delivery the resend created takes it as its first attempt; any other counts one more resend.
    const numbered = (ctx
      .stmt(SETTLE_UNSCHEDULED)
      .get(
        ok ? 'succeeded' : 'exhausted',
        now,
        attempt.responseStatus,
        ok ? null : (attempt.errorMessage ?? attempt.errorKind),
        attempt.deliveryId,
      ) ?? ctx.stmt(COUNT_RESEND).get(attempt.deliveryId)) as { n: number | bigint } | undefined;
    const attemptNumber = numbered === undefined ? attempt.attemptNumber : Number(numbered.n);
    const written = writeAttempt(ctx, { ...attempt, trigger: 'manual', attemptNumber }, now);
    if (ok) {
      ctx.stmt(SETTLE_EXHAUSTED).run(now, attempt.responseStatus, attempt.deliveryId);
      ctx.stmt(ENDPOINT_SUCCESS).run(attempt.endpointId);
    }
    return written;
  });
}

// Only a delivery a manual resend created (pending, never due, never attempted) takes the outcome.
const SETTLE_UNSCHEDULED = `UPDATE deliveries SET status = ?1, attempt_count = 1, completed_at = ?2,
    last_status_code = ?3, last_error = ?4, updated_at = ?2
  WHERE id = ?5 AND status = 'pending' AND next_attempt_at IS NULL AND attempt_count = 0
  RETURNING attempt_count + manual_attempts AS n`;

// A resend's number is its place among all the delivery's attempts, scheduled and manual (Delivery.manualAttempts).
const COUNT_RESEND = `UPDATE deliveries SET manual_attempts = manual_attempts + 1 WHERE id = ?
  RETURNING attempt_count + manual_attempts AS n`;

const SETTLE_EXHAUSTED = `UPDATE deliveries SET status = 'succeeded', completed_at = ?1, last_status_code = ?2,
    last_error = NULL, updated_at = ?1
  WHERE id = ?3 AND status = 'exhausted'`;

const ENSURE = `INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count, max_attempts,
    next_attempt_at, lease_token, created_at, updated_at)
  SELECT ?, id, ?, tenant, 'pending', 0, ?, ?, 0, ?, ? FROM messages WHERE id = ?
  ON CONFLICT (message_id, endpoint_id) DO NOTHING`;

/**
 * The delivery of a message to an endpoint, created pending if missing (due now, or never when not
 * `scheduled`); `not_found` for an unknown message.
 */
export function ensureDelivery(
  ctx: SqliteContext,
  messageId: string,
  endpointId: string,
  maxAttempts: number,
  options: { scheduled?: boolean } = {},
): Promise<Delivery> {
  const scheduled = options.scheduled ?? true;
  return ctx.queue.enqueue(1, (signalWork) => {
    const now = ctx.deps.clock();
    const created = ctx
      .stmt(ENSURE)
      .run(
        ctx.deps.newId('dlv'),
        endpointId,
        maxAttempts,
        scheduled ? now : null,
        now,
        now,
        messageId,
      ).changes;
    if (created > 0 && scheduled) signalWork();
    const row = ctx
      .stmt('SELECT * FROM deliveries WHERE message_id = ? AND endpoint_id = ?')
      .get(messageId, endpointId);
    if (!row) throw new StoreError('not_found', `message ${messageId} not found`);
    return toDelivery(row as Row);
  });
}

const RECOVER = `UPDATE deliveries SET status = 'pending', next_attempt_at = ?1, completed_at = NULL,
    max_attempts = max(max_attempts, attempt_count + 1), updated_at = ?1
  WHERE endpoint_id = ?2 AND status IN ('failed', 'exhausted') AND created_at >= ?3 AND created_at < ?4`;

/** Failed and exhausted deliveries of an endpoint go back to pending, each with one more attempt allowed. */
export function recoverDeliveries(
  ctx: SqliteContext,
  filter: { endpointId: string; since: number; until: number },
): Promise<number> {
  return ctx.queue.enqueue(100, (signalWork) => {
    const now = ctx.deps.clock();
    const count = Number(ctx.stmt(RECOVER).run(now, filter.endpointId, filter.since, filter.until).changes);
    if (count > 0) signalWork();
    return count;
  });
}

/**
 * Unfinished deliveries matching every given filter become cancelled. One in flight is cancelled too: its
 * attempt's result is then refused (the fence wants `in_flight`), so no retry follows it.
 */
export function cancelDeliveries(
  ctx: SqliteContext,
  filter: { messageId?: string; endpointId?: string; deliveryId?: string },
): Promise<number> {
  const where: string[] = ["status IN ('pending', 'failed', 'in_flight')"];
  const params: string[] = [];
  if (filter.messageId !== undefined) {
    where.push('message_id = ?');
    params.push(filter.messageId);
  }
  if (filter.endpointId !== undefined) {
    where.push('endpoint_id = ?');
    params.push(filter.endpointId);
  }
  if (filter.deliveryId !== undefined) {
    where.push('id = ?');
    params.push(filter.deliveryId);
  }
  if (params.length === 0) {
    return Promise.reject(new StoreError('invalid_argument', 'cancelDeliveries needs at least one filter'));
  }
  return ctx.queue.enqueue(100, () => {
    const now = ctx.deps.clock();
    const sql = `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_expires_at = NULL,
      completed_at = ?, updated_at = ? WHERE ${where.join(' AND ')}`;
    return Number(ctx.stmt(sql).run(now, now, ...params).changes);
  });
}
